/**
 * Benchmark 4 — cold start (design.md §8): from spawning the real headless broker
 * (`latchkey serve --headless`) to the first 200 on `GET /v2/auth/providers`, on an existing
 * home, median of 10 — the compiled `dist/` the package ships (the target; `npm run build`
 * first) and the TypeScript sources `npm start` runs in a clone, interleaved run by run with
 * the baseline: spawning `node -e` with a bare node:http server.
 * The first run (new home: database, vault key and owner key created) is reported apart.
 * The Agent Auth API answers before Express is loaded (compose.ts loads it on the first
 * other request), so each run also times that first other request: the window's page.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { get } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type BenchContext, HOST, ROOT, type Row, cliEntry, freePort, median, round, row, sleep, sourcesEntry } from './helpers.ts';

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

const brokerArgs = (entry: string, port: number, home: string): string[] => [entry, 'serve', '--headless', '--port', String(port), '--home', home];

/** Spawn → first 200 of the Agent Auth API, and then how long the window's first page takes. */
async function timeBroker(entry: string, home: string, key: string): Promise<{ ms: number; windowMs: number }> {
  const port = await freePort();
  const t0 = performance.now();
  const child = spawn(process.execPath, brokerArgs(entry, port, home), { stdio: 'ignore', cwd: ROOT });
  try {
    const ms = (await firstOk(child, port, key)) - t0;
    const t1 = performance.now();
    const page = await fetch(`http://${HOST}:${port}/`);
    await page.arrayBuffer();
    if (page.status !== 200) throw new Error(`the window's page answered ${page.status}`);
    return { ms, windowMs: performance.now() - t1 };
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
async function firstRun(entry: string, home: string): Promise<{ ms: number; key: string }> {
  const port = await freePort();
  const t0 = performance.now();
  const child = spawn(process.execPath, brokerArgs(entry, port, home), { stdio: ['ignore', 'pipe', 'pipe'], cwd: ROOT });
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

export async function coldStart(ctx: BenchContext): Promise<{ rows: Row[]; details: { compiled: boolean; firstRunMs: number; latchkey: number[]; sources: number[]; windowPage: number[]; baseline: number[] } }> {
  const home = mkdtempSync(join(tmpdir(), 'latchkey-bench-cold-'));
  const entry = cliEntry();
  try {
    const first = await firstRun(entry.path, home);
    const runs = ctx.quick ? 3 : RUNS;
    const latchkey: number[] = [];
    const sources: number[] = [];
    const windowPage: number[] = [];
    const baseline: number[] = [];
    for (let i = 0; i < runs; i++) {
      baseline.push(await timeBaseline());
      const run = await timeBroker(entry.path, home, first.key);
      latchkey.push(run.ms);
      windowPage.push(run.windowMs);
      if (entry.compiled) sources.push((await timeBroker(sourcesEntry().path, home, first.key)).ms);
    }
    const lk = median(latchkey);
    const base = median(baseline);
    const what = entry.compiled ? 'compiled dist/' : 'TypeScript sources (dist/ not built: npm run build)';
    const ms = (values: number[]): string => values.map((v) => v.toFixed(0)).join(' ');
    ctx.log(`  ${what}: first run ${first.ms.toFixed(0)} ms; latchkey ${ms(latchkey)} ms (then the window's page ${ms(windowPage)} ms)${sources.length ? `; sources ${ms(sources)} ms` : ''}; baseline ${ms(baseline)} ms`);
    return {
      rows: [
        row({ benchmark: 'cold start', metric: `spawn → first 200, ${entry.compiled ? 'compiled dist/ (what the package runs)' : 'TypeScript sources'}, median of ${runs}`, unit: 'ms', latchkey: round(lk, 0), baseline: round(base, 0), ratio: round(lk / base), target: '≤ 500 ms', met: lk <= 500 }),
        ...(sources.length ? [row({ benchmark: 'cold start', metric: `spawn → first 200, TypeScript sources (npm start in a clone), median of ${runs}`, unit: 'ms', latchkey: round(median(sources), 0), baseline: round(base, 0), ratio: round(median(sources) / base) })] : []),
        row({ benchmark: 'cold start', metric: "then the window's first page (loads the owner API), median", unit: 'ms', latchkey: round(median(windowPage), 0), baseline: null }),
        row({ benchmark: 'cold start', metric: 'first run on a new home (creates keys)', unit: 'ms', latchkey: round(first.ms, 0), baseline: null }),
      ],
      details: { compiled: entry.compiled, firstRunMs: first.ms, latchkey, sources, windowPage, baseline },
    };
  } finally {
    rmSync(home, { recursive: true, force: true });
  }
}
