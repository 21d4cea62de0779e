/**
 * Benchmark 1 — the authenticate hot path (design.md §8): a live grant and a fresh token,
 * so every call is answered `completed` from the decrypted-token cache. autocannon drives
 * it from this process at 1, 16, 64 and 256 connections; the baseline is a bare node:http
 * server (bench/baseline-server.ts) answering the same JSON body. Each level runs three
 * interleaved baseline/Latchkey pairs and reports the median ratio with its spread. Both
 * servers run in their own child process, pinned to a core apart from the load generator.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import autocannon from 'autocannon';
import type { BaselineReady } from './baseline-server.ts';
import { cpus } from 'node:os';
import { BENCH_PROVIDER, BENCH_SCOPES, type BenchContext, type BrokerReady, type CpuPlan, type Row, type Spread, cpuPlan, forkServer, percentile, pin, round, row, spread } from './helpers.ts';

export interface LoadResult {
  connections: number;
  requests: number;
  seconds: number;
  rps: number;
  p50: number;
  p99: number;
  non2xx: number;
  errors: number;
}

/**
 * One autocannon run. Latencies are taken from its per-response event (sub-millisecond,
 * unlike its integer-millisecond histogram); only 2xx answers count as served.
 */
export function load(url: string, connections: number, seconds: number, request: { method: 'POST' | 'GET'; headers: Record<string, string>; body?: string }): Promise<LoadResult> {
  const latencies: number[] = [];
  let non2xx = 0;
  const started = performance.now();
  return new Promise((resolve, reject) => {
    const instance = autocannon({ url, connections, duration: seconds, pipelining: 1, method: request.method, headers: request.headers, ...(request.body ? { body: request.body } : {}) }, (err, result) => {
      if (err) return reject(err instanceof Error ? err : new Error(String(err)));
      const elapsed = (performance.now() - started) / 1000;
      resolve({
        connections, requests: latencies.length, seconds: elapsed, rps: latencies.length / elapsed,
        p50: percentile(latencies, 50), p99: percentile(latencies, 99), non2xx, errors: result.errors,
      });
    });
    instance.on('response', (_client: unknown, statusCode: number, _bytes: number, responseTime: number) => {
      if (statusCode >= 200 && statusCode < 300) latencies.push(responseTime);
      else non2xx++;
    });
  });
}

export interface HotPathLevel {
  connections: number;
  /** One pair per round, run back to back (order alternating), so both see the same minute. */
  rounds: Array<{ latchkey: LoadResult; baseline: LoadResult; ratio: number }>;
  ratio: Spread;
  latchkeyRps: Spread;
  baselineRps: Spread;
  latchkeyP99: Spread;
  baselineP99: Spread;
}
export interface HotPathDetails { pinned: CpuPlan | null; rounds: number; secondsPerRun: number; levels: HotPathLevel[]; body: unknown }

/** Levels with a throughput target (issue 17: ≥ 0.6× at 16, 64 and 256 connections). */
const RATIO_TARGET_LEVELS = new Set([16, 64, 256]);
const RATIO_TARGET = 0.6;
const P99_TARGET_MS = 5;

