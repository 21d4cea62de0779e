/**
 * Benchmark 6 — time to token after the human's click (issue 17): a request whose consent is
 * already covered (the connection holds the scopes; only the owner's approval is missing),
 * an agent long-polling `wait` on it, then the owner's Approve as the window or CLI sends it
 * (`POST /ui/api/requests/{auth_id}/approve` with the owner's control credential). Measured:
 * from sending the Approve to the agent's `wait` answer arriving complete, median of 20.
 * Baseline: a request held by a bare node:http server, released by a command from this
 * process — the floor for "something happened, the waiting client hears of it".
 */
import type { BaselineReady } from './baseline-server.ts';
import { type BenchContext, type BrokerReady, type Row, forkServer, median, percentile, round, row, sleep } from './helpers.ts';
import { RawWait } from './long-poll.ts';
import { CONTROL_HEADER } from '../main/http/owner-auth.ts';

const TARGET_MS = 20;

export async function timeToToken(ctx: BenchContext): Promise<{ rows: Row[]; details: { latchkeyMs: number[]; baselineMs: number[] } }> {
  const runs = ctx.quick ? 5 : 20;
  const broker = await forkServer<BrokerReady>('broker-server.ts');
  const baseline = await forkServer<BaselineReady>('baseline-server.ts', { args: ['--mode', 'hold'] });
  try {
    const latchkeyMs: number[] = [];
    const baselineMs: number[] = [];
    const requests = await broker.call<Array<{ authId: string; key: string }>>('pending', { count: runs, tag: 'click' });
    for (const { authId, key } of requests) {
      // Latchkey: the agent waits, the owner clicks Approve.
      let opened = (): void => {};
      const isOpen = new Promise<void>((r) => { opened = r; });
      const wait = new RawWait(broker.ready.port, `/v2/auth/wait/${authId}?timeout=30`, key, () => opened());
      await isOpen;
      await sleep(30); // the wait is registered before the click, as when a human is the one clicking
      const t0 = performance.now();
      const approve = await fetch(`${broker.ready.url}/ui/api/requests/${authId}/approve`, {
        method: 'POST', headers: { 'content-type': 'application/json', [CONTROL_HEADER]: broker.ready.control }, body: JSON.stringify({ duration: '1h' }),
      });
      if (!approve.ok) throw new Error(`approve answered ${approve.status}: ${await approve.text()}`);
      await wait.answered;
      if (wait.status !== 'completed') throw new Error(`the wait answered ${wait.status}, not completed`);
      latchkeyMs.push((wait.answeredAt ?? Number.NaN) - t0);
      wait.socket.destroy();

      // Baseline: a held request released by a second request, on a bare server.
      let bOpened = (): void => {};
      const bOpen = new Promise<void>((r) => { bOpened = r; });
      const held = new RawWait(baseline.ready.port, '/held', 'none', () => bOpened());
      await bOpen;
      await sleep(30);
      const b0 = performance.now();
      await baseline.call('release', {});
      await held.answered;
      baselineMs.push((held.answeredAt ?? Number.NaN) - b0);
      held.socket.destroy();
    }
    const lk = median(latchkeyMs);
    const base = median(baselineMs);
    ctx.log(`  approve → wait: median ${lk.toFixed(2)} ms (p90 ${percentile(latchkeyMs, 90).toFixed(2)}) | baseline ${base.toFixed(2)} ms`);
    return {
      rows: [row({ benchmark: 'time to token', metric: `owner's Approve → agent's wait answered, median of ${runs}`, unit: 'ms', latchkey: round(lk), baseline: round(base), target: `≤ ${TARGET_MS} ms`, met: lk <= TARGET_MS })],
      details: { latchkeyMs, baselineMs },
    };
  } finally {
    await baseline.stop();
    await broker.stop();
  }
}
