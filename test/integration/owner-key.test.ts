/**
 * Issue 12 §5 "The owner key is never lost", against the real gnome-keyring of the test session:
 * started once with the keychain unavailable (no D-Bus session), then with it available again.
 * No owner key is minted while it cannot be stored; once the keychain works one is, `latchkey env`
 * prints it by asking the running broker (from a terminal with no keychain of its own), and
 * `latchkey keys reissue-owner` replaces a key that was never stored (made by an older version).
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { openSqliteStore } from '../../main/adapters/sqlite/sqlite-store.ts';
import { sha256 } from '../../main/core/hash.ts';
import { CLI, startServe } from '../helpers/serve-process.ts';
import { tempHomes } from '../helpers/test-broker.ts';

const NO_KEYCHAIN = { DBUS_SESSION_BUS_ADDRESS: 'unix:path=/nonexistent' };

function latchkey(args: string[], env: NodeJS.ProcessEnv = {}) {
  const r = spawnSync(process.execPath, [CLI, ...args], { env: { ...process.env, LATCHKEY_NO_OPEN: '1', ...env }, encoding: 'utf8', timeout: 30_000 });
  return { code: r.status, out: r.stdout, err: r.stderr };
}

const providers = (url: string, key: string) => fetch(`${url}/v2/auth/providers`, { headers: { 'x-api-key': key } }).then((r) => r.status);

describe('issue 12 §5 the owner key is never lost', () => {
  const newHome = tempHomes();

  test('keychain unavailable, then available: no unsealable key is minted; then one is, and env prints it from the broker without keychain access', async () => {
    const home = newHome();
    const first = await startServe(home, { env: NO_KEYCHAIN });
    let out = first.output();
    assert.equal(first.ownerKey, '', 'no owner key while it cannot be stored');
    assert.match(out, /# LANGSMITH_API_KEY: no owner key yet: the keychain is unavailable.*`npx latchkey doctor`/);
    const db = openSqliteStore(join(home, 'latchkey.db'));
    assert.deepEqual(db.keys.list().filter((k) => k.role === 'owner'), [], 'no owner key row either');
    db.close();
    // env asks the broker: the hint names a command that works (doctor), never an agent-key recipe.
    const envWhileBroken = latchkey(['env', '--home', home], NO_KEYCHAIN);
    assert.equal(envWhileBroken.code, 1);
    assert.match(envWhileBroken.err, /Cannot print LANGSMITH_API_KEY: no owner key yet.*npx latchkey doctor/);
    assert.doesNotMatch(envWhileBroken.err, /keys create/);
    const doctor = latchkey(['doctor', '--home', home, '--offline'], NO_KEYCHAIN);
    assert.match(doctor.out, /✗ Vault: keychain — Secret Service \(D-Bus\) is unavailable/);
    assert.match(doctor.out, /npx latchkey serve --vault passphrase/);
    assert.equal(await first.stop(), 0);

    // The keychain works again (the test session's gnome-keyring): the owner key is made and sealed.
    const second = await startServe(home);
    out = second.output();
    assert.match(second.ownerKey, /^lk_[A-Za-z0-9_-]{43}$/);
    assert.doesNotMatch(out, /<owner key|not sealed|run npx latchkey env/);
    assert.equal(await providers(second.url, second.ownerKey), 200);
    // Another terminal without any keychain: env asks the running broker, which proves itself first.
    const env = latchkey(['env', '--home', home], NO_KEYCHAIN);
    assert.equal(env.code, 0, env.err);
    assert.equal(env.out, `export LANGSMITH_API_URL=${second.url}\nexport LANGSMITH_API_KEY=${second.ownerKey}\n`);
    const session = (await (await fetch(`${second.url}/ui/api/session`, { headers: { 'x-latchkey-control': second.control } })).json()) as { env_block: string };
    assert.equal(session.env_block, `export LANGSMITH_API_URL=${second.url}\nexport LANGSMITH_API_KEY=${second.ownerKey}`, 'the window shows the key too');
    assert.equal(await second.stop(), 0);
    // With no broker running, env reads the home itself (this terminal has the keychain).
    assert.equal(latchkey(['env', '--home', home]).out.split('\n')[1], `export LANGSMITH_API_KEY=${second.ownerKey}`);
  });

  test('an owner key that was never stored (older versions): the hint names reissue-owner, which prints a new key once and revokes the old one', async () => {
    const home = newHome();
    const first = await startServe(home);
    const sealedKey = first.ownerKey;
    assert.equal(await first.stop(), 0);
    // What an older Latchkey left after starting without a keychain: an owner key row, nothing sealed.
    const legacyKey = `lk_${'L'.repeat(43)}`;
    const db = openSqliteStore(join(home, 'latchkey.db'));
    for (const k of db.keys.list()) db.keys.revoke(k.id, Date.now());
    db.keys.insert({ id: 'legacy-owner', label: 'owner', role: 'owner', hash: sha256(legacyKey), createdAt: Date.now(), revokedAt: null });
    db.settings.set('owner_key_sealed', '');
    db.close();

    const server = await startServe(home);
    try {
      assert.equal(server.ownerKey, '');
      assert.match(server.output(), /# LANGSMITH_API_KEY: the owner key was never stored.*`npx latchkey keys reissue-owner`/);
      const env = latchkey(['env', '--home', home]);
      assert.equal(env.code, 1);
      assert.match(env.err, /npx latchkey keys reissue-owner/);
      assert.equal(await providers(server.url, legacyKey), 200, 'the old key still works until it is replaced');

      const reissued = latchkey(['keys', 'reissue-owner', '--home', home]);
      assert.equal(reissued.code, 0, reissued.err);
      assert.match(reissued.out, /Issued a new owner key and revoked the old one \(legacy-owner\)/);
      const newKey = /export LANGSMITH_API_KEY=(lk_\S+)/.exec(reissued.out)?.[1] ?? '';
      assert.match(newKey, /^lk_[A-Za-z0-9_-]{43}$/);
      assert.notEqual(newKey, sealedKey);
      assert.equal(await providers(server.url, newKey), 200);
      assert.equal(await providers(server.url, legacyKey), 401, 'the old owner key is revoked');
      assert.equal(latchkey(['env', '--home', home]).out.split('\n')[1], `export LANGSMITH_API_KEY=${newKey}`, 'env prints the new key from now on');
      const activity = latchkey(['activity', '--home', home]).out;
      assert.match(activity, /key\.revoked +key=owner .*replaced by a reissued owner key/);
    } finally {
      await server.stop();
    }
  });

  test('reissue-owner with the keychain unavailable is refused (the new key could not be stored either) and changes nothing', async () => {
    const home = newHome();
    const server = await startServe(home, { env: NO_KEYCHAIN });
    try {
      const res = await fetch(`${server.url}/ui/api/keys/reissue-owner`, { method: 'POST', headers: { 'x-latchkey-control': server.control, 'content-type': 'application/json' }, body: '{}' });
      assert.equal(res.status, 503);
      assert.match(((await res.json()) as { detail: string }).detail, /keychain is unavailable/);
      const keys = (await (await fetch(`${server.url}/ui/api/keys`, { headers: { 'x-latchkey-control': server.control } })).json()) as unknown[];
      assert.deepEqual(keys, []);
    } finally {
      await server.stop();
    }
  });
});
