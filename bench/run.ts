/**
 * `npm run bench`: the performance targets of design.md §8, each measured next to a
 * baseline in the same run on this machine. Prints a markdown table and writes the same
 * results to bench/results/latest.json. Not part of `npm test`.
 *
 *   npm run bench                       everything (a few minutes on 2 cores)
 *   npm run bench -- --only hot,cold    a subset: hot, longpoll, refresh, cold, click, mcp, idle
 *   npm run bench -- --idle-seconds 60  a shorter idle window than the 10 minutes of the target
 *   npm run bench -- --quick            a smoke run of the harness (fewer, shorter runs)
 *   npm run bench -- --profile          also CPU-profile the hot-path broker at 64 connections (V8
 *                                       profiler) and print its hot spots (see bench/profile.ts)
 *
 * On Linux the run happens inside a throwaway D-Bus session with gnome-keyring
 * (scripts/with-test-keyring.sh), as `npm test` does, with the file limit raised to the hard
 * limit for the 10,000 long-polls. All traffic stays on 127.0.0.1.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, release, tmpdir, totalmem } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { coldStart } from './cold-start.ts';
import { type BenchContext, BENCH_DIR, ROOT, type Row } from './helpers.ts';
import { hotPath } from './hot-path.ts';
import { idleFootprint } from './idle.ts';
import { timeToToken } from './time-to-token.ts';
import { longPoll } from './long-poll.ts';
import { mcpBridge } from './mcp-bridge.ts';
import { formatHotSpots, hotSpots } from './profile.ts';
import { refreshStorm } from './refresh-storm.ts';

/** Hard stop, whatever happens: children exit when their IPC channel closes. */
const WATCHDOG_MS = 30 * 60_000;

const haveCommand = (cmd: string): boolean => spawnSync('sh', ['-c', `command -v ${cmd}`]).status === 0;

if (process.platform === 'linux' && !process.env.LATCHKEY_TEST_KEYRING) {
  if (!haveCommand('dbus-run-session') || !haveCommand('gnome-keyring-daemon')) {
    console.error('npm run bench needs a Secret Service: apt-get install -y --no-install-recommends dbus gnome-keyring (see README).');
    process.exit(2);
  }
  const raiseLimit = 'ulimit -n "$(ulimit -Hn)" 2>/dev/null || ulimit -n 65536 2>/dev/null || true; exec "$@"';
  const result = spawnSync('sh', ['-c', raiseLimit, 'sh', join(ROOT, 'scripts', 'with-test-keyring.sh'), process.execPath, join(BENCH_DIR, 'run.ts'), ...process.argv.slice(2)], {
    stdio: 'inherit', cwd: ROOT, env: { ...process.env, LATCHKEY_TEST_KEYRING: '1' },
  });
  process.exit(result.status ?? 1);
}

const { values } = parseArgs({ options: { only: { type: 'string' }, quick: { type: 'boolean' }, profile: { type: 'boolean' }, 'idle-seconds': { type: 'string' } } });
const benchmarks = {
  hot: hotPath,
  longpoll: longPoll,
  refresh: refreshStorm,
  cold: coldStart,
  click: timeToToken,
  mcp: mcpBridge,
  // Last: it sits idle for ten minutes (--idle-seconds to shorten; --quick makes it 10 s).
  idle: idleFootprint,
} as const;
type Name = keyof typeof benchmarks;
const selected = (values.only?.split(',').map((s) => s.trim()) ?? Object.keys(benchmarks)) as Name[];
for (const name of selected) {
  if (!(name in benchmarks)) {
    console.error(`Unknown benchmark '${name}'. Choose from: ${Object.keys(benchmarks).join(', ')}.`);
    process.exit(2);
  }
}

const watchdog = setTimeout(() => {
  console.error(`bench: still running after ${WATCHDOG_MS / 60_000} minutes; giving up.`);
  process.exit(1);
}, WATCHDOG_MS);
watchdog.unref();

