/**
 * Refresh: when a token set is due, and the single-flight refresh of one connection
 * (design.md §5, S20–S23). Every caller — authenticate, the background sweep, the owner's
 * "Refresh now" — goes through `TokenRefresher.refresh`, so the rule lives here only.
 *
 * When a set is due: when less than min(margin, a quarter of the set's lifetime) is left.
 * The margin (5 min, template-tunable) alone would make a 5-minute token — Keycloak's
 * default, common for MCP servers — due the moment it is issued, so every authenticate
 * would refresh it (issue 12 §1). Bounding it by a quarter of the lifetime keeps three
 * quarters of every token's life for use, and a freshly issued token is never due.
 *
 * One in-flight refresh per connection; the stored set is re-read after acquiring it; the
 * rotated set is committed before any caller sees the new access token; `invalid_grant` on
 * an unchanged set marks the connection `needs_reauth`; transient failures back off and
 * never revoke.
 */
import type { ActivityLog } from './activity.ts';
import { Unavailable } from './errors.ts';
import type { TokenSet } from './model.ts';
import type { Clock, ConnectionRecord, Logger, OAuthClient } from './ports.ts';
import type { ProviderService } from './providers.ts';
import { type ScopeSet, parseGrantedScope } from './scopes.ts';
import { quirksFor } from './templates/quirks.ts';
import { tokenSetFromResponse } from './token-sets.ts';
import { UpstreamError } from './upstream-error.ts';

export const DEFAULT_REFRESH_MARGIN_MS = 5 * 60_000;
/** Templates may tune the margin, up to this. */
export const MAX_REFRESH_MARGIN_MS = 60 * 60_000;
/** A set is due when less than this share of its lifetime is left (and less than the margin). */
export const LIFETIME_FRACTION = 1 / 4;
const BACKOFF_BASE_MS = 2_000;
const BACKOFF_CAP_MS = 5 * 60_000;

/**
 * How long before expiry a set becomes due, or null when it never is by time (no expiry).
 * A set stored before issue times were recorded has an unknown lifetime: the margin alone
 * applies to it, once — the refresh records the issue time of its successor.
 */
export function refreshLeadMs(set: TokenSet, marginMs: number): number | null {
  if (set.expiresAt === null) return null;
  const margin = Math.min(marginMs, MAX_REFRESH_MARGIN_MS);
  if (set.issuedAt === undefined) return margin;
  const lifetime = Math.max(0, set.expiresAt - set.issuedAt);
  return Math.min(margin, lifetime * LIFETIME_FRACTION);
}

/** The epoch ms at which the set becomes due, or null when never. */
export function refreshDueAt(set: TokenSet, marginMs: number): number | null {
  const lead = refreshLeadMs(set, marginMs);
  return lead === null || set.expiresAt === null ? null : set.expiresAt - lead;
}

/**
 * Whether the set is due at `now` — or will be within `aheadMs` (the sweep looks one pass
 * ahead). A set whose lifetime is used up is always due.
 */
export function isDue(set: TokenSet, now: number, marginMs: number, aheadMs = 0): boolean {
  const dueAt = refreshDueAt(set, marginMs);
  if (dueAt === null || set.expiresAt === null) return false;
  return set.expiresAt <= now || dueAt <= now + aheadMs;
}

export interface RefreshOptions {
  /** Refresh even if the set is not due (the owner's "Refresh now", the idle keepalive). */
  force?: boolean;
  /** Call the provider even while backing off after a failure (the owner's "Refresh now" only). */
  ignoreBackoff?: boolean;
  /** Treat the set as due if it will be within this many ms (the sweep's look-ahead). */
  aheadMs?: number;
}

/** What the refresher needs of the connection store: reading, committing, giving up. */
export interface RefreshTarget {
  byId(id: string): ConnectionRecord | undefined;
  read(c: ConnectionRecord): TokenSet;
  /** Commit a refreshed set in one transaction; bumps the generation. */
  commitRefreshed(c: ConnectionRecord, set: TokenSet, granted: ScopeSet): ConnectionRecord;
  markNeedsReauth(c: ConnectionRecord, reason: string): void;
}

/** The connection exists but a human must consent again (S22). */
export class NeedsReauth extends Error {
  readonly connectionId: string;
  constructor(connectionId: string) {
    super('connection needs re-authorization');
    this.connectionId = connectionId;
  }
}

interface Backoff { failures: number; until: number }

export class TokenRefresher {
  readonly #target: RefreshTarget;
  readonly #clock: Clock;
  readonly #oauth: OAuthClient;
  readonly #providers: ProviderService;
  readonly #log: Logger;
  readonly #activity: ActivityLog;
  readonly #random: () => number;
  readonly marginMs: number;
  readonly #inFlight = new Map<string, Promise<TokenSet>>();
  readonly #backoff = new Map<string, Backoff>();

  constructor(deps: {
    target: RefreshTarget; clock: Clock; oauth: OAuthClient; providers: ProviderService; logger: Logger;
    activity: ActivityLog; random: () => number; marginMs: number;
  }) {
    this.#target = deps.target;
    this.#clock = deps.clock;
    this.#oauth = deps.oauth;
    this.#providers = deps.providers;
    this.#log = deps.logger;
    this.#activity = deps.activity;
    this.#random = deps.random;
    this.marginMs = deps.marginMs;
  }

