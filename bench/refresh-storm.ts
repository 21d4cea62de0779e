/**
 * Benchmark 3 — refresh storm (design.md §8, S20): 200 concurrent authenticate calls on an
 * expired token. The provider is a node:http token endpoint in this process on 127.0.0.1:0
 * that answers every call after a fixed 100 ms. Each round: expire the token, fire the 200
 * calls, count token-endpoint calls (must be exactly 1) and each caller's latency over the
 * 100 ms. Baseline: the same 200 concurrent calls made straight to the token endpoint, so
 * the client's and the loopback's own share of the time is visible.
 */
import { Agent, createServer, request, type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';
import { BENCH_PROVIDER, BENCH_SCOPES, STORM_AGENT, type BenchContext, type BrokerReady, HOST, type Row, forkServer, median, percentile, round, row } from './helpers.ts';

const CALLERS = 200;
const PROVIDER_LATENCY_MS = 100;

interface Answer { ms: number; status: number; body: string }

function post(url: string, agent: Agent, headers: Record<string, string>, body: string): Promise<Answer> {
  const t0 = performance.now();
  return new Promise((resolve, reject) => {
    const req = request(url, { method: 'POST', agent, headers: { ...headers, 'content-length': String(Buffer.byteLength(body)) } }, (res: IncomingMessage) => {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (c: string) => { text += c; });
      res.on('end', () => resolve({ ms: performance.now() - t0, status: res.statusCode ?? 0, body: text }));
    });
    req.setTimeout(10_000, () => req.destroy(new Error('timed out')));
    req.on('error', reject);
    req.end(body);
  });
}

interface Round { upstreamCalls: number; min: number; p50: number; max: number; direct: { p50: number; max: number } }

export async function refreshStorm(ctx: BenchContext): Promise<{ rows: Row[]; details: { rounds: Round[] } }> {
  let calls = 0;
  let issued = 0;
  const tokenEndpoint = createServer((req, res) => {
    calls++;
    req.resume();
    req.on('end', () => setTimeout(() => {
      issued++;
      const text = JSON.stringify({ access_token: `at-refreshed-${issued}`, token_type: 'Bearer', expires_in: 3600, refresh_token: `rt-refreshed-${issued}`, scope: BENCH_SCOPES.join(' ') });
      res.writeHead(200, { 'Content-Type': 'application/json', 'Cache-Control': 'no-store' });
      res.end(text);
    }, PROVIDER_LATENCY_MS));
  });
  await new Promise<void>((resolve) => tokenEndpoint.listen(0, HOST, resolve));
  const tokenUrl = `http://${HOST}:${(tokenEndpoint.address() as AddressInfo).port}/token`;
  const broker = await forkServer<BrokerReady>('broker-server.ts', { args: ['--token-url', tokenUrl] });
  const toBroker = new Agent({ keepAlive: true, maxSockets: CALLERS });
  const toProvider = new Agent({ keepAlive: true, maxSockets: CALLERS });
  const headers = { 'content-type': 'application/json', 'x-api-key': broker.ready.agentKey };
  const body = JSON.stringify({ provider: BENCH_PROVIDER, scopes: BENCH_SCOPES, agent_id: STORM_AGENT });
  const rounds: Round[] = [];
  try {
    const total = ctx.quick ? 3 : 11;
    for (let i = 0; i < total; i++) {
      // Baseline first: the provider's own time for the same 200 concurrent callers.
      const direct = await Promise.all(Array.from({ length: CALLERS }, () => post(tokenUrl, toProvider, { 'content-type': 'application/x-www-form-urlencoded' }, 'grant_type=refresh_token&refresh_token=rt')));
      await broker.call('expire');
      calls = 0;
      const answers = await Promise.all(Array.from({ length: CALLERS }, () => post(`${broker.ready.url}/v2/auth/authenticate`, toBroker, headers, body)));
      const tokens = new Set(answers.map((a) => (a.status === 200 ? (JSON.parse(a.body) as { token?: string }).token : `HTTP ${a.status}: ${a.body}`)));
      if (tokens.size !== 1 || ![...tokens][0]?.startsWith('at-refreshed-')) throw new Error(`refresh storm: callers got ${[...tokens].slice(0, 3).join(', ')}`);
      const added = answers.map((a) => a.ms - PROVIDER_LATENCY_MS);
      const directAdded = direct.map((a) => a.ms - PROVIDER_LATENCY_MS);
      const r: Round = { upstreamCalls: calls, min: Math.min(...added), p50: percentile(added, 50), max: Math.max(...added), direct: { p50: percentile(directAdded, 50), max: Math.max(...directAdded) } };
      // The first round warms up both sides (JIT, sockets) and is not counted.
      if (i > 0) rounds.push(r);
      ctx.log(`  round ${i}${i === 0 ? ' (warm-up)' : ''}: ${calls} upstream call(s), added min ${r.min.toFixed(1)} ms, p50 ${r.p50.toFixed(1)} ms, max ${r.max.toFixed(1)} ms | direct p50 ${r.direct.p50.toFixed(1)} ms, max ${r.direct.max.toFixed(1)} ms`);
    }
  } finally {
    toBroker.destroy();
    toProvider.destroy();
    await broker.stop();
    tokenEndpoint.closeAllConnections();
    await new Promise((r) => tokenEndpoint.close(r));
  }
  const maxCalls = Math.max(...rounds.map((r) => r.upstreamCalls));
  const slowest = median(rounds.map((r) => r.max));
  const directSlowest = median(rounds.map((r) => r.direct.max));
  // The provider's own response time, as 200 concurrent callers on this machine see it, is the
  // direct baseline; what Latchkey adds is the difference, round by round.
  const overProvider = median(rounds.map((r) => r.max - r.direct.max));
  const rows: Row[] = [
    row({ benchmark: 'refresh storm (200 callers)', metric: 'token-endpoint calls per storm (worst round)', unit: 'calls', latchkey: maxCalls, baseline: null, target: '= 1', met: rounds.every((r) => r.upstreamCalls === 1) }),
    row({ benchmark: 'refresh storm (200 callers)', metric: 'latency over the 100 ms delay, p50 caller', unit: 'ms', latchkey: round(median(rounds.map((r) => r.p50)), 1), baseline: round(median(rounds.map((r) => r.direct.p50)), 1) }),
    row({ benchmark: 'refresh storm (200 callers)', metric: 'latency over the 100 ms delay, slowest caller', unit: 'ms', latchkey: round(slowest, 1), baseline: round(directSlowest, 1) }),
    row({ benchmark: 'refresh storm (200 callers)', metric: 'added over the provider\'s own time (slowest − baseline slowest)', unit: 'ms', latchkey: round(overProvider, 1), baseline: null, target: '≤ 20 ms', met: overProvider <= 20 }),
  ];
  return { rows, details: { rounds } };
}
