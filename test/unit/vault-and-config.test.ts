import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { openVault } from '../../main/adapters/vault.ts';
import { ConfigError, DEFAULT_PORT, loadConfig } from '../../main/config.ts';
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

describe('configuration', () => {
  test('defaults and precedence: flags over environment', () => {
    const c = loadConfig({}, { LATCHKEY_HOME: '/tmp/h' });
    assert.equal(c.port, DEFAULT_PORT);
    assert.equal(c.home, '/tmp/h');
    assert.equal(loadConfig({ port: '5' }, { LATCHKEY_PORT: '7', LATCHKEY_HOME: '/h' }).port, 5);
  });

  test('every problem is reported at once', () => {
    try {
      loadConfig({ port: 'abc', approval: 'sometimes', logLevel: 'loud' }, { LATCHKEY_HOME: '/h' });
      assert.fail('expected a ConfigError');
    } catch (err) {
      assert.ok(err instanceof ConfigError);
      assert.equal(err.problems.length, 3, err.message);
      assert.match(err.message, /port/);
      assert.match(err.message, /approval/);
      assert.match(err.message, /logLevel/);
    }
  });
});
