/**
 * `latchkey doctor` (issue 15 §3) as a user sees it, in a session with the real gnome-keyring
 * and in one without any keychain: one screen, a ✓/!/✗ per check, and a fix under each failure.
 */
import assert from 'node:assert/strict';
import { chmodSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { runCli } from '../helpers/cli-run.ts';
import { startOidcServer, type OidcServer } from '../helpers/oidc-server.ts';
import { startServe, type ServeProcess } from '../helpers/serve-process.ts';
import { providerBody, tempHome } from '../helpers/test-broker.ts';

const NO_KEYCHAIN = { DBUS_SESSION_BUS_ADDRESS: 'unix:path=/nonexistent' };

describe('latchkey doctor', () => {
  const homes: string[] = [];
  let idp: OidcServer;
  let server: ServeProcess;
  let home = '';
  let closedPort = 0;
  let port = '';
  before(async () => {
    // A port nothing listens on: bound once, then released.
    const probe = createServer();
    await new Promise<void>((r) => probe.listen(0, '127.0.0.1', r));
    closedPort = (probe.address() as { port: number }).port;
    await new Promise((r) => probe.close(r));
    home = tempHome();
    homes.push(home);
    server = await startServe(home);
    port = String(server.url.split(':').pop());
    // The log's own mode is another check's business (S40 home permissions); here it is made 0600.
    chmodSync(join(home, 'latchkey.log'), 0o600);
    idp = await startOidcServer({ redirectUris: [`${server.url}/host-oauth-callback/test-idp`] });
    const add = (body: unknown) => fetch(`${server.url}/v2/auth/providers`, { method: 'POST', headers: { 'x-api-key': server.ownerKey, 'content-type': 'application/json' }, body: JSON.stringify(body) });
    assert.equal((await add(providerBody(idp.issuer))).status, 200);
    // A provider whose endpoints nothing answers.
    const gone = `http://127.0.0.1:${closedPort}`;
    assert.equal((await add({ ...providerBody(gone), provider_id: 'gone', auth_url: `${gone}/auth`, token_url: `${gone}/token` })).status, 200);
  });
  after(async () => {
    await server.stop();
    await idp.close();
    for (const h of homes) rmSync(h, { recursive: true, force: true });
  });

  test('keychain session: Node, a passed keychain probe, permissions, the broker and port, each redirect URI and endpoint reachability', async () => {
    const r = await runCli(['doctor', '--home', home, '--port', port]);
    const lines = r.out.trimEnd().split('\n');
    console.log(r.out);
    assert.ok(lines.length <= 24, `one screen (${lines.length} lines)`);
    assert.match(r.out, /^Latchkey doctor — home /);
    assert.match(r.out, /✓ Node \d+\.\d+\.\d+ \(needs ≥ 22\.12\)/);
    assert.match(r.out, /✓ Vault: keychain — Secret Service \(D-Bus\): write\/read probe passed/);
    assert.match(r.out, /✓ Home .*: readable by you only/);
    assert.match(r.out, /✓ Broker: running for this home \(pid \d+, http:\/\/127\.0\.0\.1:\d+\); it proved it holds this home's control secret/);
    assert.match(r.out, new RegExp(`✓ Provider test-idp: register ${server.url.replace(/\./g, '\\.')}/host-oauth-callback/test-idp`));
    assert.match(r.out, /✓ token endpoint http:\/\/127\.0\.0\.1:\d+\/\S+: reachable \(HTTP \d+\)/);
    assert.match(r.out, /✗ Provider gone: register /);
    assert.match(r.out, new RegExp(`✗ authorize endpoint http://127\\.0\\.0\\.1:${closedPort}/auth: unreachable \\(ECONNREFUSED\\)`));
    assert.match(r.out, new RegExp(`✓ Port ${port}: this home's broker listens there`));
    assert.match(r.out, /1 problem\(s\) found/);
    assert.equal(r.code, 1, 'a failed check makes the exit code 1');
    assert.ok(!r.out.includes('\u001b['), 'no colour when stdout is not a terminal');
  });

  test('keychain-less session: the probe fails with the reason and both fixes as commands; loose permissions are named with the chmod that fixes them', async () => {
    chmodSync(home, 0o755);
    try {
      const r = await runCli(['doctor', '--home', home, '--offline', '--port', port], { env: NO_KEYCHAIN });
      console.log(r.out);
      assert.equal(r.code, 1);
      assert.match(r.out, /✗ Vault: keychain — Secret Service \(D-Bus\) is unavailable: .*\/nonexistent/);
      assert.match(r.out, /dbus-run-session -- sh -c 'gnome-keyring-daemon --unlock --components=secrets/);
      assert.match(r.out, /npx latchkey serve --vault passphrase/);
      assert.match(r.out, new RegExp(`✗ Home .*: other users can read parts of it\\n +chmod 700 ${home}`));
      assert.match(r.out, /✓ Broker: running for this home/, 'the broker needs no keychain in this terminal to prove itself');
      assert.match(r.out, /endpoints not checked \(--offline\)/);
    } finally {
      chmodSync(home, 0o700);
    }
  });

  test('no broker for the home: says so and how to start it; a port taken by another program is named with how to find it', async () => {
    const empty = tempHome();
    homes.push(empty);
    const r = await runCli(['doctor', '--home', empty, '--offline', '--port', port]);
    assert.match(r.out, /! Broker: Latchkey is not running for .*\n +Start it: npx latchkey serve/);
    assert.match(r.out, /✗ Port \d+ on 127\.0\.0\.1 is taken by another program\n +Find it: ss -ltnp/);
  });
});
