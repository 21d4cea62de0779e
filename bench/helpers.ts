/**
 * Shared pieces of `npm run bench`: servers forked as child processes (so the load
 * generator in this process never shares a core's event loop with the server it measures),
 * a small request/reply protocol over the IPC channel, statistics, and the result rows every
 * benchmark returns. Everything listens and connects on 127.0.0.1 only.
 */
import { fork, spawnSync, type ChildProcess } from 'node:child_process';
import { cpus } from 'node:os';
import { existsSync, readFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const BENCH_DIR = dirname(fileURLToPath(import.meta.url));
export const ROOT = join(BENCH_DIR, '..');
export const HOST = '127.0.0.1';

/** The fixtures bench/broker-server.ts sets up. */
export const BENCH_PROVIDER = 'bench-idp';
export const BENCH_SCOPES = ['repo', 'user:email'];
/** agent_id of the connection the refresh storm hammers. */
export const STORM_AGENT = 'storm';

/** What bench/broker-server.ts announces once listening. */
export interface BrokerReady {
  url: string;
  port: number;
  pid: number;
  /** An agent-role key holding a live `forever` grant and a fresh token for BENCH_PROVIDER. */
  agentKey: string;
  /** The control secret the CLI presents as the owner (what runtime.json holds). */
  control: string;
}

/** One line of the results table: a figure, the same figure for its baseline, and the target. */
export interface Row {
  benchmark: string;
  metric: string;
  unit: string;
  latchkey: number;
  baseline: number | null;
  /** latchkey / baseline (or as stated in `ratioNote`) when the comparison is meaningful. */
  ratio: number | null;
  target: string | null;
  met: boolean | null;
}

export function row(r: Omit<Row, 'ratio' | 'target' | 'met'> & Partial<Pick<Row, 'ratio' | 'target' | 'met'>>): Row {
  return { ratio: null, target: null, met: null, ...r };
}

export interface BenchContext {
  /** Fewer connections levels, shorter runs: a smoke run of the harness itself. */
  quick: boolean;
  /** Where to write a CPU profile of the hot-path broker at 64 connections (--profile). */
  profileDir: string | null;
  /** Length of the idle-footprint window (default 600 s, 10 s with --quick). */
  idleSeconds?: number;
  log(line: string): void;
}

// ---- child servers -----------------------------------------------------------------------

export interface ServerChild<Ready> {
  readonly proc: ChildProcess;
  readonly ready: Ready;
  call<T = unknown>(cmd: string, args?: Record<string, unknown>): Promise<T>;
  stop(): Promise<void>;
}

interface Reply { id: number; ok: boolean; result?: unknown; error?: string }

/**
 * Fork `script` (a .ts file in bench/) with an IPC channel. The child sends
 * `{ type: 'ready', ... }` once listening and answers `{ id, cmd, args }` with `{ id, ok, result }`.
 */
export async function forkServer<Ready>(script: string, options: { args?: string[]; execArgv?: string[]; env?: NodeJS.ProcessEnv } = {}): Promise<ServerChild<Ready>> {
  const proc = fork(join(BENCH_DIR, script), options.args ?? [], {
    execArgv: ['--expose-gc', ...(options.execArgv ?? [])],
    env: { ...process.env, ...options.env },
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  const pending = new Map<number, { resolve: (v: unknown) => void; reject: (e: Error) => void }>();
  let nextId = 1;
  const exited = new Promise<void>((resolve) => proc.once('exit', () => resolve()));
  const ready = await new Promise<Ready>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`${script} did not start within 30 s`)), 30_000);
    proc.once('exit', (code) => { clearTimeout(timer); reject(new Error(`${script} exited with code ${code} before it was ready`)); });
    proc.on('message', (m: { type?: string } & Reply) => {
      if (m.type === 'ready') {
        clearTimeout(timer);
        resolve(m as unknown as Ready);
        return;
      }
      const p = pending.get(m.id);
      if (!p) return;
      pending.delete(m.id);
      if (m.ok) p.resolve(m.result);
      else p.reject(new Error(`${script}: ${m.error}`));
    });
  });
  proc.on('exit', () => {
    for (const p of pending.values()) p.reject(new Error(`${script} exited`));
    pending.clear();
  });
  return {
    proc,
    ready,
    call<T>(cmd: string, args: Record<string, unknown> = {}): Promise<T> {
      const id = nextId++;
      return new Promise<T>((resolve, reject) => {
        pending.set(id, { resolve: resolve as (v: unknown) => void, reject });
        proc.send({ id, cmd, args });
      });
    },
    async stop() {
      if (proc.exitCode !== null || proc.signalCode !== null) return;
      proc.send({ id: 0, cmd: 'close', args: {} });
      const killer = setTimeout(() => proc.kill('SIGKILL'), 10_000);
      await exited;
      clearTimeout(killer);
    },
  };
}

/**
 * The child side of forkServer: announce readiness, then run each command through `handle`.
 * `close` runs `onClose` and exits.
 */
