/**
 * The bridge's own agent key (main/cli/mcp/bridge-key.ts) with a scripted owner API and the
 * in-memory keychain: created once through the owner channel and kept in the keychain;
 * reused; never re-minted behind the owner's back after a revocation; and with no usable
 * keychain the bridge refuses (S24) and takes back the key it could not keep.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { BRIDGE_KEY_LABEL, bridgeKey, bridgeKeyAccount, forgetBridgeKey } from '../../../main/cli/mcp/bridge-key.ts';
import { BridgeFailure } from '../../../main/cli/mcp/bridge-errors.ts';
import type { OwnerClient } from '../../../main/cli/owner-client.ts';
import { memoryKeychain } from '../../helpers/fakes.ts';

function ownerApi() {
  const keys: Array<{ id: string; label: string; role: string; created_at: string; revoked_at: string | null }> = [];
  const calls: string[] = [];
  const client: OwnerClient = {
    url: async () => 'http://127.0.0.1:1',
    async call<T>(method: string, path: string, body?: unknown): Promise<T> {
      calls.push(`${method} ${path}`);
      if (method === 'GET' && path === '/ui/api/keys') return keys as T;
      if (method === 'POST' && path === '/ui/api/keys') {
        const b = body as { label: string; role: string };
        const record = { id: `k${keys.length + 1}`, label: b.label, role: b.role, created_at: '2026-12-01T00:00:00Z', revoked_at: null };
        keys.push(record);
        return { key: `lk_secret_${record.id}_0123456789abcdef`, record } as T;
      }
      if (method === 'DELETE') {
        const k = keys.find((x) => path.endsWith(x.id));
        if (k) k.revoked_at = '2026-12-01T00:00:01Z';
        return {} as T;
      }
      throw new Error(`unexpected ${method} ${path}`);
    },
  };
  return { client, keys, calls };
}

describe('the bridge\'s key', () => {
  test('created once as an agent key through the owner channel, kept in the keychain, then reused', async () => {
    const owner = ownerApi();
    const keychain = memoryKeychain();
    const first = await bridgeKey(owner.client, keychain, '/home/u/.config/latchkey');
    assert.deepEqual(owner.keys.map((k) => [k.label, k.role]), [[BRIDGE_KEY_LABEL, 'agent']], 'an agent key, never the owner key');
    assert.ok(keychain.items.get(bridgeKeyAccount('/home/u/.config/latchkey'))?.includes(first));
    assert.equal(await bridgeKey(owner.client, keychain, '/home/u/.config/latchkey'), first);
    assert.equal(owner.keys.length, 1);
  });

  test('a key the owner revoked stays revoked: no new key, a sentence naming latchkey mcp reset-key', async () => {
    const owner = ownerApi();
    const keychain = memoryKeychain();
    await bridgeKey(owner.client, keychain, '/h');
    owner.keys[0]!.revoked_at = '2026-12-01T00:00:02Z';
    await assert.rejects(bridgeKey(owner.client, keychain, '/h'), (err: Error) => err instanceof BridgeFailure && err.code === 'bridge_key_revoked' && /latchkey mcp reset-key/.test(err.message));
    assert.equal(owner.keys.length, 1);
    assert.equal(forgetBridgeKey(keychain, '/h'), true);
    await bridgeKey(owner.client, keychain, '/h');
    assert.equal(owner.keys.length, 2, 'after reset-key the next start creates one (and the owner sees key.created)');
  });

  test('S24 no usable keychain: the bridge refuses, keeps the key nowhere, and revokes the key it could not keep', async () => {
    const owner = ownerApi();
    const keychain = memoryKeychain({ broken: 'org.freedesktop.secrets was not provided by any .service files' });
    await assert.rejects(bridgeKey(owner.client, keychain, '/h'), (err: Error) => err instanceof BridgeFailure && err.code === 'keychain_unavailable' && /OS keychain/.test(err.message));
    assert.equal(keychain.items.size, 0);
  });

  test('S24 the keychain fails only when storing: the freshly created key is revoked again', async () => {
    const owner = ownerApi();
    const keychain = memoryKeychain();
    keychain.set = () => { throw new Error('locked'); };
    await assert.rejects(bridgeKey(owner.client, keychain, '/h'), (err: Error) => err instanceof BridgeFailure && err.code === 'keychain_unavailable');
    assert.deepEqual(owner.calls, ['POST /ui/api/keys', 'DELETE /ui/api/keys/k1']);
    assert.notEqual(owner.keys[0]!.revoked_at, null);
  });
});