export async function hotPath(ctx: BenchContext): Promise<{ rows: Row[]; details: HotPathDetails }> {
  const levels = ctx.quick ? [1, 64] : [1, 16, 64, 256];
  const seconds = ctx.quick ? 2 : 4;
  const rounds = ctx.quick ? 1 : 3;
  const plan = cpuPlan();
  if (plan) pin(process.pid, plan.loadGenerator);
  ctx.log(plan ? `  pinned: load generator on CPU ${plan.loadGenerator}, servers on CPU ${plan.servers}` : '  not pinned (needs Linux, 2+ cores and taskset): ratios will move with the scheduler');
  const broker = await forkServer<BrokerReady>('broker-server.ts');
  const request = {
    method: 'POST' as const,
    headers: { 'content-type': 'application/json', 'x-api-key': broker.ready.agentKey },
    body: JSON.stringify({ provider: BENCH_PROVIDER, scopes: BENCH_SCOPES }),
  };
  try {
    const probe = await fetch(`${broker.ready.url}/v2/auth/authenticate`, { method: 'POST', headers: request.headers, body: request.body });
    const body = (await probe.json()) as { status?: string };
    if (probe.status !== 200 || body.status !== 'completed') throw new Error(`hot path fixture is not completed: ${probe.status} ${JSON.stringify(body)}`);
    const baseline = await forkServer<BaselineReady>('baseline-server.ts', { args: ['--mode', 'json', '--body', JSON.stringify(body)] });
    if (plan) for (const pid of [broker.proc.pid, baseline.proc.pid]) if (pid) pin(pid, plan.servers);
    try {
      const brokerUrl = `${broker.ready.url}/v2/auth/authenticate`;
      const run = async (url: string, connections: number): Promise<LoadResult> => {
        const r = await load(url, connections, seconds, request);
        if (r.non2xx + r.errors > 0) throw new Error(`non-2xx answers or errors at ${connections} connections on ${url}: ${r.non2xx}/${r.errors}`);
        return r;
      };
      ctx.log('  warming up both servers (3 s each, JIT and caches)');
      await load(baseline.ready.url, 16, 3, request);
      await load(brokerUrl, 16, 3, request);
      const results: HotPathLevel[] = [];
      for (const connections of levels) {
        const pairs: HotPathLevel['rounds'] = [];
        for (let i = 0; i < rounds; i++) {
          // Alternate who goes first, so a drift within the pair does not always favour one side.
          const [first, second] = i % 2 === 0 ? [baseline.ready.url, brokerUrl] : [brokerUrl, baseline.ready.url];
          const a = await run(first, connections);
          const b = await run(second, connections);
          const [base, lk] = first === brokerUrl ? [b, a] : [a, b];
          pairs.push({ latchkey: lk, baseline: base, ratio: lk.rps / base.rps });
        }
        const level: HotPathLevel = {
          connections, rounds: pairs,
          ratio: spread(pairs.map((p) => p.ratio)),
          latchkeyRps: spread(pairs.map((p) => p.latchkey.rps)), baselineRps: spread(pairs.map((p) => p.baseline.rps)),
          latchkeyP99: spread(pairs.map((p) => p.latchkey.p99)), baselineP99: spread(pairs.map((p) => p.baseline.p99)),
        };
        ctx.log(`  ${connections} conn: ratio ${level.ratio.median.toFixed(2)} (${level.ratio.min.toFixed(2)}–${level.ratio.max.toFixed(2)}) | latchkey ${Math.round(level.latchkeyRps.median)} req/s p99 ${level.latchkeyP99.median.toFixed(2)} ms | baseline ${Math.round(level.baselineRps.median)} req/s p99 ${level.baselineP99.median.toFixed(2)} ms`);
        results.push(level);
      }
      if (ctx.profileDir) {
        // A profile of the steady state only: one more run at 64 connections, after the measured ones.
        await broker.call('profileStart');
        const profiled = await load(brokerUrl, 64, seconds, request);
        await broker.call('profileStop', { file: join(ctx.profileDir, 'hot-path.cpuprofile') });
        // For µs per request in the summary (bench/profile.ts).
        writeFileSync(join(ctx.profileDir, 'hot-path.requests'), String(profiled.requests));
      }
      const rows: Row[] = [];
      const range = (s: Spread, digits = 2): string => (rounds > 1 ? ` (${s.min.toFixed(digits)}–${s.max.toFixed(digits)})` : '');
      for (const l of results) {
        const ratioTarget = RATIO_TARGET_LEVELS.has(l.connections);
        const p99Target = l.connections === 64;
        rows.push(
          row({ benchmark: 'authenticate hot path', metric: `req/s @ ${l.connections} conn, median of ${rounds}${range(l.ratio)}`, unit: 'req/s', latchkey: Math.round(l.latchkeyRps.median), baseline: Math.round(l.baselineRps.median), ratio: round(l.ratio.median), ...(ratioTarget ? { target: `ratio ≥ ${RATIO_TARGET.toFixed(2)}`, met: l.ratio.median >= RATIO_TARGET } : {}) }),
          row({ benchmark: 'authenticate hot path', metric: `p99 latency @ ${l.connections} conn${range(l.latchkeyP99)}`, unit: 'ms', latchkey: round(l.latchkeyP99.median), baseline: round(l.baselineP99.median), ...(p99Target ? { target: `≤ ${P99_TARGET_MS} ms`, met: l.latchkeyP99.median <= P99_TARGET_MS } : {}) }),
        );
      }
      return { rows, details: { pinned: plan, rounds, secondsPerRun: seconds, levels: results, body } };
    } finally {
      await baseline.stop();
    }
  } finally {
    await broker.stop();
    // Give the rest of the run both cores back.
    if (plan) pin(process.pid, `0-${cpus().length - 1}`);
  }
}
