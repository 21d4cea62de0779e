/**
 * S40 (CLI half): the CLI makes the server on the port in runtime.json prove it is this home's
 * broker — an HMAC over a fresh nonce and the port, keyed with the control secret — before it
 * sends the secret, trusts an answer or opens a URL it returned. A stale runtime.json (crash)
 * with a squatter on its port, or with nothing there, gives "Latchkey is not running".
 */
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { chmodSync, existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { writeRuntime } from '../../main/runtime-file.ts';
import { CLI } from '../helpers/serve-process.ts';
import { startTestBroker, tempHome, type TestBroker } from '../helpers/test-broker.ts';

interface Squatter { port: number; seen: IncomingMessage[]; close(): Promise<void> }

/** A program on the port that answers like Latchkey would, hoping to be believed. `relay` forwards the proof question to a real broker. */
async function startSquatter(relay?: string): Promise<Squatter> {
  const seen: IncomingMessage[] = [];
  const server: Server = createServer(async (req, res) => {
    seen.push(req);
    if (relay && req.url?.startsWith('/ui/broker-proof')) {
      const answer = await fetch(`${relay}${req.url}`);
      res.writeHead(answer.status, { 'content-type': 'application/json' }).end(await answer.text());
      return;
    }
    res.writeHead(200, { 'content-type': 'application/json' });
    if (req.url?.startsWith('/ui/broker-proof')) res.end(JSON.stringify({ proof: 'A'.repeat(43) }));
    else if (req.url === '/ui/api/login-links') res.end(JSON.stringify({ url: 'http://127.0.0.1:1/phish' }));
    else res.end(JSON.stringify([{ auth_id: 'fake', provider_id: 'github', key_label: 'owner', agent_id: null, user_id: 'x', scopes: [], approved: false, needs_consent: false }]));
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return { port: (server.address() as AddressInfo).port, seen, close: () => new Promise<void>((r) => { server.closeAllConnections(); server.close(() => r()); }) };
}

describe('S40 the CLI verifies it talks to its own broker', () => {
  const dirs: string[] = [];
  let bin = '';
  let opened = '';
  let broker: TestBroker;
  before(async () => {
    // A desktop to open URLs on, whose xdg-open only records what it was asked to open.
    bin = mkdtempSync(join(tmpdir(), 'latchkey-bin-'));
    opened = join(bin, 'opened');
    writeFileSync(join(bin, 'xdg-open'), `#!/bin/sh\necho "$1" >> ${opened}\n`);
    chmodSync(join(bin, 'xdg-open'), 0o755);
    dirs.push(bin);
    broker = await startTestBroker();
  });
  after(async () => {
    await broker.cleanup();
    for (const d of dirs) rmSync(d, { recursive: true, force: true });
  });

  // Asynchronous: the squatter and the broker live in this process and must keep answering.
  const latchkey = (args: string[]) => new Promise<{ code: number | null; out: string; err: string }>((resolve) => {
    const child = spawn(process.execPath, [CLI, ...args], { env: { ...process.env, PATH: `${bin}:${process.env.PATH}`, DISPLAY: ':99', LATCHKEY_NO_OPEN: '' }, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    child.stdout.on('data', (d) => { out += String(d); });
    child.stderr.on('data', (d) => { err += String(d); });
    child.on('close', (code) => resolve({ code, out, err }));
  });
  const staleHome = (port: number, control = 'c'.repeat(43)): string => {
    const home = tempHome();
    dirs.push(home);
    writeRuntime(home, { pid: 999_999, port, url: `http://127.0.0.1:${port}`, control, startedAt: new Date().toISOString() });
    return home;
  };

  test('S40 a squatter on the port of a stale runtime.json: "Latchkey is not running", no URL opened, the control secret never sent', async () => {
    const squatter = await startSquatter();
    try {
      const home = staleHome(squatter.port);
      for (const args of [['ui'], ['approvals', 'list'], ['env']]) {
        const r = await latchkey([...args, '--home', home]);
        assert.equal(r.code, 1, r.out);
        if (args[0] !== 'env') assert.match(r.err, /Latchkey is not running for .*: the program answering at http:\/\/127\.0\.0\.1:\d+ is not the Latchkey broker that wrote it/);
        assert.doesNotMatch(r.out, /phish|fake/, 'nothing the squatter answered is shown');
      }
      assert.equal(existsSync(opened), false, 'no URL was opened');
      assert.ok(squatter.seen.length > 0, 'the squatter was asked to prove itself');
      assert.ok(squatter.seen.every((req) => req.url?.startsWith('/ui/broker-proof') && req.headers['x-latchkey-control'] === undefined), 'only the proof question reached it, without the control secret');
    } finally {
      await squatter.close();
    }
  });

  test('S40 a squatter relaying the question to the real broker on another port is refused too (the proof is bound to the port)', async () => {
    const squatter = await startSquatter(broker.url);
    try {
      const home = staleHome(squatter.port, broker.core.sessions.controlSecret);
      const r = await latchkey(['ui', '--home', home]);
      assert.equal(r.code, 1);
      assert.match(r.err, /is not the Latchkey broker that wrote it/);
      assert.equal(existsSync(opened), false);
    } finally {
      await squatter.close();
    }
  });

  test('S40 a stale runtime.json with nothing on its port: "Latchkey is not running"', async () => {
    const free = await startSquatter();
    const port = free.port;
    await free.close();
    const r = await latchkey(['approvals', 'list', '--home', staleHome(port)]);
    assert.equal(r.code, 1);
    assert.match(r.err, /Latchkey is not running for .*nothing answers at http:\/\/127\.0\.0\.1:\d+.*stale/);
  });

  test('S40 the real broker answers the proof, and only for well-formed nonces', async () => {
    const home = staleHome(broker.port, broker.core.sessions.controlSecret);
    const r = await latchkey(['approvals', 'list', '--home', home]);
    assert.equal(r.code, 0, r.err);
    assert.match(r.out, /No pending requests/);
    assert.equal((await fetch(`${broker.url}/ui/broker-proof?nonce=short`)).status, 400);
  });
});
