/** The keychain vault: AES-256-GCM sealing, the master key, no keychain (S24). */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { openVault } from '../../main/adapters/vault.ts';
import { memoryKeychain } from '../helpers/fakes.ts';

describe('vault', () => {
  test('seals with AES-256-GCM bound to its associated data', () => {
    const kc = memoryKeychain();
    const vault = openVault({ keychain: () => kc, vaultId: 'v1' });
    assert.deepEqual(vault.status(), { ok: true, backend: 'memory keychain', vault: 'keychain' });
    const ct = vault.seal('secret-value', 'row:1:1');
    assert.ok(!ct.toString('latin1').includes('secret-value'));
    assert.equal(vault.open(ct, 'row:1:1'), 'secret-value');
    assert.throws(() => vault.open(ct, 'row:2:1'), 'a ciphertext moved to another row does not open');
    const tampered = Buffer.from(ct);
    tampered[tampered.length - 1]! ^= 1;
    assert.throws(() => vault.open(tampered, 'row:1:1'));
    assert.deepEqual([...kc.items.keys()], ['master-key:v1'], 'only the master key stays in the keychain; the probe item is removed');
  });

  test('the master key is created once and read back by the next start', () => {
    const kc = memoryKeychain();
    const ct = openVault({ keychain: () => kc, vaultId: 'v' }).seal('x', 'a');
    assert.equal(openVault({ keychain: () => kc, vaultId: 'v' }).open(ct, 'a'), 'x');
    assert.throws(() => openVault({ keychain: () => kc, vaultId: 'other' }).open(ct, 'a'), 'another home has another key');
  });

  test('the keychain is probed before the master key is created in it, not on every start', () => {
    const kc = memoryKeychain();
    const calls: string[] = [];
    const counting = { ...kc, get: (a: string) => { calls.push(`get ${a}`); return kc.get(a); }, set: (a: string, v: string) => { calls.push(`set ${a}`); kc.set(a, v); }, delete: (a: string) => { calls.push(`delete ${a}`); return kc.delete(a); } };
    openVault({ keychain: () => counting, vaultId: 'v' });
    assert.deepEqual(calls, ['get master-key:v', 'set probe:v', 'get probe:v', 'delete probe:v', 'set master-key:v', 'get master-key:v']);
    calls.length = 0;
    assert.equal(openVault({ keychain: () => counting, vaultId: 'v' }).status().ok, true);
    assert.deepEqual(calls, ['get master-key:v'], 'a start that finds its key only reads it');

    // A keychain that takes writes but gives nothing back never gets the key.
    const forgetful = { ...memoryKeychain(), get: () => null };
    const status = openVault({ keychain: () => forgetful, vaultId: 'v' }).status();
    assert.equal(status.ok, false);
    assert.match(!status.ok ? status.reason : '', /did not return what was written/);
  });

  test('S24 no usable keychain → status says why, sealing refuses with a 503 and the fix', () => {
    const vault = openVault({ keychain: () => memoryKeychain({ broken: 'org.freedesktop.secrets was not provided by any .service files' }), vaultId: 'v' });
    const status = vault.status();
    assert.equal(status.ok, false);
    assert.match(!status.ok ? status.reason : '', /org\.freedesktop\.secrets/);
    assert.throws(() => vault.seal('x', 'a'), (e: Error & { status?: number }) => e.status === 503 && /keychain is unavailable/.test(e.message) && /Nothing was stored in plaintext/.test(e.message));
    const throwing = openVault({ keychain: () => { throw new Error('DBus error: no session bus'); }, vaultId: 'v' });
    assert.equal(throwing.status().ok, false);
  });
});
