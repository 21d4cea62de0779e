/**
 * The Store port over SQLite (better-sqlite3): WAL, synchronous=FULL so a committed token
 * set survives a power cut or kill -9 (S21, S26), prepared statements, migrations on open.
 */
import Database from 'better-sqlite3';
import { chmodSync, mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import type { ActivityEntry, ActivityFilter, ApiKey, Grant, OAuthFlow, Pairing } from '../../core/model.ts';
import type { AuthRequestRecord, ConnectionRecord, ProviderRecord, Store } from '../../core/ports.ts';
import { MIGRATIONS } from './migrations.ts';

type Row = Record<string, unknown>;

const str = (v: unknown): string => v as string;
const strOrNull = (v: unknown): string | null => (v === null || v === undefined ? null : (v as string));
const num = (v: unknown): number => Number(v);
const numOrNull = (v: unknown): number | null => (v === null || v === undefined ? null : Number(v));
const bool = (v: unknown): boolean => Number(v) === 1;
const blobOrNull = (v: unknown): Buffer | null => (v === null || v === undefined ? null : (v as Buffer));
const json = <T>(v: unknown): T => JSON.parse(v as string) as T;

function providerFromRow(r: Row): ProviderRecord {
  return {
    id: str(r.id), providerId: str(r.provider_id), name: str(r.name), clientId: str(r.client_id),
    hasClientSecret: r.client_secret_ct !== null, clientSecretCiphertext: blobOrNull(r.client_secret_ct),
    authUrl: str(r.auth_url), tokenUrl: str(r.token_url), usesPkce: bool(r.uses_pkce),
    codeChallengeMethod: strOrNull(r.code_challenge_method),
    tokenEndpointAuthMethod: str(r.token_endpoint_auth_method) as ProviderRecord['tokenEndpointAuthMethod'],
    providerType: strOrNull(r.provider_type), authorizationParams: json(r.authorization_params),
    allowedRedirectUris: json(r.allowed_redirect_uris), mcpServerUrl: strOrNull(r.mcp_server_url),
    isDynamicClient: bool(r.is_dynamic_client), revocationUrl: strOrNull(r.revocation_url), issuer: strOrNull(r.issuer),
    issParameterSupported: bool(r.iss_parameter_supported), templateId: strOrNull(r.template_id), createdAt: num(r.created_at), updatedAt: num(r.updated_at),
  };
}

function providerParams(p: ProviderRecord): Row {
  return {
    id: p.id, provider_id: p.providerId, name: p.name, client_id: p.clientId, client_secret_ct: p.clientSecretCiphertext,
    auth_url: p.authUrl, token_url: p.tokenUrl, uses_pkce: p.usesPkce ? 1 : 0, code_challenge_method: p.codeChallengeMethod,
    token_endpoint_auth_method: p.tokenEndpointAuthMethod, provider_type: p.providerType,
    authorization_params: JSON.stringify(p.authorizationParams), allowed_redirect_uris: JSON.stringify(p.allowedRedirectUris),
    mcp_server_url: p.mcpServerUrl, is_dynamic_client: p.isDynamicClient ? 1 : 0, revocation_url: p.revocationUrl,
    issuer: p.issuer, iss_parameter_supported: p.issParameterSupported ? 1 : 0, template_id: p.templateId, created_at: p.createdAt, updated_at: p.updatedAt,
  };
}

function keyFromRow(r: Row): ApiKey {
  return { id: str(r.id), label: str(r.label), role: str(r.role) as ApiKey['role'], hash: str(r.hash), createdAt: num(r.created_at), revokedAt: numOrNull(r.revoked_at) };
}

function connectionFromRow(r: Row): ConnectionRecord {
  return {
    id: str(r.id), providerId: str(r.provider_id), keyId: str(r.key_id), userId: str(r.user_id), agentId: strOrNull(r.agent_id),
    scopes: json(r.scopes), status: str(r.status) as ConnectionRecord['status'], generation: num(r.generation),
    tokenCiphertext: blobOrNull(r.token_ct), expiresAt: numOrNull(r.expires_at), createdAt: num(r.created_at),
    updatedAt: num(r.updated_at), lastRefreshAt: numOrNull(r.last_refresh_at),
  };
}

function requestFromRow(r: Row): AuthRequestRecord {
  return {
    authId: str(r.auth_id), startToken: str(r.start_token), dedupeKey: str(r.dedupe_key), keyId: str(r.key_id),
    providerId: str(r.provider_id), userId: str(r.user_id), agentId: strOrNull(r.agent_id), scopes: json(r.scopes),
    consentScopes: json(r.consent_scopes), status: str(r.status) as AuthRequestRecord['status'], approved: bool(r.approved),
    needsConsent: bool(r.needs_consent), autoApproved: bool(r.auto_approved), forceNew: bool(r.force_new),
    grantDuration: strOrNull(r.grant_duration) as AuthRequestRecord['grantDuration'],
    decidedVia: strOrNull(r.decided_via) as AuthRequestRecord['decidedVia'], connectionId: strOrNull(r.connection_id),
    detail: strOrNull(r.detail), createdAt: num(r.created_at), expiresAt: num(r.expires_at), decidedAt: numOrNull(r.decided_at),
  };
}

function requestParams(r: AuthRequestRecord): Row {
  return {
    auth_id: r.authId, start_token: r.startToken, dedupe_key: r.dedupeKey, key_id: r.keyId, provider_id: r.providerId,
    user_id: r.userId, agent_id: r.agentId, scopes: JSON.stringify(r.scopes), consent_scopes: JSON.stringify(r.consentScopes),
    status: r.status, approved: r.approved ? 1 : 0, needs_consent: r.needsConsent ? 1 : 0, auto_approved: r.autoApproved ? 1 : 0,
    force_new: r.forceNew ? 1 : 0, grant_duration: r.grantDuration, decided_via: r.decidedVia, connection_id: r.connectionId,
    detail: r.detail, created_at: r.createdAt, expires_at: r.expiresAt, decided_at: r.decidedAt,
  };
}

function grantFromRow(r: Row): Grant {
  return {
    id: str(r.id), keyId: str(r.key_id), agentId: strOrNull(r.agent_id), userId: str(r.user_id), providerId: str(r.provider_id),
    scopes: json(r.scopes), expiresAt: numOrNull(r.expires_at), usesLeft: numOrNull(r.uses_left),
    decidedVia: str(r.decided_via) as Grant['decidedVia'], createdAt: num(r.created_at), revokedAt: numOrNull(r.revoked_at),
    effect: str(r.effect) as Grant['effect'],
  };
}

function pairingFromRow(r: Row): Pairing {
  return { id: str(r.id), keyHash: str(r.key_hash), keyHint: str(r.key_hint), firstSeenAt: num(r.first_seen_at), lastSeenAt: num(r.last_seen_at), attempts: num(r.attempts) };
}

function activityFromRow(r: Row): ActivityEntry {
  return {
    id: num(r.id), at: num(r.at), type: str(r.type), keyId: strOrNull(r.key_id), keyLabel: strOrNull(r.key_label), agentId: strOrNull(r.agent_id),
    userId: strOrNull(r.user_id), providerId: strOrNull(r.provider_id), scopes: r.scopes === null ? null : json(r.scopes), authId: strOrNull(r.auth_id),
    decision: strOrNull(r.decision), channel: strOrNull(r.channel), detail: strOrNull(r.detail), count: num(r.count),
  };
}

function flowFromRow(r: Row): OAuthFlow {
  return {
    stateHash: str(r.state_hash), authId: str(r.auth_id), providerId: str(r.provider_id), bindingHash: strOrNull(r.binding_hash),
    codeVerifierCiphertext: blobOrNull(r.code_verifier_ct), redirectUri: str(r.redirect_uri), createdAt: num(r.created_at), usedAt: numOrNull(r.used_at),
  };
}

const cols = (row: Row): string => Object.keys(row).join(', ');
const vals = (row: Row): string => Object.keys(row).map((k) => `@${k}`).join(', ');
const sets = (row: Row, skip: string): string => Object.keys(row).filter((k) => k !== skip).map((k) => `${k} = @${k}`).join(', ');

export interface SqliteStore extends Store {
  close(): void;
  readonly path: string;
}

export function openSqliteStore(path: string): SqliteStore {
  if (path !== ':memory:') {
    mkdirSync(dirname(path), { recursive: true, mode: 0o700 });
  }
  const db = new Database(path);
  if (path !== ':memory:') chmodSync(path, 0o600);
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = FULL');
  db.pragma('foreign_keys = ON');
  db.pragma('busy_timeout = 5000');
  migrate(db);

  const q = <P extends unknown[]>(sql: string) => {
    const st = db.prepare<P, Row>(sql);
    return st;
  };
  const sampleProvider = providerParams({} as ProviderRecord);
  const sampleRequest = requestParams({ scopes: [], consentScopes: [] } as unknown as AuthRequestRecord);

  const st = {
    settingGet: q<[string]>('SELECT value FROM settings WHERE key = ?'),
    settingSet: db.prepare('INSERT INTO settings (key, value) VALUES (?, ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value'),
    providerList: q<[]>('SELECT * FROM providers ORDER BY created_at, provider_id'),
    providerGet: q<[string]>('SELECT * FROM providers WHERE provider_id = ?'),
    providerInsert: db.prepare(`INSERT INTO providers (${cols(sampleProvider)}) VALUES (${vals(sampleProvider)})`),
    providerUpdate: db.prepare(`UPDATE providers SET ${sets(sampleProvider, 'id')} WHERE id = @id`),
    providerDelete: db.prepare('DELETE FROM providers WHERE provider_id = ?'),
    keyList: q<[]>('SELECT * FROM api_keys ORDER BY created_at'),
    keyByHash: q<[string]>('SELECT * FROM api_keys WHERE hash = ? AND revoked_at IS NULL'),
    keyById: q<[string]>('SELECT * FROM api_keys WHERE id = ?'),
    keyInsert: db.prepare('INSERT INTO api_keys (id, label, role, hash, created_at, revoked_at) VALUES (@id, @label, @role, @hash, @createdAt, @revokedAt)'),
    keyRevoke: db.prepare('UPDATE api_keys SET revoked_at = ? WHERE id = ? AND revoked_at IS NULL'),
    connFind: q<[string, string, string, string | null]>('SELECT * FROM connections WHERE provider_id = ? AND key_id = ? AND user_id = ? AND agent_id IS ?'),
    connById: q<[string]>('SELECT * FROM connections WHERE id = ?'),
    connForKey: q<[string]>('SELECT * FROM connections WHERE key_id = ? ORDER BY created_at'),
    connForKeyProvider: q<[string, string]>('SELECT * FROM connections WHERE key_id = ? AND provider_id = ? ORDER BY created_at'),
    connAll: q<[]>('SELECT * FROM connections ORDER BY created_at'),
    connUpsert: db.prepare(`INSERT INTO connections (id, provider_id, key_id, user_id, agent_id, scopes, status, generation, token_ct, expires_at, created_at, updated_at, last_refresh_at)
      VALUES (@id, @providerId, @keyId, @userId, @agentId, @scopes, @status, @generation, @tokenCiphertext, @expiresAt, @createdAt, @updatedAt, @lastRefreshAt)
      ON CONFLICT(id) DO UPDATE SET scopes = excluded.scopes, status = excluded.status, generation = excluded.generation, token_ct = excluded.token_ct,
        expires_at = excluded.expires_at, updated_at = excluded.updated_at, last_refresh_at = excluded.last_refresh_at`),
    connDelete: db.prepare('DELETE FROM connections WHERE id = ?'),
    reqGet: q<[string]>('SELECT * FROM auth_requests WHERE auth_id = ?'),
    reqByStart: q<[string]>('SELECT * FROM auth_requests WHERE start_token = ?'),
    reqFindPending: q<[string, number]>("SELECT * FROM auth_requests WHERE dedupe_key = ? AND status = 'pending' AND expires_at > ? ORDER BY created_at DESC, rowid DESC LIMIT 1"),
    reqFindLatest: q<[string]>('SELECT * FROM auth_requests WHERE dedupe_key = ? ORDER BY created_at DESC, rowid DESC LIMIT 1'),
    reqListPending: q<[number]>("SELECT * FROM auth_requests WHERE status = 'pending' AND expires_at > ? ORDER BY created_at"),
    reqInsert: db.prepare(`INSERT INTO auth_requests (${cols(sampleRequest)}) VALUES (${vals(sampleRequest)})`),
    reqUpdate: db.prepare(`UPDATE auth_requests SET ${sets(sampleRequest, 'auth_id')} WHERE auth_id = @auth_id`),
    reqDeleteProvider: db.prepare('DELETE FROM auth_requests WHERE provider_id = ?'),
    reqPrune: db.prepare("DELETE FROM auth_requests WHERE (status <> 'pending' AND decided_at < ?) OR (status = 'pending' AND expires_at < ?)"),
    // No ORDER BY here: with it SQLite re-prepares the statement on every call (found by
    // profiling the authenticate hot path: 14 µs vs 2 µs); the few rows are sorted in JS.
    grantLive: q<[string, string, string, string | null, number]>(`SELECT * FROM grants WHERE key_id = ? AND provider_id = ? AND user_id = ? AND agent_id IS ?
      AND revoked_at IS NULL AND (expires_at IS NULL OR expires_at > ?) AND (uses_left IS NULL OR uses_left > 0)`),
    grantAll: q<[number]>('SELECT * FROM grants WHERE revoked_at IS NULL AND (expires_at IS NULL OR expires_at > ?) AND (uses_left IS NULL OR uses_left > 0) ORDER BY created_at'),
    grantInsert: db.prepare(`INSERT INTO grants (id, key_id, agent_id, user_id, provider_id, scopes, expires_at, uses_left, decided_via, created_at, revoked_at, effect)
      VALUES (@id, @keyId, @agentId, @userId, @providerId, @scopes, @expiresAt, @usesLeft, @decidedVia, @createdAt, @revokedAt, @effect)`),
    grantById: q<[string]>('SELECT * FROM grants WHERE id = ?'),
    pairingList: q<[]>('SELECT * FROM pairings ORDER BY last_seen_at DESC'),
    pairingByHash: q<[string]>('SELECT * FROM pairings WHERE key_hash = ?'),
    pairingById: q<[string]>('SELECT * FROM pairings WHERE id = ?'),
    pairingUpsert: db.prepare(`INSERT INTO pairings (id, key_hash, key_hint, first_seen_at, last_seen_at, attempts) VALUES (@id, @keyHash, @keyHint, @firstSeenAt, @lastSeenAt, @attempts)
      ON CONFLICT(id) DO UPDATE SET last_seen_at = excluded.last_seen_at, attempts = excluded.attempts`),
    pairingDelete: db.prepare('DELETE FROM pairings WHERE id = ?'),
    activityInsert: db.prepare(`INSERT INTO activity (at, type, key_id, key_label, agent_id, user_id, provider_id, scopes, auth_id, decision, channel, detail, count)
      VALUES (@at, @type, @keyId, @keyLabel, @agentId, @userId, @providerId, @scopes, @authId, @decision, @channel, @detail, @count)`),
    activityPrune: db.prepare('DELETE FROM activity WHERE at < ?'),
    grantSpend: db.prepare('UPDATE grants SET uses_left = uses_left - 1 WHERE id = ? AND uses_left > 0'),
    grantRevoke: db.prepare('UPDATE grants SET revoked_at = ? WHERE id = ? AND revoked_at IS NULL'),
    grantDeleteProvider: db.prepare('DELETE FROM grants WHERE provider_id = ?'),
    flowGet: q<[string]>('SELECT * FROM oauth_flows WHERE state_hash = ?'),
    flowInsert: db.prepare(`INSERT INTO oauth_flows (state_hash, auth_id, provider_id, binding_hash, code_verifier_ct, redirect_uri, created_at, used_at)
      VALUES (@stateHash, @authId, @providerId, @bindingHash, @codeVerifierCiphertext, @redirectUri, @createdAt, @usedAt)`),
    flowMarkUsed: db.prepare('UPDATE oauth_flows SET used_at = ? WHERE state_hash = ? AND used_at IS NULL'),
    flowDeleteProvider: db.prepare('DELETE FROM oauth_flows WHERE provider_id = ?'),
    flowDeleteUnusedForRequest: db.prepare('DELETE FROM oauth_flows WHERE auth_id = ? AND used_at IS NULL'),
    flowPrune: db.prepare('DELETE FROM oauth_flows WHERE created_at < ?'),
  };

  const dataVersion = db.prepare('PRAGMA data_version').pluck();
  const first = <T>(row: Row | undefined, map: (r: Row) => T): T | undefined => (row ? map(row) : undefined);

  return {
    path,
    close: () => db.close(),
    transaction: <T>(fn: () => T): T => db.transaction(fn)(),
    externalVersion: () => dataVersion.get() as number,
    settings: {
      get: (key) => first(st.settingGet.get(key), (r) => str(r.value)),
      set: (key, value) => { st.settingSet.run(key, value); },
    },
    providers: {
      list: () => st.providerList.all().map(providerFromRow),
      get: (id) => first(st.providerGet.get(id), providerFromRow),
      insert: (p) => { st.providerInsert.run(providerParams(p)); },
      update: (p) => { st.providerUpdate.run(providerParams(p)); },
      delete: (id) => { st.providerDelete.run(id); },
    },
    keys: {
      list: () => st.keyList.all().map(keyFromRow),
      byHash: (h) => first(st.keyByHash.get(h), keyFromRow),
      byId: (id) => first(st.keyById.get(id), keyFromRow),
      insert: (k) => { st.keyInsert.run(k); },
      revoke: (id, at) => { st.keyRevoke.run(at, id); },
    },
    connections: {
      find: (p, k, u, a) => first(st.connFind.get(p, k, u, a), connectionFromRow),
      byId: (id) => first(st.connById.get(id), connectionFromRow),
      listForKey: (k, p) => (p === undefined ? st.connForKey.all(k) : st.connForKeyProvider.all(k, p)).map(connectionFromRow),
      listAll: () => st.connAll.all().map(connectionFromRow),
      upsert: (c) => { st.connUpsert.run({ ...c, scopes: JSON.stringify(c.scopes) }); },
      delete: (id) => { st.connDelete.run(id); },
    },
    requests: {
      get: (id) => first(st.reqGet.get(id), requestFromRow),
      byStartToken: (t) => first(st.reqByStart.get(t), requestFromRow),
      findPending: (k, now) => first(st.reqFindPending.get(k, now), requestFromRow),
      findLatest: (k) => first(st.reqFindLatest.get(k), requestFromRow),
      listPending: (now) => st.reqListPending.all(now).map(requestFromRow),
      insert: (r) => { st.reqInsert.run(requestParams(r)); },
      update: (r) => { st.reqUpdate.run(requestParams(r)); },
      deleteForProvider: (p) => { st.reqDeleteProvider.run(p); },
      prune: (decidedBefore, pendingBefore) => st.reqPrune.run(decidedBefore, pendingBefore).changes,
    },
    grants: {
      listLive: (k, p, u, a, now) => st.grantLive.all(k, p, u, a, now).map(grantFromRow).sort((x, y) => x.createdAt - y.createdAt),
      listAll: (now) => st.grantAll.all(now).map(grantFromRow),
      byId: (id) => first(st.grantById.get(id), grantFromRow),
      insert: (g) => { st.grantInsert.run({ ...g, scopes: JSON.stringify(g.scopes) }); },
      spend: (id) => st.grantSpend.run(id).changes === 1,
      revoke: (id, at) => { st.grantRevoke.run(at, id); },
      deleteForProvider: (p) => { st.grantDeleteProvider.run(p); },
    },
    pairings: {
      list: () => st.pairingList.all().map(pairingFromRow),
      byHash: (h) => first(st.pairingByHash.get(h), pairingFromRow),
      byId: (id) => first(st.pairingById.get(id), pairingFromRow),
      upsert: (pairing) => { st.pairingUpsert.run(pairing); },
      delete: (id) => { st.pairingDelete.run(id); },
    },
    activity: {
      append: (entries) => {
        db.transaction(() => {
          for (const e of entries) st.activityInsert.run({ ...e, scopes: e.scopes === null ? null : JSON.stringify(e.scopes) });
        })();
      },
      query: (f) => queryActivity(db, f),
      prune: (before) => st.activityPrune.run(before).changes,
    },
    flows: {
      get: (h) => first(st.flowGet.get(h), flowFromRow),
      insert: (f) => { st.flowInsert.run(f); },
      markUsed: (h, at) => st.flowMarkUsed.run(at, h).changes === 1,
      deleteUnusedForRequest: (a) => st.flowDeleteUnusedForRequest.run(a).changes,
      deleteForProvider: (p) => { st.flowDeleteProvider.run(p); },
      prune: (before) => st.flowPrune.run(before).changes,
    },
  };
}

function migrate(db: Database.Database): void {
  const current = db.pragma('user_version', { simple: true }) as number;
  if (current > MIGRATIONS.length) {
    throw new Error(`This Latchkey database (schema ${current}) was written by a newer Latchkey (knows ${MIGRATIONS.length}). Upgrade Latchkey or use another LATCHKEY_HOME.`);
  }
  for (let v = current; v < MIGRATIONS.length; v++) {
    db.transaction(() => {
      db.exec(MIGRATIONS[v] ?? '');
      db.pragma(`user_version = ${v + 1}`);
    })();
  }
}

/** Filtered, newest-first page of the activity log; filters are bound parameters, never spliced. */
function queryActivity(db: Database.Database, f: ActivityFilter): ActivityEntry[] {
  const where: string[] = [];
  const params: Record<string, unknown> = { limit: Math.min(Math.max(f.limit, 1), 1000) };
  const add = (sql: string, name: string, value: unknown): void => {
    if (value === undefined) return;
    where.push(sql);
    params[name] = value;
  };
  add('provider_id = @providerId', 'providerId', f.providerId);
  add('agent_id = @agentId', 'agentId', f.agentId);
  add('key_label = @keyLabel', 'keyLabel', f.keyLabel);
  add('type = @type', 'type', f.type);
  add('decision = @decision', 'decision', f.decision);
  add('at >= @since', 'since', f.since);
  add('at <= @until', 'until', f.until);
  add('id < @before', 'before', f.before);
  const sql = `SELECT * FROM activity ${where.length ? `WHERE ${where.join(' AND ')}` : ''} ORDER BY id DESC LIMIT @limit`;
  return db.prepare<[Record<string, unknown>], Row>(sql).all(params).map(activityFromRow);
}
