/**
 * S24: no usable keychain → Latchkey runs, says so (banner, owner API for the window's
 * banner), refuses to store secrets with a 503 naming the keychain, and writes nothing
 * secret in plaintext anywhere under its home. Two ways to have no keychain: no D-Bus session
 * at all, and a gnome-keyring whose login keyring is locked (no one can answer the unlock prompt).
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdirSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { HttpBrowser } from '../helpers/http-browser.ts';
import { CLI, startServe, type ServeProcess } from '../helpers/serve-process.ts';
import { providerBody, tempHomes } from '../helpers/test-broker.ts';

const ISSUER = 'http://127.0.0.1:9';
const SEEDED_SECRET = 'seeded-client-secret-5b1d0c7e9a';

/** Every file under `dir` (database, WAL, shared memory, log, runtime.json) that contains `needle`. */
function filesContaining(dir: string, needle: string): string[] {
  const hits: string[] = [];
  const walk = (d: string): void => {
    for (const name of readdirSync(d)) {
      const p = join(d, name);
      if (statSync(p).isDirectory()) walk(p);
      else if (readFileSync(p).includes(Buffer.from(needle, 'utf8'))) hits.push(p);
    }
  };
  walk(dir);
  return hits;
}

const haveGnomeKeyring = spawnSync('sh', ['-c', 'command -v dbus-run-session && command -v gnome-keyring-daemon']).status === 0;