export function serveCommands(ready: Record<string, unknown>, handle: (cmd: string, args: Record<string, unknown>) => unknown, onClose: () => Promise<void>): void {
  process.on('message', (m: { id: number; cmd: string; args: Record<string, unknown> }) => {
    if (m.cmd === 'close') {
      void onClose().finally(() => process.exit(0));
      return;
    }
    Promise.resolve()
      .then(() => handle(m.cmd, m.args))
      .then(
        (result) => process.send?.({ id: m.id, ok: true, result }),
        (err: unknown) => process.send?.({ id: m.id, ok: false, error: err instanceof Error ? err.stack ?? err.message : String(err) }),
      );
  });
  // The parent going away (Ctrl-C, crash) takes the server with it.
  process.on('disconnect', () => { void onClose().finally(() => process.exit(0)); });
  process.send?.({ type: 'ready', ...ready });
}

/** RSS of this process, after a full collection when `collect` (children run with --expose-gc). */
export function settledMemory(collect: unknown): { rss: number; heapUsed: number } {
  const gc = (globalThis as { gc?: () => void }).gc;
  if (collect === true && gc) { gc(); gc(); }
  const m = process.memoryUsage();
  return { rss: m.rss, heapUsed: m.heapUsed };
}

// ---- statistics and time -----------------------------------------------------------------

export function percentile(values: readonly number[], p: number): number {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const i = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[i] ?? Number.NaN;
}

/** The middle value; the mean of the two middle values for an even count. */
export function median(values: readonly number[]): number {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 === 1 ? (sorted[mid] ?? Number.NaN) : ((sorted[mid - 1] ?? 0) + (sorted[mid] ?? 0)) / 2;
}

export const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/** Poll `check` every `everyMs` until it holds, or fail after `timeoutMs`. */
export async function until(what: string, check: () => Promise<boolean> | boolean, timeoutMs: number, everyMs = 20): Promise<void> {
  const deadline = performance.now() + timeoutMs;
  while (!(await check())) {
    if (performance.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await sleep(everyMs);
  }
}

/** A port that was free a moment ago (for children that must be told their port up front). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, HOST, () => {
      const address = s.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      s.close(() => resolve(port));
    });
  });
}

export const MB = 1024 * 1024;

export const round = (v: number, digits = 2): number => Number.isFinite(v) ? Number(v.toFixed(digits)) : v;

/** Median with its spread, for figures measured in several interleaved rounds. */
export interface Spread { median: number; min: number; max: number; runs: number[] }

export function spread(values: readonly number[]): Spread {
  return { median: median(values), min: Math.min(...values), max: Math.max(...values), runs: [...values] };
}

// ---- CPU pinning ---------------------------------------------------------------------------

/**
 * Which cores the load generator and the servers under test get. On a 2-core machine an
 * unpinned load generator and server fight over both cores and the scheduler decides the
 * ratio; pinned apart (taskset, every thread with -a) each side has a core of its own, so the
 * baseline and Latchkey are measured under the same split. Null when pinning is not possible
 * (not Linux, one core, no taskset): the run says so and goes on unpinned.
 */
export interface CpuPlan { loadGenerator: string; servers: string }

export function cpuPlan(): CpuPlan | null {
  const n = cpus().length;
  if (process.platform !== 'linux' || n < 2) return null;
  if (spawnSync('sh', ['-c', 'command -v taskset']).status !== 0) return null;
  // Servers get the last core; the load generator (this process) the others.
  return { loadGenerator: n === 2 ? '0' : `0-${n - 2}`, servers: String(n - 1) };
}

/** Pin every thread of `pid` to `cpuList` (taskset syntax); throws when taskset refuses. */
export function pin(pid: number, cpuList: string): void {
  const r = spawnSync('taskset', ['-a', '-pc', cpuList, String(pid)], { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`taskset could not pin ${pid} to ${cpuList}: ${r.stderr.trim()}`);
}

// ---- /proc readings (Linux) ----------------------------------------------------------------

/** Resident set size of another process, from /proc/<pid>/status (VmRSS, kB). */
/** The CLI entry a user's `latchkey` runs: compiled when built (what the package ships), else the sources. */
export function cliEntry(): { path: string; compiled: boolean } {
  const compiled = join(ROOT, 'dist', 'main', 'cli', 'latchkey.js');
  return existsSync(compiled) ? { path: compiled, compiled: true } : sourcesEntry();
}

/** The TypeScript sources, as `npm start` runs them in a clone (Node strips the types at load). */
export function sourcesEntry(): { path: string; compiled: boolean } {
  return { path: join(ROOT, 'main', 'cli', 'latchkey.ts'), compiled: false };
}

export function rssOf(pid: number): number {
  return statusBytes(pid, 'VmRSS');
}

/**
 * The part of RSS that is file-backed (`RssFile`: pages of the node binary, native addons and
 * shared libraries, clean and shared with other processes running them), in bytes. The rest
 * is the process's own memory (heap, stacks).
 */
export function fileRssOf(pid: number): number {
  return statusBytes(pid, 'RssFile');
}

function statusBytes(pid: number, field: string): number {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const kb = Number(new RegExp(`${field}:\\s+(\\d+)`).exec(status)?.[1] ?? Number.NaN);
  return kb * 1024;
}

/** CPU seconds (user + system) a process has used, from /proc/<pid>/stat. */
export function cpuSecondsOf(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  // Fields after the parenthesised command name; utime and stime are fields 14 and 15.
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  const ticks = Number(fields[11]) + Number(fields[12]);
  return ticks / CLOCK_TICKS;
}

/** USER_HZ: 100 on every Linux architecture Node supports. */
const CLOCK_TICKS = 100;
