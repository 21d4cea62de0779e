/**
 * Issue 15 §4: the passphrase vault, the explicit opt-in for boxes without a Secret Service.
 * Run as a user runs it (`latchkey serve --vault passphrase`, the passphrase in the file named by
 * LATCHKEY_PASSPHRASE_FILE) with the keychain unavailable, then switched to the real
 * gnome-keyring of the test session and back.
 */
import assert from 'node:assert/strict';
import { chmodSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { openSqliteStore } from '../../main/adapters/sqlite/sqlite-store.ts';
import { silentLogger } from '../../main/adapters/logger.ts';
import { cryptoIds, systemClock } from '../../main/adapters/system.ts';
import { ActivityLog } from '../../main/core/activity.ts';
import { ProviderService } from '../../main/core/providers.ts';
import { openHome, passphraseFromFile } from '../../main/home.ts';
import { runCli } from '../helpers/cli-run.ts';
import { startServe } from '../helpers/serve-process.ts';
import { providerBody, tempHomes } from '../helpers/test-broker.ts';

const NO_KEYCHAIN = { DBUS_SESSION_BUS_ADDRESS: 'unix:path=/nonexistent' };
const SECRET = 'client-secret-under-passphrase-7f3a91';

function passphraseFile(dir: string, name: string, text: string, mode = 0o600): string {
  const file = join(dir, name);
  writeFileSync(file, `${text}\n`);
  chmodSync(file, mode);
  return file;
}

/** Every file under the home holding `needle` (the database, its WAL, the log, runtime.json). */
function filesContaining(dir: string, needle: string): string[] {
  return readdirSync(dir).filter((n) => readFileSync(join(dir, n)).includes(Buffer.from(needle))).map((n) => join(dir, n));
}

/** The rows that say what a home holds: equal before and after means nothing was changed. */
function snapshot(home: string): string {
  const db = openSqliteStore(join(home, 'latchkey.db'));
  try {
    const settings = ['vault_id', 'vault_kind', 'vault_passphrase', 'owner_key_sealed'].map((k) => db.settings.get(k));
    const providers = db.providers.list().map((p) => ({ ...p, clientSecretCiphertext: p.clientSecretCiphertext?.toString('base64') }));
    return JSON.stringify({ settings, keys: db.keys.list(), providers });
  } finally {
    db.close();
  }
}

async function clientSecretOf(home: string, file: string | null, providerId: string): Promise<string | null> {
  const opened = await openHome({ home, mustExist: true, ...(file ? { passphrase: passphraseFromFile({ LATCHKEY_PASSPHRASE_FILE: file }) } : {}) });
  try {
    const activity = new ActivityLog({ store: opened.store, clock: systemClock, logger: silentLogger });
    const providers = new ProviderService({ store: opened.store, vault: opened.vault, clock: systemClock, ids: cryptoIds, activity, allowInsecureEndpoints: false });
    return providers.clientSecret(providers.get(providerId));
  } finally {
    opened.close();
  }
}

describe('the passphrase vault', () => {
  const newHome = tempHomes();

  test('opt in with --vault passphrase: remembered, on the banner and in the owner API; secrets at rest are ciphertext; a wrong passphrase refuses to start and changes nothing', async () => {
    const home = newHome();
    const dir = newHome();
    const right = passphraseFile(dir, 'right', 'correct horse battery staple');
    const wrong = passphraseFile(dir, 'wrong', 'incorrect horse battery staple');

    const first = await startServe(home, { args: ['--vault', 'passphrase'], env: { ...NO_KEYCHAIN, LATCHKEY_PASSPHRASE_FILE: right } });
    assert.match(first.output(), /Vault: +passphrase vault \(scrypt\) — secrets are sealed with a key derived from your passphrase/);
    assert.match(first.ownerKey, /^lk_/, 'the owner key is made: the vault can store it');
    const session = (await (await fetch(`${first.url}/ui/api/session`, { headers: { 'x-latchkey-control': first.control } })).json()) as { keychain: { ok: boolean; vault: string; backend: string } };
    assert.deepEqual(session.keychain, { ok: true, backend: 'passphrase vault (scrypt)', reason: null, vault: 'passphrase' }, 'the window reads the vault from the owner API');
    const created = await fetch(`${first.url}/v2/auth/providers`, { method: 'POST', headers: { 'x-api-key': first.ownerKey, 'content-type': 'application/json' }, body: JSON.stringify(providerBody('http://127.0.0.1:9', { client_secret: SECRET })) });
    assert.equal(created.status, 200);
    const ownerKey = first.ownerKey;
    assert.equal(await first.stop(), 0);

    assert.deepEqual(filesContaining(home, SECRET), [], 'the client secret is ciphertext at rest');
    assert.deepEqual(filesContaining(home, ownerKey), [], 'so is the owner key');
    assert.deepEqual(filesContaining(home, 'correct horse'), [], 'the passphrase is stored nowhere');
    assert.equal(await clientSecretOf(home, right, 'test-idp'), SECRET, 'and it opens with the passphrase');

    const before = snapshot(home);
    const refused = await runCli(['serve', '--port', '0', '--home', home], { env: { ...NO_KEYCHAIN, LATCHKEY_PASSPHRASE_FILE: wrong } });
    assert.equal(refused.code, 1);
    assert.match(refused.err, /The passphrase is wrong: it does not open this home's passphrase vault\. Nothing was changed\./);
    assert.doesNotMatch(refused.out, /Latchkey is running/);
    assert.equal(snapshot(home), before, 'nothing in the home changed');
    const noFile = await runCli(['serve', '--port', '0', '--home', home], { env: NO_KEYCHAIN });
    assert.equal(noFile.code, 2, noFile.err);
    assert.match(noFile.err, /passphrase vault: run Latchkey in a terminal to type the passphrase, or name a file holding it with LATCHKEY_PASSPHRASE_FILE/);
    const loose = passphraseFile(dir, 'loose', 'correct horse battery staple', 0o644);
    const looseRun = await runCli(['serve', '--port', '0', '--home', home], { env: { ...NO_KEYCHAIN, LATCHKEY_PASSPHRASE_FILE: loose } });
    assert.match(looseRun.err, /readable by other users; run `chmod 600/);
    assert.equal(snapshot(home), before);

    // Remembered: no --vault needed the next time; the same owner key opens.
    const again = await startServe(home, { env: { ...NO_KEYCHAIN, LATCHKEY_PASSPHRASE_FILE: right } });
    assert.equal(again.ownerKey, ownerKey);
    const env = await runCli(['env', '--home', home], { env: NO_KEYCHAIN });
    assert.equal(env.out.split('\n')[1], `export LANGSMITH_API_KEY=${ownerKey}`, 'env asks the running broker: no passphrase needed');
    const doctor = await runCli(['doctor', '--home', home, '--offline'], { env: NO_KEYCHAIN });
    assert.match(doctor.out, /✓ Vault: passphrase \(passphrase vault \(scrypt\)\); the running broker has it unlocked/);
    assert.equal(await again.stop(), 0);
  });

  test('switching vaults is explicit and re-seals every secret: passphrase → keychain → passphrase', async () => {
    const home = newHome();
    const dir = newHome();
    const file = passphraseFile(dir, 'p', 'a long enough passphrase');
    const server = await startServe(home, { args: ['--vault', 'passphrase'], env: { LATCHKEY_PASSPHRASE_FILE: file } });
    const ownerKey = server.ownerKey;
    assert.equal((await fetch(`${server.url}/v2/auth/providers`, { method: 'POST', headers: { 'x-api-key': ownerKey, 'content-type': 'application/json' }, body: JSON.stringify(providerBody('http://127.0.0.1:9', { client_secret: SECRET })) })).status, 200);
    const whileRunning = await runCli(['vault', 'switch', 'keychain', '--home', home]);
    assert.equal(whileRunning.code, 1);
    assert.match(whileRunning.err, /Latchkey is running for .* Stop it first/);
    assert.equal(await server.stop(), 0);

    // Asking for another vault at start is not a switch: refused while secrets are sealed.
    const implicit = await runCli(['serve', '--port', '0', '--home', home, '--vault', 'keychain']);
    assert.equal(implicit.code, 1);
    assert.match(implicit.err, /sealed by the passphrase vault.*`npx latchkey vault switch keychain`/);

    const sealedBefore = snapshot(home);
    const toKeychain = await runCli(['vault', 'switch', 'keychain', '--home', home], { env: { LATCHKEY_PASSPHRASE_FILE: file } });
    assert.equal(toKeychain.code, 0, toKeychain.err);
    assert.match(toKeychain.out, /Switched .* to the keychain vault; re-sealed 2 secret\(s\)\./, 'the client secret and the owner key');
    assert.notEqual(snapshot(home), sealedBefore, 'every ciphertext changed');
    assert.equal(await clientSecretOf(home, null, 'test-idp'), SECRET);
    const onKeychain = await startServe(home);
    assert.match(onKeychain.output(), /Keychain: +Secret Service \(D-Bus\) — secrets are sealed/);
    assert.equal(onKeychain.ownerKey, ownerKey, 'the same owner key, now under the keychain');
    assert.equal(await onKeychain.stop(), 0);

    const back = await runCli(['vault', 'switch', 'passphrase', '--home', home], { env: { LATCHKEY_PASSPHRASE_FILE: file } });
    assert.equal(back.code, 0, back.err);
    assert.match(back.out, /re-sealed 2 secret\(s\)/);
    assert.equal(await clientSecretOf(home, file, 'test-idp'), SECRET);
    const status = await runCli(['vault', 'status', '--home', home], { env: { LATCHKEY_PASSPHRASE_FILE: file } });
    assert.match(status.out, /Vault: passphrase \(passphrase vault \(scrypt\)\)\n✓ it opens/);
  });
});
