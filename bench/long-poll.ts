/**
 * Benchmark 2 — long-poll waits (design.md §8). 1,000 and 10,000 concurrent
 * `GET /v2/auth/wait/{auth_id}?timeout=600`, 100 per pending request (the broker caps a
 * request at 256 waiters and the whole process at 20,000), over raw sockets from this
 * process. Measured: RSS growth of the broker per 1,000 waiters (after a full GC, against
 * the same broker before the waits), the time from the owner's approval of one request
 * until its 100 waiters have their answer, and until all the rest have theirs when every
 * other request is approved at once. Then 1,000 clients hang up and the registry must drain
 * to zero. Baseline: a bare node:http server holding the same number of requests, released
 * by command.
 */
import { spawnSync } from 'node:child_process';
import { connect, type Socket } from 'node:net';
import type { BaselineReady } from './baseline-server.ts';
import { type BenchContext, type BrokerReady, HOST, MB, type Row, type ServerChild, forkServer, round, row, until } from './helpers.ts';

const PER_REQUEST = 100;
const OPEN_BATCH = 500;

/** One raw HTTP/1.1 long-poll: resolves `answered` with the time its whole response arrived. */
export class RawWait {
  readonly socket: Socket;
  answeredAt: number | null = null;
  status: string | null = null;
  readonly answered: Promise<void>;
  #buf = '';

