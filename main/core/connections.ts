/**
 * Connections: stored token sets, several accounts per namespace (provider, key, user,
 * agent), one of them the default (accounts.ts picks which one a request uses). Owns sealing,
 * the decrypted-token cache for the hot path, and refresh.
 *
 * Refresh rules (design.md §5, S20–S23): one in-flight refresh per connection; the stored
 * set is re-read after acquiring it; the rotated set is committed before any caller sees
 * the new access token; `invalid_grant` on an unchanged set marks the connection
 * `needs_reauth`; transient failures back off and never revoke.
 */
import type { ActivityLog } from './activity.ts';
import { Unavailable } from './errors.ts';
import type { Connection, ConnectionSource, TokenSet } from './model.ts';
import type { Clock, ConnectionRecord, Ids, Logger, OAuthClient, Store, Vault } from './ports.ts';
import type { ProviderService } from './providers.ts';
import { type ScopeSet, parseGrantedScope } from './scopes.ts';
import { quirksFor } from './templates/quirks.ts';
import { parseTokenSet, serializeTokenSet, tokenSetFromResponse } from './token-sets.ts';
import { UpstreamError } from './upstream-error.ts';

export const DEFAULT_REFRESH_MARGIN_MS = 5 * 60_000;
/** Templates may tune the margin, up to this. */
export const MAX_REFRESH_MARGIN_MS = 60 * 60_000;
const BACKOFF_BASE_MS = 2_000;
const BACKOFF_CAP_MS = 5 * 60_000;

/** The connection exists but a human must consent again (S22). */
export class NeedsReauth extends Error {
  readonly connectionId: string;
  constructor(connectionId: string) {
    super('connection needs re-authorization');
    this.connectionId = connectionId;
  }
}

export interface ConnectionKey {
  providerId: string;
  keyId: string;
  userId: string;
  agentId: string | null;
}

export function connectionAad(id: string, generation: number): string {
  return `connection:${id}:${generation}`;
}

interface Backoff { failures: number; until: number }

export interface SaveOptions {
  /** Write into this existing account; absent: a new account in the namespace. */
  connectionId?: string | undefined;
  refreshed?: boolean | undefined;
  /** For a new account: who it is at the provider (identity.ts). An existing label is kept. */
  label?: string | null | undefined;
  /** For a new account: become the namespace's default (the first account always does). */
  makeDefault?: boolean | undefined;
  source?: ConnectionSource | undefined;
  installationId?: number | null | undefined;
  metadata?: Record<string, unknown> | null | undefined;
}

export class ConnectionService {
  readonly #store: Store;
  readonly #vault: Vault;
  readonly #clock: Clock;
  readonly #ids: Ids;
  readonly #oauth: OAuthClient;
  readonly #providers: ProviderService;
  readonly #log: Logger;
  readonly #random: () => number;
  readonly #onNeedsReauth: (c: Connection, reason: string) => void;
  readonly #activity: ActivityLog;
  readonly refreshMarginMs: number;
  /** Decrypted sets by connection id, valid for one generation. */
  readonly #cache = new Map<string, { generation: number; set: TokenSet }>();
  readonly #inFlight = new Map<string, Promise<TokenSet>>();
  readonly #backoff = new Map<string, Backoff>();

  constructor(deps: {
    store: Store; vault: Vault; clock: Clock; ids: Ids; oauth: OAuthClient; providers: ProviderService; logger: Logger;
    activity: ActivityLog; random?: () => number; refreshMarginMs?: number; onNeedsReauth: (c: Connection, reason: string) => void;
  }) {
    this.#activity = deps.activity;
    this.#store = deps.store;
    this.#vault = deps.vault;
    this.#clock = deps.clock;
    this.#ids = deps.ids;
    this.#oauth = deps.oauth;
    this.#providers = deps.providers;
    this.#log = deps.logger;
    this.#random = deps.random ?? Math.random;
    this.refreshMarginMs = deps.refreshMarginMs ?? DEFAULT_REFRESH_MARGIN_MS;
    this.#onNeedsReauth = deps.onNeedsReauth;
  }

  /** The namespace's default account. */
  find(k: ConnectionKey): ConnectionRecord | undefined {
    return this.#store.connections.findDefault(k.providerId, k.keyId, k.userId, k.agentId);
  }

  byId(id: string): ConnectionRecord | undefined {
    return this.#store.connections.byId(id);
  }

