/**
 * Benchmark 4 — cold start (design.md §8): from spawning the real headless broker
 * (`node main/cli/latchkey.ts serve --headless`, what `npm start` runs without a display)
 * to the first 200 on `GET /v2/auth/providers`, on an existing home, median of 10.
 * Baseline, interleaved run by run: spawning `node -e` with a bare node:http server.
 * The first run (new home: database, vault key and owner key created) is reported apart.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { get } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type BenchContext, HOST, ROOT, type Row, freePort, median, round, row, sleep } from './helpers.ts';

const RUNS = 10;

function status(port: number, key: string): Promise<number> {
  return new Promise((resolve) => {
    const req = get({ host: HOST, port, path: '/v2/auth/providers', agent: false, headers: { 'x-api-key': key } }, (res) => {
      res.resume();
      res.on('end', () => resolve(res.statusCode ?? 0));
    });
    req.on('error', () => resolve(0));
  });
}

/** Poll until the first 200; returns the moment it arrived. */
async function firstOk(child: ChildProcess, port: number, key: string): Promise<number> {
  const deadline = performance.now() + 20_000;
  while (performance.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`the server exited with code ${child.exitCode} before answering`);
    if ((await status(port, key)) === 200) return performance.now();
    await sleep(1);
  }
  throw new Error('no 200 within 20 s');
}

async function stop(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise((r) => child.once('exit', r));
  child.kill('SIGTERM');
  const killer = setTimeout(() => child.kill('SIGKILL'), 10_000);
  await exited;
  clearTimeout(killer);
}

const brokerArgs = (port: number, home: string): string[] => [join(ROOT, 'main', 'cli', 'latchkey.ts'), 'serve', '--headless', '--port', String(port), '--home', home];

async function timeBroker(home: string, key: string): Promise<number> {
  const port = await freePort();
  const t0 = performance.now();
  const child = spawn(process.execPath, brokerArgs(port, home), { stdio: 'ignore', cwd: ROOT });
  try {
    return (await firstOk(child, port, key)) - t0;
  } finally {
    await stop(child);
  }
}

async function timeBaseline(): Promise<number> {
  const port = await freePort();
  const code = `require('node:http').createServer((q, s) => { s.setHeader('content-type', 'application/json'); s.end('[]'); }).listen(${port}, '${HOST}')`;
  const t0 = performance.now();
  const child = spawn(process.execPath, ['-e', code], { stdio: 'ignore' });
  try {
    return (await firstOk(child, port, 'none')) - t0;
  } finally {
    await stop(child);
  }
}

/** First run on a new home: read the owner key from the banner, then wait for the first 200. */
async function firstRun(home: string): Promise<{ ms: number; key: string }> {
  const port = await freePort();
  const t0 = performance.now();
  const child = spawn(process.execPath, brokerArgs(port, home), { stdio: ['ignore', 'pipe', 'pipe'], cwd: ROOT });
  let out = '';
  child.stdout?.setEncoding('utf8').on('data', (c: string) => { out += c; });
  child.stderr?.setEncoding('utf8').on('data', (c: string) => { out += c; });
  try {
    const deadline = performance.now() + 30_000;
    let key: string | undefined;
    while (!(key = /LANGSMITH_API_KEY=(lk_[A-Za-z0-9_-]+)/.exec(out)?.[1])) {
      if (child.exitCode !== null || performance.now() > deadline) throw new Error(`headless broker did not print its owner key:\n${out}`);
      await sleep(5);
    }
    return { ms: (await firstOk(child, port, key)) - t0, key };
  } finally {
    await stop(child);
  }
}

export async function coldStart(ctx: BenchContext): Promise<{ rows: Row[]; details: { firstRunMs: number; latchkey: number[]; baseline: number[] } }> {
  const home = mkdtempSync(join(tmpdir(), 'latchkey-bench-cold-'));
  try {
    const first = await firstRun(home);
    const runs = ctx.quick ? 3 : RUNS;
    const latchkey: number[] = [];
    const baseline: number[] = [];
    for (let i = 0; i < runs; i++) {
      baseline.push(await timeBaseline());
      latchkey.push(await timeBroker(home, first.key));
    }
    const lk = median(latchkey);
    const base = median(baseline);
    ctx.log(`  first run ${first.ms.toFixed(0)} ms; latchkey ${latchkey.map((v) => v.toFixed(0)).join(' ')} ms; baseline ${baseline.map((v) => v.toFixed(0)).join(' ')} ms`);
    return {
      rows: [
        row({ benchmark: 'cold start', metric: `spawn → first 200, median of ${runs}`, unit: 'ms', latchkey: round(lk, 0), baseline: round(base, 0), ratio: round(lk / base), target: '≤ 500 ms', met: lk <= 500 }),
        row({ benchmark: 'cold start', metric: 'first run on a new home (creates keys)', unit: 'ms', latchkey: round(first.ms, 0), baseline: null }),
      ],
      details: { firstRunMs: first.ms, latchkey, baseline },
    };
  } finally {
    rmSync(home, { recursive: true, force: true });
  }
}
