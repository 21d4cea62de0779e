/**
 * Migration 4 (several accounts per provider, issue 14) on a real SQLite file written by the
 * schema before it (migrations 1–3, as every Latchkey home made so far has it): each
 * existing connection becomes its namespace's default, each "yes" names that account, a
 * remembered "no" names none, and the new tables work.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';
import Database from 'better-sqlite3';
import { MIGRATIONS } from '../../main/adapters/sqlite/migrations.ts';
import { openSqliteStore } from '../../main/adapters/sqlite/sqlite-store.ts';

const dir = mkdtempSync(join(tmpdir(), 'latchkey-migration-'));
after(() => rmSync(dir, { recursive: true, force: true }));

/** A database exactly as the schema before migration 4 leaves it, with a few rows. */
function oldDatabase(path: string): void {
  const db = new Database(path);
  for (const [i, sql] of MIGRATIONS.slice(0, 3).entries()) {
    db.exec(sql);
    db.pragma(`user_version = ${i + 1}`);
  }
  const conn = db.prepare(`INSERT INTO connections (id, provider_id, key_id, user_id, agent_id, scopes, status, generation, token_ct, expires_at, created_at, updated_at, last_refresh_at)
    VALUES (?, 'github', 'key-1', 'default', ?, '["repo"]', 'ok', 3, X'00', NULL, 1, 2, NULL)`);
  conn.run('conn-user', null);
  conn.run('conn-agent', 'triage-bot');
  const grant = db.prepare(`INSERT INTO grants (id, key_id, agent_id, user_id, provider_id, scopes, expires_at, uses_left, decided_via, created_at, revoked_at, effect)
    VALUES (?, 'key-1', ?, 'default', ?, '["repo"]', NULL, NULL, 'window', 1, NULL, ?)`);
  grant.run('grant-user', null, 'github', 'allow');
  grant.run('grant-agent', 'triage-bot', 'github', 'allow');
  grant.run('grant-nothing-yet', 'other-bot', 'github', 'allow');
  grant.run('denial', 'triage-bot', 'github', 'deny');
  db.close();
}

describe('migration 4: several accounts per provider', () => {
  test('a database written by the previous schema opens; its connections become defaults and its grants name them', () => {
    const path = join(dir, 'latchkey.db');
    oldDatabase(path);
    const store = openSqliteStore(path);
    try {
      const user = store.connections.byId('conn-user');
      const agent = store.connections.byId('conn-agent');
      assert.ok(user && agent);
      for (const c of [user, agent]) {
        assert.equal(c.isDefault, true, `${c.id} is its namespace's default`);
        assert.equal(c.label, null);
        assert.equal(c.source, 'flow');
        assert.equal(c.installationId, null);
        assert.equal(c.generation, 3, 'nothing else about the row changed');
      }
      assert.equal(store.connections.findDefault('github', 'key-1', 'default', null)?.id, 'conn-user');
      assert.equal(store.connections.findDefault('github', 'key-1', 'default', 'triage-bot')?.id, 'conn-agent');

      assert.equal(store.grants.byId('grant-user')?.connectionId, 'conn-user');
      assert.equal(store.grants.byId('grant-agent')?.connectionId, 'conn-agent');
      assert.equal(store.grants.byId('grant-nothing-yet')?.connectionId, null, 'a grant whose namespace has no account names none');
      assert.equal(store.grants.byId('denial')?.connectionId, null, 'a denial covers every account');

      // The new table and the one-default rule work on the migrated file.
      store.agentConnections.put({ id: 'b1', keyId: 'key-1', agentId: 'bot', providerId: 'github', connectionId: 'conn-user', createdBy: 'owner', createdAt: 5 });
      assert.equal(store.agentConnections.find('key-1', 'bot', 'github')?.connectionId, 'conn-user');
      store.connections.upsert({ ...user, id: 'conn-second', isDefault: false, label: 'octocat', createdAt: 10 });
      store.connections.setDefault('conn-second');
      assert.deepEqual(store.connections.listIn('github', 'key-1', 'default', null).map((c) => [c.id, c.isDefault]), [['conn-user', false], ['conn-second', true]]);
      assert.throws(() => store.connections.upsert({ ...user, id: 'conn-third', isDefault: true }), /UNIQUE/, 'two defaults in one namespace are refused by the schema');
    } finally {
      store.close();
    }
    // Reopening applies nothing twice.
    const again = openSqliteStore(path);
    try {
      assert.equal(again.connections.listAll().length, 3);
    } finally {
      again.close();
    }
  });
});
