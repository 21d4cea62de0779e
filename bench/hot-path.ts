/**
 * Benchmark 1 — the authenticate hot path (design.md §8): a live grant and a fresh token,
 * so every call is answered `completed` from the decrypted-token cache. autocannon drives
 * it from this process at 1, 16, 64 and 256 connections; the baseline is a bare node:http
 * server (bench/baseline-server.ts) answering the same JSON body, measured at each level
 * right before Latchkey. Both servers run in their own child process.
 */
import { join } from 'node:path';
import autocannon from 'autocannon';
import type { BaselineReady } from './baseline-server.ts';
import { BENCH_PROVIDER, BENCH_SCOPES, type BenchContext, type BrokerReady, type Row, forkServer, percentile, round, row } from './helpers.ts';

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

export interface HotPathDetails { levels: Array<{ connections: number; latchkey: LoadResult; baseline: LoadResult }>; body: unknown }

export async function hotPath(ctx: BenchContext): Promise<{ rows: Row[]; details: HotPathDetails }> {
  const levels = ctx.quick ? [1, 64] : [1, 16, 64, 256];
  const seconds = ctx.quick ? 2 : 5;
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
    try {
      const brokerUrl = `${broker.ready.url}/v2/auth/authenticate`;
      ctx.log('  warming up both servers (2 s each)');
      await load(baseline.ready.url, 16, 2, request);
      await load(brokerUrl, 16, 2, request);
      const results: HotPathDetails['levels'] = [];
      for (const connections of levels) {
        const base = await load(baseline.ready.url, connections, seconds, request);
        const lk = await load(brokerUrl, connections, seconds, request);
        if (lk.non2xx + lk.errors > 0 || base.non2xx + base.errors > 0) {
          throw new Error(`non-2xx answers or errors at ${connections} connections: latchkey ${lk.non2xx}/${lk.errors}, baseline ${base.non2xx}/${base.errors}`);
        }
        ctx.log(`  ${connections} conn: latchkey ${Math.round(lk.rps)} req/s p99 ${lk.p99.toFixed(2)} ms | baseline ${Math.round(base.rps)} req/s p99 ${base.p99.toFixed(2)} ms`);
        results.push({ connections, latchkey: lk, baseline: base });
      }
      if (ctx.profileDir) {
        // A profile of the steady state only: one more run at 64 connections, after the measured ones.
        await broker.call('profileStart');
        await load(brokerUrl, 64, seconds, request);
        await broker.call('profileStop', { file: join(ctx.profileDir, 'hot-path.cpuprofile') });
      }
      const rows: Row[] = [];
      for (const { connections, latchkey: lk, baseline: base } of results) {
        const at64 = connections === 64;
        const ratio = lk.rps / base.rps;
        rows.push(
          row({ benchmark: 'authenticate hot path', metric: `req/s @ ${connections} conn`, unit: 'req/s', latchkey: Math.round(lk.rps), baseline: Math.round(base.rps), ratio: round(ratio), ...(at64 ? { target: 'ratio ≥ 0.60', met: ratio >= 0.6 } : {}) }),
          row({ benchmark: 'authenticate hot path', metric: `p50 latency @ ${connections} conn`, unit: 'ms', latchkey: round(lk.p50), baseline: round(base.p50) }),
          row({ benchmark: 'authenticate hot path', metric: `p99 latency @ ${connections} conn`, unit: 'ms', latchkey: round(lk.p99), baseline: round(base.p99), ...(at64 ? { target: '≤ 5 ms', met: lk.p99 <= 5 } : {}) }),
        );
      }
      return { rows, details: { levels: results, body } };
    } finally {
      await baseline.stop();
    }
  } finally {
    await broker.stop();
  }
}
