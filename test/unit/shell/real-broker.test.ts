/**
 * The shell over a real broker (createBroker on a temp home, the test keychain): the fake
 * is only Electron. Checks the seams the fakes cannot: the real PortInUseError is
 * recognised (S07), and a tray approval yields a consent link the real broker honours.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, it } from 'node:test';
import { silentLogger } from '../../../main/adapters/logger.ts';
import { Client } from '../../../main/client/client.ts';
import { createBroker, type Broker } from '../../../main/compose.ts';
import { portInUse } from '../../../main/shell/broker-errors.ts';
import { runShell } from '../../../main/shell/lifecycle.ts';
import { providerBody } from '../../helpers/test-broker.ts';
import { FakeSurface } from './fake-surface.ts';
import { ManualTimers, settle } from './harness.ts';

const cleanups: Array<() => Promise<void> | void> = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

async function shellOnRealBroker(port: number) {
  const home = mkdtempSync(join(tmpdir(), 'latchkey-shell-'));
  cleanups.push(() => rmSync(home, { recursive: true, force: true }));
  const surface = new FakeSurface('darwin');
  const timers = new ManualTimers();
  const reports: string[] = [];
  let broker: Broker | null = null;
  const run = runShell({
    surface, port, portInUse, preloadPath: '/p.js', devTools: false, schedule: timers.schedule, every: timers.every,
    logger: silentLogger, report: (l) => reports.push(l),
    startBroker: async () => (broker = await createBroker({ port, home, logger: silentLogger })),
  });
  assert.equal(run.role, 'primary');
  cleanups.push(async () => { await broker?.close(); });
  surface.app.becomeReady();
  if (run.role === 'primary') await run.started;
  return { surface, reports, broker: () => broker, run };
}

describe('shell on a real broker', () => {
  it('S07 a port held by another program: not started, the tray and the terminal name the port', async () => {
    const squatter: Server = createServer();
    await new Promise<void>((r) => squatter.listen(0, '127.0.0.1', r));
    cleanups.push(() => new Promise<void>((r) => squatter.close(() => r())));
    const port = (squatter.address() as { port: number }).port;

    const { surface, reports, run } = await shellOnRealBroker(port);
    assert.equal(run.role === 'primary' && run.controller.state.kind, 'port-taken');
    assert.match(surface.tray.tooltip, new RegExp(`Port ${port} is taken`));
    assert.match(reports.join('\n'), new RegExp(`Port ${port} on 127\\.0\\.0\\.1 is already in use.*LATCHKEY_PORT=N`));
    assert.equal(surface.tray.labels()[0], `Latchkey — Port ${port} is taken — not started`);
  });

  it('a tray approval opens a consent link the broker honours, leading to the provider; quit closes the broker', async () => {
    const { surface, broker: current, run } = await shellOnRealBroker(0);
    const broker = current();
    assert.ok(run.role === 'primary');
    const controller = run.controller;
    assert.ok(broker?.ownerKey, 'needs the test keychain (npm test runs inside one)');
    const client = new Client({ apiUrl: broker.url, apiKey: broker.ownerKey });
    const created = await fetch(`${broker.url}/v2/auth/providers`, {
      method: 'POST', headers: { 'content-type': 'application/json', 'x-api-key': broker.ownerKey },
      body: JSON.stringify(providerBody('https://idp.example')),
    });
    assert.equal(created.status, 200, await created.text());
    const pending = await client.authenticate({ provider: 'test-idp', scopes: ['openid'], userId: 'alice', agentId: 'triage-bot' });
    assert.equal(pending.status, 'pending');

    assert.equal(surface.tray.title, '1');
    surface.tray.click('triage-bot → test-idp (openid)', 'Approve', 'For 1 hour');
    for (let i = 0; i < 5 && surface.opened.length === 0; i++) await settle();
    const [consent] = surface.opened;
    assert.match(consent ?? '', new RegExp(`^${broker.url}/consent/[A-Za-z0-9_-]+$`));

    // What the consent page's script does in the browser: post its binding, get the provider URL.
    const page = await fetch(consent!, { redirect: 'manual' });
    assert.equal(page.status, 200);
    assert.match(await page.text(), /data-flow="consent"/);
    const step = await fetch(consent!, { method: 'POST', headers: { 'content-type': 'application/json', origin: broker.url }, body: JSON.stringify({ binding: 'b'.repeat(43) }) });
    assert.equal(step.status, 200);
    const location = new URL(((await step.json()) as { redirect_url: string }).redirect_url);
    assert.equal(location.origin, 'https://idp.example');
    assert.equal(location.searchParams.get('code_challenge_method'), 'S256');
    // The provider page itself passes the allow-list: its origin is a configured provider's.
    assert.deepEqual(await controller.openExternal(location.href), { opened: true });
    assert.deepEqual(surface.opened.at(-1), location.href);

    surface.app.quit();
    for (let i = 0; i < 20 && !surface.app.quitted; i++) await new Promise((r) => setTimeout(r, 10));
    assert.equal(surface.app.quitted, true);
    await assert.rejects(fetch(`${broker.url}/v2/auth/providers`, { headers: { 'x-api-key': broker.ownerKey } }), 'the port is released');
  });
});