const profileDir = values.profile ? mkdtempSync(join(tmpdir(), 'latchkey-bench-prof-')) : null;
const idleSeconds = values['idle-seconds'] === undefined ? undefined : Number(values['idle-seconds']);
if (idleSeconds !== undefined && !(Number.isFinite(idleSeconds) && idleSeconds >= 1)) {
  console.error('--idle-seconds takes a number of seconds ≥ 1.');
  process.exit(2);
}
const ctx: BenchContext = { quick: values.quick ?? false, profileDir, log: (line) => console.error(line), ...(idleSeconds !== undefined ? { idleSeconds } : {}) };
const cpu = cpus();
const machine = {
  cpu: `${cpu.length} × ${cpu[0]?.model.trim() ?? 'unknown CPU'}`,
  memoryGB: Math.round(totalmem() / 1024 ** 3),
  os: `${process.platform} ${release()}`,
  node: process.version,
};
const loadBefore = loadavg()[0] ?? 0;
console.error(`Latchkey benchmarks on ${machine.cpu}, ${machine.memoryGB} GB, ${machine.os}, Node ${machine.node}${ctx.quick ? ' (quick)' : ''}`);
// Other work on the machine skews every figure; the baselines share the skew, the absolute targets do not.
if (loadBefore > 0.5 * cpu.length) console.error(`warning: the 1-minute load average is ${loadBefore.toFixed(2)} on ${cpu.length} cores; results will be noisy.`);

const started = new Date();
const rows: Row[] = [];
const details: Record<string, unknown> = {};
for (const name of selected) {
  console.error(`\n▶ ${name}`);
  const t = performance.now();
  const result = await benchmarks[name](ctx);
  rows.push(...result.rows);
  details[name] = result.details;
  console.error(`  (${((performance.now() - t) / 1000).toFixed(1)} s)`);
}

let profile: ReturnType<typeof hotSpots> | undefined;
if (profileDir) {
  const file = readdirSync(profileDir).find((f) => f.endsWith('.cpuprofile'));
  if (file) {
    const countFile = join(profileDir, file.replace(/\.cpuprofile$/, '.requests'));
    const requests = existsSync(countFile) ? Number(readFileSync(countFile, 'utf8')) : undefined;
    profile = hotSpots(join(profileDir, file), 30, requests);
    console.error(`\nHot-path broker profile (${join(profileDir, file)}):\n${formatHotSpots(profile)}`);
  }
}

const num = (v: number | null, unit = ''): string => (v === null ? '—' : `${v.toLocaleString('en-US')}${unit}`);
const table = [
  '| Benchmark | Metric | Latchkey | Baseline | Ratio | Target | Met |',
  '|---|---|--:|--:|--:|---|:-:|',
  ...rows.map((r) => `| ${r.benchmark} | ${r.metric} | ${num(r.latchkey)} ${r.unit} | ${r.baseline === null ? '—' : `${num(r.baseline)} ${r.unit}`} | ${r.ratio === null ? '—' : `**${r.ratio.toFixed(2)}×**`} | ${r.target ?? ''} | ${r.met === null ? '' : r.met ? '✅' : '❌'} |`),
].join('\n');
const targets = rows.filter((r) => r.met !== null);
const missed = targets.filter((r) => !r.met);

console.log(`\n${table}\n`);
console.log(`${targets.length - missed.length} of ${targets.length} targets met${missed.length ? `; missed: ${missed.map((r) => `${r.benchmark} — ${r.metric}`).join('; ')}` : ''}.`);

mkdirSync(join(BENCH_DIR, 'results'), { recursive: true });
const out = join(BENCH_DIR, 'results', 'latest.json');
const loadAfter = loadavg()[0] ?? 0;
writeFileSync(out, `${JSON.stringify({ startedAt: started.toISOString(), finishedAt: new Date().toISOString(), machine, load: { before: loadBefore, after: loadAfter }, quick: ctx.quick, rows, details, ...(profile ? { profile } : {}) }, null, 2)}\n`);
console.log(`1-minute load average: ${loadBefore.toFixed(2)} before, ${loadAfter.toFixed(2)} after (the benchmark's own processes included).`);
// The benchmark itself keeps about one core busy; more than that means someone else was working too.
if (Math.max(loadBefore, loadAfter) > cpu.length) console.log(`warning: the machine was busy (load above ${cpu.length} on ${cpu.length} cores); ratios are less trustworthy than usual, absolute figures much less.`);
console.log(`Results written to ${out}.`);
