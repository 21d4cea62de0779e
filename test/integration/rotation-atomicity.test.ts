/**
 * S21: with a rotating provider, a failure between the provider's answer and the write
 * leaves the complete old set (and no caller sees the new access token); a success leaves
 * the complete new set. Real SQLite file, reopened to read what is durable.
 */
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { openSqliteStore } from '../../main/adapters/sqlite/sqlite-store.ts';
import { cryptoIds } from '../../main/adapters/system.ts';
import { openVault } from '../../main/adapters/vault.ts';
import { createCore } from '../../main/core/core.ts';
import { FakeClock, FakeOAuth, memoryKeychain, quietLogger } from '../helpers/fakes.ts';
import { tempHome } from '../helpers/test-broker.ts';
import { ownerVia, TEST_ACTOR } from '../helpers/owner.ts';

describe('S21 rotation is atomic', () => {
  test('a crash after the provider answered leaves the old set whole; the next write commits the new set whole', async () => {
    const path = join(tempHome(), 'latchkey.db');
    const keychain = memoryKeychain();
    const clock = new FakeClock();
    let n = 0;
    const oauth = new FakeOAuth(() => ({ access_token: `at-${n}`, refresh_token: `rt-${n++}`, token_type: 'Bearer', expires_in: 3600 }));
    const open = () => {
      const store = openSqliteStore(path);
      const vault = openVault({ keychain: () => keychain, vaultId: 'atomic' });
      return { store, core: createCore({ store, vault, clock, ids: cryptoIds, logger: quietLogger, oauth, baseUrl: () => 'http://127.0.0.1:1' }) };
    };
    let { store, core } = open();
    core.keys.ensureOwnerKey();
    core.providers.create({ providerId: 'idp', name: 'IdP', clientId: 'c', clientSecret: 's', authUrl: 'https://idp.example/a', tokenUrl: 'https://idp.example/t' }, TEST_ACTOR);
    const owner = core.keys.list()[0]!;
    const a = await core.requests.authenticate(owner, { provider: 'idp', scopes: ['s'] });
    await core.requests.approve(ownerVia('cli'), a.authId!, 'forever');
    const state = new URL(await core.flows.begin(core.requests.get(a.authId!)!, 'b')).searchParams.get('state')!;
    await core.flows.callback('idp', new URLSearchParams({ code: 'c', state }), { hash: 'b' });
    assert.equal((await core.requests.authenticate(owner, { provider: 'idp', scopes: ['s'] })).token, 'at-0');

    // Crash between the provider's answer and the write: the upsert dies.
    clock.advance(2 * 3600_000);
    const upsert = store.connections.upsert;
    store.connections.upsert = () => { throw new Error('simulated crash during write'); };
    await assert.rejects(core.requests.authenticate(owner, { provider: 'idp', scopes: ['s'] }), /simulated crash/);
    assert.equal(oauth.calls.refresh, 1, 'the provider did answer (and rotated)');
    store.connections.upsert = upsert;
    store.close();

    ({ store, core } = open());
    const c = store.connections.listAll()[0]!;
    const durable = core.connections.read(c);
    assert.deepEqual([durable.accessToken, durable.refreshToken], ['at-0', 'rt-0'], 'the complete old set, never a mix');
    assert.equal(c.generation, 1);

    const next = await core.requests.authenticate(owner, { provider: 'idp', scopes: ['s'] });
    assert.equal(next.token, 'at-2');
    store.close();
    ({ store, core } = open());
    const after = core.connections.read(store.connections.listAll()[0]!);
    assert.deepEqual([after.accessToken, after.refreshToken], ['at-2', 'rt-2'], 'the complete new set');
    store.close();
  });
});