  constructor(port: number, path: string, key: string, connected: () => void) {
    let done = (): void => {};
    this.answered = new Promise((resolve) => { done = resolve; });
    let opened = false;
    const once = (): void => { if (!opened) { opened = true; connected(); } };
    this.socket = connect({ host: HOST, port }, () => {
      this.socket.write(`GET ${path} HTTP/1.1\r\nHost: ${HOST}:${port}\r\nx-api-key: ${key}\r\nAccept: application/json\r\n\r\n`);
      once();
    });
    this.socket.setEncoding('utf8');
    this.socket.on('data', (chunk: string) => {
      this.#buf += chunk;
      const head = this.#buf.indexOf('\r\n\r\n');
      if (head < 0 || this.answeredAt !== null) return;
      const length = Number(/content-length:\s*(\d+)/i.exec(this.#buf.slice(0, head))?.[1] ?? 0);
      if (Buffer.byteLength(this.#buf.slice(head + 4)) < length) return;
      this.answeredAt = performance.now();
      const statusLine = this.#buf.slice(0, this.#buf.indexOf('\r\n'));
      this.status = statusLine.includes(' 200 ') ? String((JSON.parse(this.#buf.slice(head + 4)) as { status?: string }).status) : statusLine;
      done();
    });
    this.socket.on('error', once); // counted as unanswered
    this.socket.on('close', () => done());
  }
}

/** Open `targets.length` waits in batches, each batch once the previous one has connected. */
async function openWaits(port: number, targets: Array<{ path: string; key: string }>): Promise<RawWait[]> {
  const all: RawWait[] = [];
  for (let i = 0; i < targets.length; i += OPEN_BATCH) {
    const batch = targets.slice(i, i + OPEN_BATCH);
    await new Promise<void>((resolve) => {
      let left = batch.length;
      for (const t of batch) all.push(new RawWait(port, t.path, t.key, () => { if (--left === 0) resolve(); }));
    });
  }
  return all;
}

/** Milliseconds from `start` until every wait in `group` has its complete answer. */
async function answeredWithin(group: RawWait[], start: number, what: string): Promise<number> {
  await Promise.race([Promise.all(group.map((w) => w.answered)), new Promise((r) => setTimeout(r, 30_000))]);
  const missing = group.filter((w) => w.answeredAt === null).length;
  if (missing > 0) throw new Error(`${what}: ${missing} of ${group.length} waits got no answer`);
  return Math.max(...group.map((w) => w.answeredAt ?? 0)) - start;
}

/** The soft file-descriptor limit this process (and its children) inherited. */
function fileLimit(): number {
  const out = spawnSync('sh', ['-c', 'ulimit -n'], { encoding: 'utf8' }).stdout.trim();
  return out === 'unlimited' ? Number.POSITIVE_INFINITY : Number(out) || 1024;
}

interface Stats { rss: number; heapUsed: number; waiters: number }

interface ScaleResult {
  waiters: number;
  latchkey: { rssGrowthMB: number; perThousandMB: number; oneRequestMs: number; restMs: number; restWaiters: number };
  baseline: { rssGrowthMB: number; perThousandMB: number; oneRequestMs: number; restMs: number };
  hangUp?: { waitersLeft: number; drainMs: number };
}

async function brokerScale(ctx: BenchContext, total: number): Promise<ScaleResult['latchkey'] & { hangUp?: ScaleResult['hangUp'] }> {
  const broker = await forkServer<BrokerReady>('broker-server.ts');
  const sockets: RawWait[] = [];
  try {
    const requests = await broker.call<Array<{ authId: string; key: string }>>('pending', { count: total / PER_REQUEST, tag: 'lp' });
    const before = await broker.call<Stats>('stats', { gc: true });
    const targets = requests.flatMap((r) => Array.from({ length: PER_REQUEST }, () => ({ path: `/v2/auth/wait/${r.authId}?timeout=600`, key: r.key })));
    sockets.push(...await openWaits(broker.ready.port, targets));
    await until(`${total} registered waiters`, async () => (await broker.call<Stats>('stats')).waiters === total, 60_000, 100);
    const loaded = await broker.call<Stats>('stats', { gc: true });
    const growth = (loaded.rss - before.rss) / MB;

    // Waits were opened request by request, so each group of PER_REQUEST shares an auth_id.
    const first = sockets.slice(0, PER_REQUEST);
    const rest = sockets.slice(PER_REQUEST);
    let t0 = performance.now();
    await broker.call('approve', { authIds: [requests[0]?.authId] });
    const oneRequestMs = await answeredWithin(first, t0, 'one request');
    t0 = performance.now();
    await broker.call('approve', { authIds: requests.slice(1).map((r) => r.authId) });
    const restMs = await answeredWithin(rest, t0, 'the other requests');
    const wrong = sockets.filter((w) => w.status !== 'completed');
    if (wrong.length > 0) throw new Error(`${wrong.length} waits answered other than completed, e.g. ${wrong[0]?.status}`);
    ctx.log(`  latchkey ${total} waiters: +${growth.toFixed(1)} MB RSS, one request ${oneRequestMs.toFixed(1)} ms, other ${rest.length} ${restMs.toFixed(1)} ms`);
    for (const w of sockets) w.socket.destroy();

    let hangUp: ScaleResult['hangUp'];
    if (total === 1000) {
      // Closed clients leave nothing behind: hang up on 1,000 waits and watch the registry drain.
      const more = await broker.call<Array<{ authId: string; key: string }>>('pending', { count: total / PER_REQUEST, tag: 'hangup' });
      const quitters = await openWaits(broker.ready.port, more.flatMap((r) => Array.from({ length: PER_REQUEST }, () => ({ path: `/v2/auth/wait/${r.authId}?timeout=600`, key: r.key }))));
      await until('hang-up waiters registered', async () => (await broker.call<Stats>('stats')).waiters === total, 30_000, 50);
      const t = performance.now();
      for (const w of quitters) w.socket.destroy();
      let left = total;
      try {
        await until('the wait registry to drain', async () => (left = (await broker.call<Stats>('stats')).waiters) === 0, 5_000, 5);
      } catch { /* reported as waiters left */ }
      hangUp = { waitersLeft: left, drainMs: performance.now() - t };
      ctx.log(`  latchkey: ${total} clients hung up → ${left} waiters left after ${hangUp.drainMs.toFixed(1)} ms`);
    }
    return { rssGrowthMB: growth, perThousandMB: growth / (total / 1000), oneRequestMs, restMs, restWaiters: rest.length, ...(hangUp ? { hangUp } : {}) };
  } finally {
    for (const w of sockets) w.socket.destroy();
    await broker.stop();
  }
}

async function baselineScale(ctx: BenchContext, total: number): Promise<ScaleResult['baseline']> {
  const server: ServerChild<BaselineReady> = await forkServer<BaselineReady>('baseline-server.ts', { args: ['--mode', 'hold', '--body', JSON.stringify({ status: 'completed', token: `at-${'x'.repeat(40)}`, expires_at: new Date().toISOString() })] });
  const sockets: RawWait[] = [];
  try {
    const before = await server.call<Stats>('stats', { gc: true });
    sockets.push(...await openWaits(server.ready.port, Array.from({ length: total }, () => ({ path: '/v2/auth/wait/x?timeout=600', key: 'k' }))));
    await until(`${total} held requests`, async () => (await server.call<Stats>('stats')).waiters === total, 60_000, 100);
    const loaded = await server.call<Stats>('stats', { gc: true });
    const growth = (loaded.rss - before.rss) / MB;
    // The bare server answers in the order requests arrived: any PER_REQUEST of them is "one request".
    let t0 = performance.now();
    await server.call('release', { count: PER_REQUEST });
    const firstAnswered = async (): Promise<number> => {
      await until('the first group', () => sockets.filter((w) => w.answeredAt !== null).length >= PER_REQUEST, 30_000, 1);
      return Math.max(...sockets.filter((w) => w.answeredAt !== null).map((w) => w.answeredAt ?? 0)) - t0;
    };
    const oneRequestMs = await firstAnswered();
    const rest = sockets.filter((w) => w.answeredAt === null);
    t0 = performance.now();
    await server.call('release', {});
    const restMs = await answeredWithin(rest, t0, 'baseline rest');
    ctx.log(`  baseline ${total} held: +${growth.toFixed(1)} MB RSS, ${PER_REQUEST} answers ${oneRequestMs.toFixed(1)} ms, other ${rest.length} ${restMs.toFixed(1)} ms`);
    return { rssGrowthMB: growth, perThousandMB: growth / (total / 1000), oneRequestMs, restMs };
  } finally {
    for (const w of sockets) w.socket.destroy();
    await server.stop();
  }
}

export async function longPoll(ctx: BenchContext): Promise<{ rows: Row[]; details: { scales: ScaleResult[]; fileLimit: number } }> {
  const limit = fileLimit();
  // Each side of a wait holds one descriptor in its process; leave room for everything else.
  const wanted = ctx.quick ? [1000] : [1000, 10_000];
  const scales = wanted.filter((n) => n + 500 <= limit);
  for (const n of wanted.filter((w) => !scales.includes(w))) ctx.log(`  skipping ${n} waiters: the file limit is ${limit} (raise it with ulimit -n)`);
  const results: ScaleResult[] = [];
  for (const total of scales) {
    const base = await baselineScale(ctx, total);
    const lk = await brokerScale(ctx, total);
    const { hangUp, ...latchkey } = lk;
    results.push({ waiters: total, latchkey, baseline: base, ...(hangUp ? { hangUp } : {}) });
  }
  const rows: Row[] = [];
  for (const r of results) {
    const n = r.waiters.toLocaleString('en-US');
    const at10k = r.waiters === 10_000;
    rows.push(
      row({ benchmark: 'long-poll waits', metric: `RSS growth, ${n} waiters`, unit: 'MB', latchkey: round(r.latchkey.rssGrowthMB, 1), baseline: round(r.baseline.rssGrowthMB, 1), ratio: round(r.latchkey.rssGrowthMB / r.baseline.rssGrowthMB), ...(at10k ? { target: '≤ 150 MB', met: r.latchkey.rssGrowthMB <= 150 } : {}) }),
      row({ benchmark: 'long-poll waits', metric: `RSS per 1,000 waiters (of ${n})`, unit: 'MB', latchkey: round(r.latchkey.perThousandMB, 2), baseline: round(r.baseline.perThousandMB, 2), ratio: round(r.latchkey.perThousandMB / r.baseline.perThousandMB) }),
      row({ benchmark: 'long-poll waits', metric: `fan-out: 1 request's ${PER_REQUEST} waiters (of ${n})`, unit: 'ms', latchkey: round(r.latchkey.oneRequestMs, 1), baseline: round(r.baseline.oneRequestMs, 1), ratio: round(r.latchkey.oneRequestMs / r.baseline.oneRequestMs), target: '≤ 50 ms', met: r.latchkey.oneRequestMs <= 50 }),
      row({ benchmark: 'long-poll waits', metric: `fan-out: other ${r.latchkey.restWaiters.toLocaleString('en-US')} waiters at once`, unit: 'ms', latchkey: round(r.latchkey.restMs, 1), baseline: round(r.baseline.restMs, 1), ratio: round(r.latchkey.restMs / r.baseline.restMs) }),
    );
    if (r.hangUp) rows.push(row({ benchmark: 'long-poll waits', metric: `waiters left after ${n} clients hang up`, unit: 'count', latchkey: r.hangUp.waitersLeft, baseline: null, target: '0', met: r.hangUp.waitersLeft === 0 }));
  }
  return { rows, details: { scales: results, fileLimit: limit } };
}
