/**
 * Schema migrations, applied in order inside one transaction each; `PRAGMA user_version`
 * records how far a database has come. Never edit a released migration: add a new one.
 */
export const MIGRATIONS: readonly string[] = [
  /* 1: initial schema */ `
  CREATE TABLE settings (key TEXT PRIMARY KEY, value TEXT NOT NULL) STRICT;

  CREATE TABLE providers (
    id TEXT PRIMARY KEY,
    provider_id TEXT NOT NULL UNIQUE,
    name TEXT NOT NULL,
    client_id TEXT NOT NULL,
    client_secret_ct BLOB,
    auth_url TEXT NOT NULL,
    token_url TEXT NOT NULL,
    uses_pkce INTEGER NOT NULL,
    code_challenge_method TEXT,
    token_endpoint_auth_method TEXT NOT NULL,
    provider_type TEXT,
    authorization_params TEXT NOT NULL,
    allowed_redirect_uris TEXT NOT NULL,
    mcp_server_url TEXT,
    is_dynamic_client INTEGER NOT NULL,
    revocation_url TEXT,
    issuer TEXT,
    iss_parameter_supported INTEGER NOT NULL,
    created_at INTEGER NOT NULL,
    updated_at INTEGER NOT NULL
  ) STRICT;

  CREATE TABLE api_keys (
    id TEXT PRIMARY KEY,
    label TEXT NOT NULL,
    role TEXT NOT NULL CHECK (role IN ('owner', 'agent')),
    hash TEXT NOT NULL UNIQUE,
    created_at INTEGER NOT NULL,
    revoked_at INTEGER
  ) STRICT;

  CREATE TABLE connections (
    id TEXT PRIMARY KEY,
    provider_id TEXT NOT NULL,
    key_id TEXT NOT NULL,
    user_id TEXT NOT NULL,
    agent_id TEXT,
    scopes TEXT NOT NULL,
    status TEXT NOT NULL,
    generation INTEGER NOT NULL,
    token_ct BLOB,
    expires_at INTEGER,
    created_at INTEGER NOT NULL,
    updated_at INTEGER NOT NULL,
    last_refresh_at INTEGER
  ) STRICT;
  -- agent_id NULL (a user-scoped connection) is its own slot, distinct from every agent.
  CREATE UNIQUE INDEX connections_slot ON connections (provider_id, key_id, user_id, coalesce(agent_id, x'00'));

  CREATE TABLE auth_requests (
    auth_id TEXT PRIMARY KEY,
    start_token TEXT NOT NULL UNIQUE,
    dedupe_key TEXT NOT NULL,
    key_id TEXT NOT NULL,
    provider_id TEXT NOT NULL,
    user_id TEXT NOT NULL,
    agent_id TEXT,
    scopes TEXT NOT NULL,
    consent_scopes TEXT NOT NULL,
    status TEXT NOT NULL,
    approved INTEGER NOT NULL,
    needs_consent INTEGER NOT NULL,
    auto_approved INTEGER NOT NULL,
    force_new INTEGER NOT NULL,
    grant_duration TEXT,
    decided_via TEXT,
    connection_id TEXT,
    detail TEXT,
    created_at INTEGER NOT NULL,
    expires_at INTEGER NOT NULL,
    decided_at INTEGER
  ) STRICT;
  CREATE INDEX auth_requests_dedupe ON auth_requests (dedupe_key, status);

  CREATE TABLE grants (
    id TEXT PRIMARY KEY,
    key_id TEXT NOT NULL,
    agent_id TEXT,
    user_id TEXT NOT NULL,
    provider_id TEXT NOT NULL,
    scopes TEXT NOT NULL,
    expires_at INTEGER,
    uses_left INTEGER,
    decided_via TEXT NOT NULL,
    created_at INTEGER NOT NULL,
    revoked_at INTEGER
  ) STRICT;
  CREATE INDEX grants_subject ON grants (key_id, provider_id, user_id);

  CREATE TABLE oauth_flows (
    state_hash TEXT PRIMARY KEY,
    auth_id TEXT NOT NULL,
    provider_id TEXT NOT NULL,
    binding_hash TEXT,
    code_verifier_ct BLOB,
    redirect_uri TEXT NOT NULL,
    created_at INTEGER NOT NULL,
    used_at INTEGER
  ) STRICT;
  `,
  /* 2: providers made from catalog templates keep their template id (quirks apply) */ `
  ALTER TABLE providers ADD COLUMN template_id TEXT;
  `,
  /* 3: remembered denials, key pairing, the activity log */ `
  ALTER TABLE grants ADD COLUMN effect TEXT NOT NULL DEFAULT 'allow' CHECK (effect IN ('allow', 'deny'));

  CREATE TABLE pairings (
    id TEXT PRIMARY KEY,
    key_hash TEXT NOT NULL UNIQUE,
    key_hint TEXT NOT NULL,
    first_seen_at INTEGER NOT NULL,
    last_seen_at INTEGER NOT NULL,
    attempts INTEGER NOT NULL
  ) STRICT;

  CREATE TABLE activity (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    at INTEGER NOT NULL,
    type TEXT NOT NULL,
    key_id TEXT,
    key_label TEXT,
    agent_id TEXT,
    user_id TEXT,
    provider_id TEXT,
    scopes TEXT,
    auth_id TEXT,
    decision TEXT,
    channel TEXT,
    detail TEXT,
    count INTEGER NOT NULL DEFAULT 1
  ) STRICT;
  CREATE INDEX activity_at ON activity (at);
  -- Append-only: entries are never edited; only retention removes old ones.
  CREATE TRIGGER activity_no_update BEFORE UPDATE ON activity BEGIN SELECT RAISE(ABORT, 'the activity log is append-only'); END;
  `,
  /* 4: several accounts per provider (issue 14): connection labels and defaults, grants that
     name the account they cover, agent connections, request targets */ `
  DROP INDEX connections_slot;
  ALTER TABLE connections ADD COLUMN account_label TEXT;
  ALTER TABLE connections ADD COLUMN is_default INTEGER NOT NULL DEFAULT 0;
  ALTER TABLE connections ADD COLUMN source TEXT NOT NULL DEFAULT 'flow' CHECK (source IN ('flow', 'import'));
  ALTER TABLE connections ADD COLUMN installation_id INTEGER;
  ALTER TABLE connections ADD COLUMN metadata TEXT;
  -- Until now each (provider, key, user, agent) slot held one connection: it is that slot's default.
  UPDATE connections SET is_default = 1;
  CREATE INDEX connections_namespace ON connections (provider_id, key_id, user_id, agent_id);
  CREATE UNIQUE INDEX connections_one_default ON connections (provider_id, key_id, user_id, coalesce(agent_id, x'00')) WHERE is_default = 1;

  ALTER TABLE grants ADD COLUMN connection_id TEXT;
  -- An existing "yes" covered the slot's only connection: it now names that account.
  UPDATE grants SET connection_id = (
    SELECT c.id FROM connections c
    WHERE c.provider_id = grants.provider_id AND c.key_id = grants.key_id AND c.user_id = grants.user_id AND c.agent_id IS grants.agent_id
  ) WHERE effect = 'allow';

  ALTER TABLE auth_requests ADD COLUMN token_id TEXT;
  ALTER TABLE auth_requests ADD COLUMN make_default INTEGER NOT NULL DEFAULT 1;
  ALTER TABLE auth_requests ADD COLUMN ls_user_id TEXT;
  ALTER TABLE auth_requests ADD COLUMN redirect_uri TEXT;

  ALTER TABLE providers ADD COLUMN userinfo_url TEXT;

  CREATE TABLE agent_connections (
    id TEXT PRIMARY KEY,
    key_id TEXT NOT NULL,
    agent_id TEXT NOT NULL,
    provider_id TEXT NOT NULL,
    connection_id TEXT NOT NULL,
    created_by TEXT NOT NULL,
    created_at INTEGER NOT NULL,
    UNIQUE (key_id, agent_id, provider_id)
  ) STRICT;
  CREATE INDEX agent_connections_connection ON agent_connections (connection_id);
  `,
];
