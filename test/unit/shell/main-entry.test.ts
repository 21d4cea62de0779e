/**
 * The real Electron entry (main/shell/main.ts) booted under Node with a recording fake of
 * the 'electron' module: the adapter code in main.ts runs for real, with the real broker.
 */
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterEach, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const root = join(here, '..', '..', '..');
const dirs: string[] = [];
afterEach(() => { for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true }); });

interface Line { event: string; [k: string]: unknown }

function boot(lock: boolean) {
  const dir = mkdtempSync(join(tmpdir(), 'latchkey-entry-'));
  dirs.push(dir);
  const home = join(dir, 'home');
  const logFile = join(dir, 'electron.log');
  const child = spawn(process.execPath, ['--import', join(here, 'fake-electron', 'register.ts'), join(root, 'main', 'shell', 'main.ts'), '--port', '0', '--home', home], {
    env: { ...process.env, FAKE_ELECTRON_LOG: logFile, FAKE_ELECTRON_LOCK: lock ? '1' : '0' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout.on('data', (d: Buffer) => { output += d.toString(); });
  child.stderr.on('data', (d: Buffer) => { output += d.toString(); });
  const exited = new Promise<number | null>((r) => child.on('exit', (code) => r(code)));
  const lines = (): Line[] => (existsSync(logFile) ? readFileSync(logFile, 'utf8').trim().split('\n').filter(Boolean).map((l) => JSON.parse(l) as Line) : []);
  const waitFor = async (pred: (l: Line) => boolean): Promise<Line> => {
    for (let i = 0; i < 200; i++) {
      const hit = lines().find(pred);
      if (hit) return hit;
      await new Promise((r) => setTimeout(r, 25));
    }
    throw new Error(`timed out; log:\n${lines().map((l) => JSON.stringify(l)).join('\n')}\noutput:\n${output}`);
  };
  return { child, home, exited, lines, waitFor, output: () => output };
}

describe('Electron entry (main.ts) on a fake electron module', () => {
  it('S08 a second instance exits before createBroker: no database, no tray', async () => {
    const e = boot(false);
    assert.equal(await e.exited, 0, e.output());
    assert.deepEqual(e.lines().map((l) => l.event), ['setPath', 'lock', 'quit', 'exit']);
    assert.equal(existsSync(join(e.home, 'latchkey.db')), false, 'the database was never opened');
    assert.match(e.output(), /already running/);
  });

  it('the first instance starts the broker, draws the tray and closes cleanly on SIGTERM', async () => {
    const e = boot(true);
    const running = await e.waitFor((l) => l.event === 'tray.tooltip' && /Running on port \d+/.test(String(l.text)));
    const port = Number(/port (\d+)/.exec(String(running.text))?.[1]);
    assert.ok(port > 0);
    const events = e.lines();
    assert.equal(events.find((l) => l.event === 'setPath')?.path, join(e.home, 'electron'), 'one Chromium profile and lock per home');
    const tray = events.find((l) => l.event === 'tray');
    assert.ok(tray && existsSync(String(tray.image)), `tray icon ${String(tray?.image)} exists`);
    assert.deepEqual(events.filter((l) => l.event === 'ipc.handle').map((l) => l.channel), ['latchkey:app-info', 'latchkey:open-external']);
    const menu = events.filter((l) => l.event === 'tray.menu').at(-1);
    assert.deepEqual((menu?.labels as string[]).slice(-3), ['Pause broker', '—', 'Quit Latchkey']);
    assert.equal((await fetch(`http://127.0.0.1:${port}/ui/api/session`)).status, 401, 'the broker answers');

    e.child.kill('SIGTERM');
    assert.equal(await e.exited, 0, e.output());
    const tail = e.lines().map((l) => l.event).slice(-3);
    assert.deepEqual(tail, ['tray.destroy', 'quit', 'exit']);
    await assert.rejects(fetch(`http://127.0.0.1:${port}/`), 'the port is released');
    assert.ok(!existsSync(join(e.home, 'runtime.json')), 'runtime file removed by a clean close');
  });
});
