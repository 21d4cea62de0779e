/**
 * Connections: stored token sets, several accounts per namespace (provider, key, user,
 * agent), one of them the default (accounts.ts picks which one a request uses). Owns sealing
 * and the decrypted-token cache for the hot path; refresh lives in core/refresh.ts.
 */
import type { ActivityLog } from './activity.ts';
import { Unavailable } from './errors.ts';
import type { Connection, ConnectionSource, TokenSet } from './model.ts';
import type { Clock, ConnectionRecord, Ids, Logger, OAuthClient, Store, Vault } from './ports.ts';
import type { ProviderService } from './providers.ts';
import { DEFAULT_REFRESH_MARGIN_MS, NeedsReauth, TokenRefresher, type RefreshOptions } from './refresh.ts';
import type { ScopeSet } from './scopes.ts';
import { parseTokenSet, serializeTokenSet } from './token-sets.ts';

// Re-exported: callers have always found these here.
export { DEFAULT_REFRESH_MARGIN_MS, MAX_REFRESH_MARGIN_MS, NeedsReauth } from './refresh.ts';

export interface ConnectionKey {
  providerId: string;
  keyId: string;
  userId: string;
  agentId: string | null;
}

export function connectionAad(id: string, generation: number): string {
  return `connection:${id}:${generation}`;
}

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
  readonly #providers: ProviderService;
  readonly #oauth: OAuthClient;
  readonly #log: Logger;
  readonly #onNeedsReauth: (c: Connection, reason: string) => void;
  readonly #activity: ActivityLog;
  readonly refreshMarginMs: number;
  /** Decrypted sets by connection id, valid for one generation. */
  readonly #cache = new Map<string, { generation: number; set: TokenSet }>();
  readonly #refresher: TokenRefresher;

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
    this.refreshMarginMs = deps.refreshMarginMs ?? DEFAULT_REFRESH_MARGIN_MS;
    this.#onNeedsReauth = deps.onNeedsReauth;
    this.#refresher = new TokenRefresher({
      target: {
        byId: (id) => this.byId(id),
        read: (c) => this.read(c),
        commitRefreshed: (c, set, granted) => this.save(c, set, granted, { connectionId: c.id, refreshed: true }),
        markNeedsReauth: (c, reason) => this.markNeedsReauth(c, reason),
      },
      clock: deps.clock, oauth: deps.oauth, providers: deps.providers, logger: deps.logger,
      activity: deps.activity, random: deps.random ?? Math.random, marginMs: this.refreshMarginMs,
    });
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
  save(k: ConnectionKey, given: TokenSet, grantedScopes: ScopeSet, opts: SaveOptions = {}): ConnectionRecord {
    const now = this.#clock.now();
    // The issue time bounds the refresh margin by the set's lifetime (core/refresh.ts).
    const set: TokenSet = given.issuedAt === undefined ? { ...given, issuedAt: now } : given;
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
      this.#refresher.clearBackoff(id);
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
      this.markNeedsReauth(c, 'stored token set could not be decrypted');
      throw new NeedsReauth(c.id);
    }
    this.#cache.set(c.id, { generation: c.generation, set });
    return set;
  }

  /** A usable access token: refreshed first when it is due (core/refresh.ts). */
  fresh(c: ConnectionRecord): Promise<TokenSet> {
    return this.#refresher.fresh(c);
  }

  isRefreshing(connectionId: string): boolean {
    return this.#refresher.isRefreshing(connectionId);
  }

  /** Single-flight refresh of one connection; see TokenRefresher.refresh for the options. */
  refresh(connectionId: string, options: RefreshOptions = {}): Promise<TokenSet> {
    return this.#refresher.refresh(connectionId, options);
  }

  /** Whether the connection's set is due (or will be within `aheadMs`). */
  isDue(c: ConnectionRecord, aheadMs = 0): boolean {
    return this.#refresher.isDue(c, this.read(c), aheadMs);
  }

  /** When the connection's next refresh is due, or null when never by time. */
  nextRefreshAt(c: ConnectionRecord): number | null {
    return this.#refresher.dueAt(c, this.read(c));
  }

  /** Give up on the stored set: a human must consent again (S22, S26). */
  markNeedsReauth(c: ConnectionRecord, reason: string): void {
    const latest = this.#store.connections.byId(c.id) ?? c;
    this.#store.connections.upsert({ ...latest, status: 'needs_reauth', updatedAt: this.#clock.now() });
    this.#cache.delete(c.id);
    this.#log.warn('connection.needs_reauth', { connectionId: c.id, providerId: c.providerId, reason });
    this.#activity.record({ type: 'connection.needs_reauth', ...this.#who(c), detail: reason });
    this.#onNeedsReauth(latest, reason);
  }

  /**
   * S36: the provider's endpoints or client credentials changed from the Agent Auth API.
   * The stored token sets were issued by the old endpoint and must never be sent to the new
   * one, so they are dropped (not just flagged) and each connection moves to needs_reauth:
   * the owner reconnects, consenting at the new endpoint. Returns how many.
   */
  invalidateForProvider(providerId: string, reason: string): number {
    const affected = this.#store.connections.listAll().filter((c) => c.providerId === providerId);
    for (const c of affected) {
      this.#store.connections.upsert({ ...c, status: 'needs_reauth', tokenCiphertext: null, updatedAt: this.#clock.now() });
      this.#cache.delete(c.id);
      this.#refresher.clearBackoff(c.id);
      this.#log.warn('connection.needs_reauth', { connectionId: c.id, providerId, reason });
      this.#activity.record({ type: 'connection.needs_reauth', ...this.#who(c), detail: `${reason}; stored tokens dropped` });
      this.#onNeedsReauth(c, reason);
    }
    return affected.length;
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
      this.#refresher.clearBackoff(c.id);
    }
  }

  #who(c: Connection) {
    return { keyId: c.keyId, agentId: c.agentId, userId: c.userId, providerId: c.providerId };
  }

  forget(connectionId: string): void {
    this.#cache.delete(connectionId);
    this.#refresher.clearBackoff(connectionId);
  }
}