  /** The margin for this connection's provider: the template's, else the broker's. */
  marginFor(providerId: string): number {
    const provider = this.#providers.find(providerId);
    return (provider && quirksFor(provider).refreshMarginMs) ?? this.marginMs;
  }

  isDue(c: ConnectionRecord, set: TokenSet, aheadMs = 0): boolean {
    const now = this.#clock.now();
    // Far from expiry under any margin: decided without looking the provider up (hot path).
    if (set.expiresAt === null || set.expiresAt - now > MAX_REFRESH_MARGIN_MS + aheadMs) return false;
    return isDue(set, now, this.marginFor(c.providerId), aheadMs);
  }

  /** When the next refresh is due for this connection, or null when never by time. */
  dueAt(c: ConnectionRecord, set: TokenSet): number | null {
    return refreshDueAt(set, this.marginFor(c.providerId));
  }

  /** A usable access token: refreshed first when it is due. */
  async fresh(c: ConnectionRecord): Promise<TokenSet> {
    if (c.status === 'needs_reauth') throw new NeedsReauth(c.id);
    const set = this.#target.read(c);
    if (!this.isDue(c, set)) return set;
    if (!set.refreshToken) {
      if (set.expiresAt !== null && set.expiresAt <= this.#clock.now()) {
        this.#target.markNeedsReauth(c, 'access token expired and the provider gave no refresh token');
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
   * Single-flight refresh of one connection: a caller arriving while a refresh runs gets
   * that refresh's result, whatever its options. Without `force` a set that is not due is
   * returned as it is; without `ignoreBackoff` no call is made while backing off.
   */
  refresh(connectionId: string, options: RefreshOptions = {}): Promise<TokenSet> {
    const running = this.#inFlight.get(connectionId);
    if (running) return running;
    const p = this.#refreshOnce(connectionId, options).finally(() => this.#inFlight.delete(connectionId));
    this.#inFlight.set(connectionId, p);
    return p;
  }

  /** A new consent or a successful refresh ends any backoff; so does deleting the connection. */
  clearBackoff(connectionId: string): void {
    this.#backoff.delete(connectionId);
  }

  async #refreshOnce(connectionId: string, options: RefreshOptions): Promise<TokenSet> {
    // Re-read after acquiring: another writer may already have rotated the set.
    const c = this.#target.byId(connectionId);
    if (!c || c.status === 'needs_reauth') throw new NeedsReauth(connectionId);
    const current = this.#target.read(c);
    if (!options.force && !this.isDue(c, current, options.aheadMs ?? 0)) return current;
    if (!current.refreshToken) return current;
    const backoff = this.#backoff.get(connectionId);
    const now = this.#clock.now();
    if (!options.ignoreBackoff && backoff && backoff.until > now) return this.#fallback(current, backoff.until - now);

    const provider = this.#providers.get(c.providerId);
    try {
      const res = await this.#oauth.refresh(this.#providers.clientConfig(provider), current.refreshToken, c.scopes);
      const next = tokenSetFromResponse(res, this.#clock.now(), current);
      const granted = parseGrantedScope(res.scope) ?? c.scopes;
      // Durable before anyone sees the new access token (S21).
      const saved = this.#target.commitRefreshed(c, next, granted);
      this.#backoff.delete(connectionId);
      this.#log.info('token.refreshed', { connectionId, providerId: c.providerId, generation: saved.generation });
      this.#activity.record({ type: 'token.refreshed', ...who(c), detail: next.refreshToken !== current.refreshToken ? 'refresh token rotated' : null });
      return next;
    } catch (err) {
      if (!(err instanceof UpstreamError)) throw err;
      if (err.kind === 'invalid_grant') {
        // S22: the set may have been rotated by someone else meanwhile; use it if so.
        const again = this.#target.byId(connectionId);
        if (again && again.generation !== c.generation && again.status === 'ok') return this.#target.read(again);
        this.#target.markNeedsReauth(c, err.message);
        throw new NeedsReauth(connectionId);
      }
      const failures = (backoff?.failures ?? 0) + 1;
      const delay = Math.min(BACKOFF_CAP_MS, BACKOFF_BASE_MS * 2 ** (failures - 1)) * (0.5 + this.#random() / 2);
      this.#backoff.set(connectionId, { failures, until: this.#clock.now() + delay });
      this.#log.warn('token.refresh_failed', { connectionId, providerId: c.providerId, kind: err.kind, failures, retryInMs: Math.round(delay) });
      this.#activity.record({ type: 'token.refresh_failed', ...who(c), detail: `${err.message}; retrying in ${Math.round(delay / 1000)} s` });
      return this.#fallback(current, delay);
    }
  }

  /** Provider down or slow: an unexpired token is still good; an expired one is a 503. */
  #fallback(current: TokenSet, retryInMs: number): TokenSet {
    if (current.expiresAt === null || current.expiresAt > this.#clock.now()) return current;
    throw new Unavailable('The provider could not refresh the expired token just now (it is down or slow). Latchkey will retry; try again shortly.', 'refresh_unavailable', retryInMs / 1000);
  }
}

function who(c: ConnectionRecord) {
  return { keyId: c.keyId, agentId: c.agentId, userId: c.userId, providerId: c.providerId };
}
