/**
 * The hot path's read cache (main/adapters/sqlite/read-cache.ts) must never answer from
 * before a change: not after this process's own write, not after a rolled-back transaction,
 * not (from the next event-loop turn) after another process's commit — the `latchkey` CLI
 * revoking a key or a grant on the same home while the broker runs. Real SQLite files, two
 * connections.
 */
import { strict as assert } from 'node:assert';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';
import { setImmediate as nextTurn } from 'node:timers/promises';
import Database from 'better-sqlite3';
import { openSqliteStore } from '../../main/adapters/sqlite/sqlite-store.ts';
import type { TokenSet } from '../../main/core/model.ts';
import { coreHarness } from '../helpers/fakes.ts';
import { ownerVia } from '../helpers/owner.ts';

const dir = mkdtempSync(join(tmpdir(), 'latchkey-read-cache-'));
after(() => rmSync(dir, { recursive: true, force: true }));

/** Another process's connection to the same file: one statement, committed, closed. */
function otherProcess(path: string, sql: string, ...params: unknown[]): void {
  const db = new Database(path);
  try {
    db.prepare(sql).run(...params);
  } finally {
    db.close();
  }
}

const tokens = (expiresAt: number): TokenSet => ({ accessToken: 'at-cached', tokenType: 'Bearer', refreshToken: 'rt', expiresAt, idToken: null, extra: {} });

describe('SQLite read cache: the store', () => {
  const path = join(dir, 'store.db');
  const store = openSqliteStore(path);
  after(() => store.close());
  store.keys.insert({ id: 'k1', label: 'agent', role: 'agent', hash: 'h1', createdAt: 1, revokedAt: null });

  test('a write by this process is seen by the very next read', () => {
    assert.equal(store.keys.byId('k1')?.revokedAt, null);
    store.keys.insert({ id: 'k2', label: 'other', role: 'agent', hash: 'h2', createdAt: 2, revokedAt: null });
    assert.equal(store.keys.byId('k2')?.label, 'other');
    store.keys.revoke('k2', 5);
    assert.equal(store.keys.byId('k2')?.revokedAt, 5);
  });

  test('a rolled-back transaction leaves nothing it read cached', () => {
    assert.throws(() => store.transaction(() => {
      store.keys.revoke('k1', 7);
      assert.equal(store.keys.byId('k1')?.revokedAt, 7);
      throw new Error('roll back');
    }), /roll back/);
    assert.equal(store.keys.byId('k1')?.revokedAt, null);
  });

  test('a commit by another connection is seen from the next event-loop turn', async () => {
    assert.equal(store.keys.byId('k1')?.revokedAt, null);
    otherProcess(path, 'UPDATE api_keys SET revoked_at = 9 WHERE id = ?', 'k1');
    await nextTurn();
    assert.equal(store.keys.byId('k1')?.revokedAt, 9);
  });

  test('callers get copies: changing an answer does not change the next one', () => {
    const key = store.keys.byId('k2')!;
    key.label = 'changed';
    assert.equal(store.keys.byId('k2')?.label, 'other');

    const now = Date.now();
    store.connections.upsert({
      id: 'c1', providerId: 'idp', keyId: 'k2', userId: 'default', agentId: null, scopes: ['read'], status: 'ok', generation: 1,
      tokenCiphertext: null, expiresAt: null, createdAt: now, updatedAt: now, lastRefreshAt: null, label: null, isDefault: true,
      source: 'flow', installationId: null, metadata: { team: { id: 'T1' } },
    });
    const conn = store.connections.findDefault('idp', 'k2', 'default', null)!;
    (conn.scopes as string[]).push('admin');
    (conn.metadata as { team: { id: string } }).team.id = 'T2';
    const again = store.connections.findDefault('idp', 'k2', 'default', null)!;
    assert.deepEqual(again.scopes, ['read']);
    assert.deepEqual(again.metadata, { team: { id: 'T1' } });
  });
});

describe('SQLite read cache: the broker core while the CLI changes the same home', () => {
  test('S37 a key revoked by another process is refused from the next turn', async () => {
    const path = join(dir, 'keys.db');
    const { core, store } = coreHarness(() => { throw new Error('no provider calls'); }, { dbPath: path });
    after(() => store.close());
    const agent = core.keys.create('agent', 'agent', { channel: 'cli' });
    assert.equal(core.keys.authenticate(agent.key).id, agent.record.id);
    otherProcess(path, 'UPDATE api_keys SET revoked_at = ? WHERE id = ?', Date.now(), agent.record.id);
    await nextTurn();
    assert.throws(() => core.keys.authenticate(agent.key), /API key/i);
  });

  test('a grant revoked or a connection removed by another process stops the release', async () => {
    const path = join(dir, 'grants.db');
    const { core, store, clock } = coreHarness(() => { throw new Error('no provider calls'); }, { dbPath: path });
    after(() => store.close());
    const agent = core.keys.create('agent', 'agent', { channel: 'cli' });
    const subject = { providerId: 'idp', keyId: agent.record.id, userId: 'default', agentId: null };
    const conn = core.connections.save(subject, tokens(clock.now() + 3600_000), ['read']);
    const grant = core.grants.create(ownerVia('cli'), subject, ['read'], 'forever', conn.id);
    const ask = () => core.authenticate(agent.record, { provider: 'idp', scopes: ['read'] });

    assert.equal((await ask()).status, 'completed');
    assert.equal((await ask()).status, 'completed', 'served again (from the cache)');
    otherProcess(path, 'UPDATE grants SET revoked_at = ? WHERE id = ?', clock.now(), grant!.id);
    await nextTurn();
    assert.equal((await ask()).status, 'pending', 'the revoked grant no longer releases the token');

    core.grants.create(ownerVia('cli'), subject, ['read'], 'forever', conn.id);
    assert.equal((await ask()).status, 'completed', 'a grant made by this process is seen at once');
    otherProcess(path, 'DELETE FROM connections WHERE id = ?', conn.id);
    await nextTurn();
    const after_ = await ask();
    assert.notEqual(after_.status, 'completed', 'a connection deleted elsewhere releases nothing');
    assert.equal(after_.token, null);
  });

  test('a grant expiring is seen without any write', async () => {
    const path = join(dir, 'expiry.db');
    const { core, store, clock } = coreHarness(() => { throw new Error('no provider calls'); }, { dbPath: path });
    after(() => store.close());
    const agent = core.keys.create('agent', 'agent', { channel: 'cli' });
    const subject = { providerId: 'idp', keyId: agent.record.id, userId: 'default', agentId: null };
    const conn = core.connections.save(subject, tokens(clock.now() + 24 * 3600_000), ['read']);
    core.grants.create(ownerVia('cli'), subject, ['read'], '1h', conn.id);
    const ask = () => core.authenticate(agent.record, { provider: 'idp', scopes: ['read'] });
    assert.equal((await ask()).status, 'completed');
    clock.advance(3600_000 + 1);
    assert.equal((await ask()).status, 'pending');
  });
});
