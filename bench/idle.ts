/**
 * Benchmark 5 — idle footprint (issue 17): a headless broker as a user runs it (one process,
 * `latchkey serve --headless`, compiled JavaScript when `dist/` is built, else the TypeScript
 * sources), next to a bare Node process that only listens, both started in the same run.
 * RSS right after start (once the first answer arrived and a second has passed) and after the
 * idle window; CPU used over the window as a share of one core. Nothing talks to either
 * process during the window, so any CPU is timers of their own.
 *
 * "Headless" is a broker only agents talk to: the readiness probe is an Agent Auth call
 * (`GET /v2/auth/wait/…`, answered 401 without a key). After the window, the window's page is
 * fetched once and RSS read again: that is what opening the window (or an owner CLI call,
 * which loads the same owner API) adds.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { get } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type BenchContext, HOST, MB, ROOT, type Row, cliEntry, cpuSecondsOf, fileRssOf, freePort, round, row, rssOf, sleep } from './helpers.ts';

const RSS_TARGET_MB = 80;
const CPU_TARGET_PERCENT = 0.1;

function answers(port: number, path: string): Promise<boolean> {
  return new Promise((resolve) => {
    const req = get({ host: HOST, port, path, agent: false }, (res) => { res.resume(); res.on('end', () => resolve(true)); });
    req.on('error', () => resolve(false));
  });
}

/** An agent's call: the fast path answers it without the window's stack. */
const AGENT_PROBE = '/v2/auth/wait/lk-auth-probe';

async function started(child: ChildProcess, port: number, what: string): Promise<void> {
  const deadline = performance.now() + 30_000;
  while (!(await answers(port, AGENT_PROBE))) {
    if (child.exitCode !== null) throw new Error(`${what} exited with code ${child.exitCode} before answering`);
    if (performance.now() > deadline) throw new Error(`${what} did not answer within 30 s`);
    await sleep(20);
  }
}


/** `fileEndMB`: the file-backed share of the end RSS (see fileRssOf). */
interface Reading { rssStartMB: number; rssEndMB: number; fileEndMB: number; cpuPercent: number }
/** After the idle window: the window's page fetched once, RSS a second later. */
interface WindowReading { rssMB: number; fileMB: number }

export async function idleFootprint(ctx: BenchContext): Promise<{ rows: Row[]; details: { windowSeconds: number; compiled: boolean; latchkey: Reading; baseline: Reading; windowOpened: WindowReading } }> {
  const windowSeconds = ctx.idleSeconds ?? (ctx.quick ? 10 : 600);
  const home = mkdtempSync(join(tmpdir(), 'latchkey-bench-idle-'));
  const entry = cliEntry();
  const [brokerPort, basePort] = [await freePort(), await freePort()];
  const broker = spawn(process.execPath, [entry.path, 'serve', '--headless', '--port', String(brokerPort), '--home', home], { stdio: 'ignore', cwd: ROOT });
  const bare = spawn(process.execPath, ['-e', `require('node:http').createServer((q, s) => s.end('ok')).listen(${basePort}, '${HOST}')`], { stdio: 'ignore' });
  try {
    await Promise.all([started(broker, brokerPort, 'the broker'), started(bare, basePort, 'the bare server')]);
    await sleep(1000);
    const pids = { latchkey: broker.pid ?? 0, baseline: bare.pid ?? 0 };
    const rssStart = { latchkey: rssOf(pids.latchkey), baseline: rssOf(pids.baseline) };
    const cpuStart = { latchkey: cpuSecondsOf(pids.latchkey), baseline: cpuSecondsOf(pids.baseline) };
    ctx.log(`  ${entry.compiled ? 'compiled dist/' : 'TypeScript sources (dist/ not built)'}; idle for ${windowSeconds} s`);
    await sleep(windowSeconds * 1000);
    const reading = (who: 'latchkey' | 'baseline'): Reading => ({
      rssStartMB: round(rssStart[who] / MB, 1),
      rssEndMB: round(rssOf(pids[who]) / MB, 1),
      fileEndMB: round(fileRssOf(pids[who]) / MB, 1),
      cpuPercent: round(((cpuSecondsOf(pids[who]) - cpuStart[who]) / windowSeconds) * 100, 3),
    });
    const lk = reading('latchkey');
    const base = reading('baseline');
    if (!(await answers(brokerPort, '/'))) throw new Error('the broker did not serve the window page');
    await sleep(1000);
    const windowOpened: WindowReading = { rssMB: round(rssOf(pids.latchkey) / MB, 1), fileMB: round(fileRssOf(pids.latchkey) / MB, 1) };
    ctx.log(`  after the window's page was served: RSS ${windowOpened.rssMB} MB (file-backed ${windowOpened.fileMB})`);
    ctx.log(`  latchkey RSS ${lk.rssStartMB} → ${lk.rssEndMB} MB (file-backed ${lk.fileEndMB}), CPU ${lk.cpuPercent} % | bare node RSS ${base.rssStartMB} → ${base.rssEndMB} MB (file-backed ${base.fileEndMB}), CPU ${base.cpuPercent} %`);
    const minutes = windowSeconds >= 60 ? `${round(windowSeconds / 60, 1)} min` : `${windowSeconds} s`;
    return {
      rows: [
        row({ benchmark: 'idle footprint', metric: 'RSS after start', unit: 'MB', latchkey: lk.rssStartMB, baseline: base.rssStartMB, ratio: round(lk.rssStartMB / base.rssStartMB), target: `≤ ${RSS_TARGET_MB} MB`, met: lk.rssStartMB <= RSS_TARGET_MB }),
        row({ benchmark: 'idle footprint', metric: `RSS after ${minutes} idle`, unit: 'MB', latchkey: lk.rssEndMB, baseline: base.rssEndMB, ratio: round(lk.rssEndMB / base.rssEndMB), target: `≤ ${RSS_TARGET_MB} MB`, met: lk.rssEndMB <= RSS_TARGET_MB }),
        row({ benchmark: 'idle footprint', metric: `CPU over ${minutes} idle (one core = 100 %)`, unit: '%', latchkey: lk.cpuPercent, baseline: base.cpuPercent, target: `≤ ${CPU_TARGET_PERCENT} %`, met: lk.cpuPercent <= CPU_TARGET_PERCENT }),
        row({ benchmark: 'idle footprint', metric: "RSS once the window's page (owner API, Express) was served", unit: 'MB', latchkey: windowOpened.rssMB, baseline: base.rssEndMB, ratio: round(windowOpened.rssMB / base.rssEndMB) }),
      ],
      details: { windowSeconds, compiled: entry.compiled, latchkey: lk, baseline: base, windowOpened },
    };
  } finally {
    for (const child of [broker, bare]) if (child.exitCode === null) child.kill('SIGTERM');
    await sleep(300);
    for (const child of [broker, bare]) if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
    rmSync(home, { recursive: true, force: true });
  }
}