  /**
   * Commit a token set for a connection (new or existing) in one transaction.
   * `grantedScopes` are what the provider said it granted; when it said nothing the
   * requested scopes are assumed granted (RFC 6749 §5.1: scope is optional if identical).
   */
  save(k: ConnectionKey, set: TokenSet, grantedScopes: ScopeSet, opts: SaveOptions = {}): ConnectionRecord {
    const now = this.#clock.now();
    return this.#store.transaction(() => {
      const existing = opts.connectionId === undefined ? undefined : this.#store.connections.byId(opts.connectionId);
      // Never resurrect an account deleted while its refresh or flow was in flight.
      if (opts.connectionId !== undefined && !existing) throw new NeedsReauth(opts.connectionId);
      const id = existing?.id ?? this.#ids.uuid();
      const generation = (existing?.generation ?? 0) + 1;
      const becomesDefault = !existing && ((opts.makeDefault ?? true) || !this.find(k));
      const record: ConnectionRecord = {
        id, providerId: k.providerId, keyId: k.keyId, userId: k.userId, agentId: k.agentId,
        scopes: grantedScopes,
        status: 'ok',
        generation,
        expiresAt: set.expiresAt,
        createdAt: existing?.createdAt ?? now,
        updatedAt: now,
        lastRefreshAt: opts.refreshed ? now : (existing?.lastRefreshAt ?? null),
        tokenCiphertext: this.#vault.seal(serializeTokenSet(set), connectionAad(id, generation)),
        label: existing?.label ?? opts.label ?? null,
        // Written without the flag first: the one-default index must never see two.
        isDefault: existing?.isDefault ?? false,
        source: existing?.source ?? opts.source ?? 'flow',
        installationId: opts.installationId ?? existing?.installationId ?? null,
        metadata: opts.metadata ?? existing?.metadata ?? null,
      };
      this.#store.connections.upsert(record);
      if (becomesDefault) {
        this.#store.connections.setDefault(id);
        record.isDefault = true;
      }
      this.#cache.set(id, { generation, set });
      this.#backoff.delete(id);
      return record;
    });
  }

  /** Decrypt (cached per generation). A row that cannot be opened is marked needs_reauth (S26). */
  read(c: ConnectionRecord): TokenSet {
    const cached = this.#cache.get(c.id);
    if (cached && cached.generation === c.generation) return cached.set;
    if (!c.tokenCiphertext) throw new NeedsReauth(c.id);
    let set: TokenSet;
    try {
      set = parseTokenSet(this.#vault.open(c.tokenCiphertext, connectionAad(c.id, c.generation)));
    } catch (err) {
      if (err instanceof Unavailable) throw err;
      this.#markNeedsReauth(c, 'stored token set could not be decrypted');
      throw new NeedsReauth(c.id);
    }
    this.#cache.set(c.id, { generation: c.generation, set });
    return set;
  }

  /** A usable access token: refreshed first when it expires within the margin. */
  async fresh(c: ConnectionRecord): Promise<TokenSet> {
    if (c.status === 'needs_reauth') throw new NeedsReauth(c.id);
    const set = this.read(c);
    if (!this.#nearExpiry(set, c.providerId)) return set;
    if (!set.refreshToken) {
      if (set.expiresAt !== null && set.expiresAt <= this.#clock.now()) {
        this.#markNeedsReauth(c, 'access token expired and the provider gave no refresh token');
        throw new NeedsReauth(c.id);
      }
      return set;
    }
    return this.refresh(c.id);
  }

  isRefreshing(connectionId: string): boolean {
    return this.#inFlight.has(connectionId);
  }

  /**
   * Single-flight refresh of one connection. `force` (the owner's Refresh button) refreshes
   * even a token far from expiry; it still joins a refresh already in flight.
   */
  refresh(connectionId: string, options: { force?: boolean } = {}): Promise<TokenSet> {
    const running = this.#inFlight.get(connectionId);
    if (running) return running;
    const p = this.#refreshOnce(connectionId, options.force === true).finally(() => this.#inFlight.delete(connectionId));
    this.#inFlight.set(connectionId, p);
    return p;
  }

  async #refreshOnce(connectionId: string, force: boolean): Promise<TokenSet> {
    // Re-read after acquiring: another writer may already have rotated the set.
    const c = this.#store.connections.byId(connectionId);
    if (!c || c.status === 'needs_reauth') throw new NeedsReauth(connectionId);
    const current = this.read(c);
    if (!force && !this.#nearExpiry(current, c.providerId)) return current;
    if (!current.refreshToken) return current;
    const now = this.#clock.now();
    const backoff = this.#backoff.get(connectionId);
    if (!force && backoff && backoff.until > now) return this.#fallback(current, backoff.until - now);

    const provider = this.#providers.get(c.providerId);
    try {
      const res = await this.#oauth.refresh(this.#providers.clientConfig(provider), current.refreshToken ?? '', c.scopes);
      const next = tokenSetFromResponse(res, this.#clock.now(), current);
      const granted = parseGrantedScope(res.scope) ?? c.scopes;
      // Durable before anyone sees the new access token (S21).
      const saved = this.save(c, next, granted, { connectionId: c.id, refreshed: true });
      this.#log.info('token.refreshed', { connectionId, providerId: c.providerId, generation: saved.generation });
      this.#activity.record({ type: 'token.refreshed', ...this.#who(c), detail: next.refreshToken !== current.refreshToken ? 'refresh token rotated' : null });
      return next;
    } catch (err) {
      if (!(err instanceof UpstreamError)) throw err;
      if (err.kind === 'invalid_grant') {
        // S22: the set may have been rotated by someone else meanwhile; use it if so.
        const again = this.#store.connections.byId(connectionId);
        if (again && again.generation !== c.generation && again.status === 'ok') return this.read(again);
        this.#markNeedsReauth(c, err.message);
        throw new NeedsReauth(connectionId);
      }
      const failures = (backoff?.failures ?? 0) + 1;
      const delay = Math.min(BACKOFF_CAP_MS, BACKOFF_BASE_MS * 2 ** (failures - 1)) * (0.5 + this.#random() / 2);
      this.#backoff.set(connectionId, { failures, until: this.#clock.now() + delay });
      this.#log.warn('token.refresh_failed', { connectionId, providerId: c.providerId, kind: err.kind, failures, retryInMs: Math.round(delay) });
      this.#activity.record({ type: 'token.refresh_failed', ...this.#who(c), detail: `${err.message}; retrying in ${Math.round(delay / 1000)} s` });
      return this.#fallback(current, delay);
    }
  }

  /** Provider down or slow: an unexpired token is still good; an expired one is a 503. */
  #fallback(current: TokenSet, retryInMs: number): TokenSet {
    if (current.expiresAt === null || current.expiresAt > this.#clock.now()) return current;
    throw new Unavailable('The provider could not refresh the expired token just now (it is down or slow). Latchkey will retry; try again shortly.', 'refresh_unavailable', retryInMs / 1000);
  }

  #nearExpiry(set: TokenSet, providerId?: string): boolean {
    if (set.expiresAt === null) return false;
    const left = set.expiresAt - this.#clock.now();
    // Far from expiry under any margin: decided without looking the provider up (hot path).
    if (left > MAX_REFRESH_MARGIN_MS) return false;
    const provider = providerId === undefined ? undefined : this.#providers.find(providerId);
    const margin = (provider && quirksFor(provider).refreshMarginMs) ?? this.refreshMarginMs;
    return left <= Math.min(margin, MAX_REFRESH_MARGIN_MS);
  }

  #markNeedsReauth(c: ConnectionRecord, reason: string): void {
    const latest = this.#store.connections.byId(c.id) ?? c;
    this.#store.connections.upsert({ ...latest, status: 'needs_reauth', updatedAt: this.#clock.now() });
    this.#cache.delete(c.id);
    this.#log.warn('connection.needs_reauth', { connectionId: c.id, providerId: c.providerId, reason });
    this.#activity.record({ type: 'connection.needs_reauth', ...this.#who(c), detail: reason });
    this.#onNeedsReauth(latest, reason);
  }

  /**
   * Delete connections, revoking upstream first where the provider has an RFC 7009
   * endpoint. Local secrets go regardless of what the provider answers (S27).
   */
  async remove(connections: ConnectionRecord[], channel: string): Promise<void> {
    for (const c of connections) {
      const provider = this.#providers.find(c.providerId);
      let upstream = 'no revocation endpoint known';
      if (provider?.revocationUrl && c.tokenCiphertext) {
        upstream = 'revoked at the provider';
        try {
          const set = this.read(c);
          const cfg = this.#providers.clientConfig(provider);
          if (set.refreshToken) await this.#oauth.revoke(cfg, set.refreshToken, 'refresh_token');
          else await this.#oauth.revoke(cfg, set.accessToken, 'access_token');
        } catch (err) {
          upstream = `provider revocation failed (${err instanceof Error ? err.message : String(err)}); local secrets deleted anyway`;
          this.#log.warn('token.revocation_failed', { connectionId: c.id, providerId: c.providerId, error: err instanceof Error ? err.message : String(err) });
        }
      }
      this.#activity.record({ type: 'connection.revoked', ...this.#who(c), scopes: c.scopes, channel, detail: upstream });
      this.#store.transaction(() => {
        this.#store.connections.delete(c.id);
        // Bindings and grants named this account; nothing may move to another one.
        for (const a of this.#store.agentConnections.listForConnection(c.id)) this.#store.agentConnections.delete(a.id);
        this.#store.grants.revokeForConnection(c.id, this.#clock.now());
        // The namespace keeps a default while it has accounts: the most recently used one.
        if (c.isDefault) {
          const next = this.#store.connections.listIn(c.providerId, c.keyId, c.userId, c.agentId).sort((x, y) => y.updatedAt - x.updatedAt)[0];
          if (next) this.#store.connections.setDefault(next.id);
        }
      });
      this.#cache.delete(c.id);
      this.#backoff.delete(c.id);
    }
  }

  #who(c: Connection) {
    return { keyId: c.keyId, agentId: c.agentId, userId: c.userId, providerId: c.providerId };
  }

  forget(connectionId: string): void {
    this.#cache.delete(connectionId);
    this.#backoff.delete(connectionId);
  }
}