/** The same checks for any way of being without a keychain. */
async function refusesSecrets(server: ServeProcess, home: string, reason: RegExp): Promise<void> {
  const out = server.output();
  assert.match(out, new RegExp(`Keychain: +UNAVAILABLE \\(Secret Service \\(D-Bus\\)\\): .*${reason.source}`));
  assert.match(out, /will not store any token, nor make an owner key, until a keychain is available \(it never falls back to plaintext\)/);
  assert.match(out, /dbus-run-session -- sh -c 'gnome-keyring-daemon --unlock --components=secrets/, 'the banner says how to start a Secret Service');
  assert.match(out, /npx latchkey serve --vault passphrase/, 'and how to opt in to the passphrase vault');
  assert.equal(server.ownerKey, '', 'no owner key is minted when it could not be stored (issue 12 §5)');
  assert.match(out, /# LANGSMITH_API_KEY: no owner key yet: the keychain is unavailable.*npx latchkey doctor/);
  // An owner key made by hand is shown once and kept as a digest only, like every key but the home's own.
  const made = await fetch(`${server.url}/ui/api/keys`, { method: 'POST', headers: { 'x-latchkey-control': server.control, 'content-type': 'application/json' }, body: JSON.stringify({ label: 's24', role: 'owner' }) });
  assert.equal(made.status, 200);
  const ownerKey = ((await made.json()) as { key: string }).key;
  const api = async (path: string, init: { method?: string; body?: unknown } = {}) => {
    const res = await fetch(`${server.url}${path}`, {
      method: init.method ?? (init.body === undefined ? 'GET' : 'POST'),
      headers: { 'x-api-key': ownerKey, 'content-type': 'application/json' },
      ...(init.body === undefined ? {} : { body: JSON.stringify(init.body) }),
    });
    return { status: res.status, body: (await res.json()) as any, headers: res.headers };
  };

  // The window's banner reads this.
  const session = (await (await fetch(`${server.url}/ui/api/session`, { headers: { 'x-latchkey-control': server.control } })).json()) as { keychain: { ok: boolean; reason: string } };
  assert.equal(session.keychain.ok, false);
  assert.match(session.keychain.reason, reason);

  const withSecret = await api('/v2/auth/providers', { body: providerBody(ISSUER, { client_secret: SEEDED_SECRET }) });
  assert.equal(withSecret.status, 503);
  assert.match(withSecret.body.detail, /OS keychain is unavailable/);
  assert.match(withSecret.body.detail, /Nothing was stored in plaintext/);
  assert.equal((await api('/v2/auth/providers/test-idp')).status, 404, 'the provider was not created without its secret');
  const viaOwnerApi = await fetch(`${server.url}/ui/api/providers`, {
    method: 'POST', headers: { 'x-latchkey-control': server.control, 'content-type': 'application/json' },
    body: JSON.stringify({ kind: 'generic', provider_id: 'owner-made', name: 'O', client_id: 'c', client_secret: SEEDED_SECRET, auth_url: `${ISSUER}/a`, token_url: `${ISSUER}/t` }),
  });
  assert.equal(viaOwnerApi.status, 503);

  // A public client needs no secret: it is created; giving it a secret later is refused.
  assert.equal((await api('/v2/auth/providers', { body: providerBody(ISSUER, { provider_id: 'public', client_secret: null, token_endpoint_auth_method: 'none' }) })).status, 200);
  const patch = await api('/v2/auth/providers/public', { method: 'PATCH', body: { client_secret: SEEDED_SECRET } });
  assert.equal(patch.status, 503);
  assert.equal((await api('/v2/auth/providers/public')).body.has_client_secret, false);

  // An agent asking for a token gets a pending answer (a link for the owner), never a token or a 5xx…
  const auth = await api('/v2/auth/authenticate', { body: { provider: 'public', scopes: ['openid'], user_id: 's24' } });
  assert.equal(auth.status, 200);
  assert.equal(auth.body.status, 'pending');
  assert.equal(auth.body.token, null);
  // …and when the owner approves, the flow stops before anything secret (the PKCE verifier) is stored.
  const browser = new HttpBrowser();
  await browser.go(/(http:\/\/127\.0\.0\.1:\d+\/#login=\S+)/.exec(out)?.[1] ?? '');
  const decided = await browser.decide(auth.body.url, { duration: '1h' });
  assert.equal(decided.res.status, 503, 'no consent flow can start without the keychain');
  assert.match(JSON.stringify(decided.body), /keychain/);
  assert.equal(decided.body.redirect_url, undefined, 'not sent to the provider');

  assert.equal(await server.stop(), 0);
  assert.deepEqual(filesContaining(home, SEEDED_SECRET), [], 'the client secret is nowhere under the home directory');
  assert.deepEqual(filesContaining(home, ownerKey), [], 'nor the owner key');
  assert.ok(readdirSync(home).includes('latchkey.db'));
  assert.match(readFileSync(join(home, 'latchkey.log'), 'utf8'), /"event":"keychain.unavailable"/, 'the log says why');
  console.log(`S24: ${/Keychain: +(.*)/.exec(out)?.[1]} → 503 on every secret, none of it on disk`);
}

describe('S24 no usable keychain', () => {
  const newHome = tempHomes();

  test('S24 no D-Bus session: serve starts, says UNAVAILABLE and how to fix it, refuses secrets with 503, stores nothing in plaintext', async () => {
    const home = newHome();
    const server = await startServe(home, { env: { DBUS_SESSION_BUS_ADDRESS: 'unix:path=/nonexistent' } });
    try {
      await refusesSecrets(server, home, /Failed to connect to socket \/nonexistent/);
    } finally {
      server.child.kill('SIGKILL');
    }
  });

  test('S24 a locked keyring (gnome-keyring running, nobody to answer the unlock prompt): the same refusals', { skip: haveGnomeKeyring ? false : 'needs dbus-run-session and gnome-keyring-daemon' }, async () => {
    const home = newHome();
    // A user home of its own, whose login keyring exists (created unlocked once) but is locked now.
    const user = newHome();
    mkdirSync(join(user, 'run'), { mode: 0o700 });
    const env = { ...process.env, HOME: user, XDG_RUNTIME_DIR: join(user, 'run'), XDG_DATA_HOME: join(user, 'data'), XDG_CONFIG_HOME: join(user, 'config'), DISPLAY: '', WAYLAND_DISPLAY: '' };
    const seed = `import { Entry } from '@napi-rs/keyring'; new Entry('latchkey-test-seed', 'x', { linux: { store: 'secret-service' } }).setPassword('y');`;
    const created = spawnSync('dbus-run-session', ['--', 'sh', '-c', 'echo -n pw | gnome-keyring-daemon --unlock --components=secrets >/dev/null && exec "$0" --input-type=module -e "$1"', process.execPath, seed],
      { env, cwd: process.cwd(), encoding: 'utf8', timeout: 20_000 });
    assert.equal(created.status, 0, created.stderr);
    assert.ok(readdirSync(join(user, 'data', 'keyrings')).includes('login.keyring'));

    const server = await startServe(home, {
      env,
      // Started without --unlock: the keyring stays locked and the unlock prompt cannot be shown.
      command: ['dbus-run-session', '--', 'sh', '-c', 'gnome-keyring-daemon --start --components=secrets >/dev/null && exec "$@"', 'locked', process.execPath, CLI],
    });
    try {
      await refusesSecrets(server, home, /(unlock prompt was dismissed|locked)/);
    } finally {
      if (server.child.exitCode === null) {
        try { process.kill(server.pid, 'SIGKILL'); } catch { /* already gone */ }
      }
    }
  });
});
