/**
 * The heart of the broker: `authenticate`, `wait` and the owner's decisions
 * (agent-auth-api.md §4, design.md §4–§5).
 *
 * authenticate answers `completed` only when a connection holds the requested scopes, a
 * live grant (or the auto-owner policy) covers the caller, and the token is fresh.
 * Everything else becomes a pending request the human decides on through `/start/<t>`.
 */
import type { AccountService } from './accounts.ts';
import type { ActivityLog } from './activity.ts';
import { BadRequest, NotFound, Unauthorized } from './errors.ts';
import { UNAUTHORIZED_DETAIL } from './keys.ts';
import type { EventBus } from './events.ts';
import type { GrantService } from './grants.ts';
import { type OwnerPrincipal, requireOwner } from './owner-principal.ts';
import { startLink } from './links.ts';
import type { Policy } from './policy.ts';
import { PROMPT_BUDGET, RateLimiter } from './rate-limits.ts';
import type { ApiKey, AuthRequest, Connection, Grant, GrantDuration } from './model.ts';
import type { Clock, ConnectionRecord, Ids, Logger, Store, AuthRequestRecord } from './ports.ts';
import type { ProviderService } from './providers.ts';
import { NeedsReauth, type ConnectionService } from './connections.ts';
import { type ScopeSet, isSubset, normalizeScopes, unionScopes } from './scopes.ts';
import { findTemplate } from './templates/catalog.ts';
import { WaitRegistry } from './waiters.ts';

export const PENDING_TTL_MS = 15 * 60_000;
export const DECIDED_KEEP_MS = 60 * 60_000;
export const MAX_WAIT_SECONDS = 600;
/**
 * An agent that neither holds a wait open nor asked again for this long has most likely
 * gone away (its process ended). The request stays decidable; the window says so.
 */
export const AGENT_GONE_AFTER_MS = 10_000;

/** Whether the agent behind a pending request still waits for the answer. */
export interface Presence {
  /** Open `wait` long-polls on the request right now. */
  waiting: number;
  /** The last time the agent asked about it (authenticate, or a wait starting or ending). */
  lastSeenAt: number;
  /** Nobody waits and nobody asked for AGENT_GONE_AFTER_MS. */
  gone: boolean;
}

const KEY_REVOKED_DETAIL = 'The Latchkey owner revoked the API key this request was made with.';

/** S38: a remembered denial says until when, and that asking again will not prompt the owner before then. */
export function rememberedDenialDetail(denial: Pick<Grant, 'expiresAt'>): string {
  const until = denial.expiresAt === null ? 'until they lift the denial in Latchkey' : `until ${new Date(denial.expiresAt).toISOString()}`;
  return `The Latchkey owner denied this request ${until}; asking again will not prompt them before then.`;
}


export interface AuthenticateInput {
  provider: string;
  scopes: readonly string[];
  userId?: string | null | undefined;
  agentId?: string | null | undefined;
  forceNew?: boolean | undefined;
  checkOnly?: boolean | undefined;
  /** The account to use (`token_id`); absent: the agent's bound account, else the default. */
  tokenId?: string | null | undefined;
  /** A new account made by the flow becomes the default (upstream default true). */
  isDefault?: boolean | null | undefined;
  /** LangSmith user id: shown to the human and logged, never part of any key. */
  lsUserId?: string | null | undefined;
  /** An allowed redirect URI other than Latchkey's own (checked by #checkedRedirectUri). */
  redirectUri?: string | null | undefined;
}

export interface AuthenticateResult {
  status: 'completed' | 'pending';
  url: string | null;
  authId: string | null;
  token: string | null;
  expiresAt: number | null;
  /** The user id the request was resolved to (`default` when the agent sent none). */
  userId: string;
  /** The account released, on `completed`. */
  account: { id: string; label: string | null } | null;
}

export type WaitResult =
  | { status: 'completed'; token: string; expiresAt: number | null }
  | { status: 'timeout' | 'not_found'; token: null }
  | { status: 'denied' | 'failed'; token: null; detail: string };

type Released = Exclude<WaitResult, { status: 'timeout' | 'not_found' }>;

export class AuthRequests {
  readonly #store: Store;
  readonly #clock: Clock;
  readonly #ids: Ids;
  readonly #log: Logger;
  readonly #events: EventBus;
  readonly #providers: ProviderService;
  readonly #connections: ConnectionService;
  readonly #accounts: AccountService;
  readonly #grants: GrantService;
  readonly #baseUrl: () => string;
  readonly #policy: Policy;
  readonly #activity: ActivityLog;
  readonly #keyLabel: (keyId: string) => string;
  readonly #keyActive: (keyId: string) => boolean;
  readonly #prompts: RateLimiter;
  readonly waiters = new WaitRegistry<Released>();
  readonly #redirectUri: (providerId: string) => string;
  /** auth id → last time its agent asked (memory only: after a restart, creation time counts). */
  readonly #lastSeen = new Map<string, number>();

  constructor(deps: {
    store: Store; clock: Clock; ids: Ids; logger: Logger; events: EventBus; providers: ProviderService;
    connections: ConnectionService; accounts: AccountService; grants: GrantService; baseUrl: () => string; policy: Policy; activity: ActivityLog;
    keyLabel: (keyId: string) => string; keyActive: (keyId: string) => boolean; redirectUri: (providerId: string) => string;
  }) {
    this.#accounts = deps.accounts;
    this.#redirectUri = deps.redirectUri;
    this.#activity = deps.activity;
    this.#prompts = new RateLimiter(deps.clock, PROMPT_BUDGET, 'This API key is asking for too many new approvals; wait a moment (identical requests share one prompt, so retrying the same call is fine).');
    this.#store = deps.store;
    this.#clock = deps.clock;
    this.#ids = deps.ids;
    this.#log = deps.logger;
    this.#events = deps.events;
    this.#providers = deps.providers;
    this.#connections = deps.connections;
    this.#grants = deps.grants;
    this.#baseUrl = deps.baseUrl;
    this.#policy = deps.policy;
    this.#keyLabel = deps.keyLabel;
    this.#keyActive = deps.keyActive;
  }

  async authenticate(key: ApiKey, input: AuthenticateInput): Promise<AuthenticateResult> {
    const provider = this.#providers.get(input.provider);
    const subject = { keyId: key.id, providerId: provider.providerId, userId: input.userId ?? 'default', agentId: input.agentId ?? null };
    const scopes = normalizeScopes(input.scopes);
    const redirectUri = this.#checkedRedirectUri(provider.providerId, provider.allowedRedirectUris, input.redirectUri ?? null);
    const { account: conn, pinned } = this.#accounts.resolve(key, subject, input.tokenId ?? null);
    // policy.ts documents the precedence: denial, grant, trust rule, auto-owner mode, ask.
    const { denial, grant } = this.#grants.decisionFor(subject, scopes, conn?.id ?? null);
    const byPolicy = denial || grant ? null : this.#policy.allowsWithoutAsking(key, subject.providerId, subject.agentId, scopes);
    let approved = !denial && (grant !== undefined || byPolicy !== null);
    const pending = (): AuthenticateResult => ({ status: 'pending', url: null, authId: null, token: null, expiresAt: null, userId: subject.userId, account: null });

    if (!input.forceNew && approved && conn?.status === 'ok' && isSubset(scopes, conn.scopes)) {
      // check_only must not spend a single-use grant.
      const release = !(input.checkOnly && grant?.usesLeft != null);
      if (release) {
        try {
          const set = await this.#connections.fresh(conn);
          // S38: spent at release, with no await between the spend and the answer; a caller
          // that loses the race for a single-use grant is asked like any other.
          // S37: a key revoked while this call waited on a refresh gets nothing, not even a request.
          if (!this.#keyActive(key.id)) throw new Unauthorized(UNAUTHORIZED_DETAIL);
          if (!grant || this.#grants.trySpend(grant)) {
            this.#activity.record({ type: 'token.released', channel: 'authenticate', keyId: key.id, keyLabel: key.label, ...this.#who(subject), scopes, decision: `by ${byPolicy?.by ?? 'grant'}`, detail: this.#lsDetail(input.lsUserId) });
            return { status: 'completed', url: null, authId: null, token: set.accessToken, expiresAt: set.expiresAt, userId: subject.userId, account: { id: conn.id, label: conn.label } };
          }
          approved = false;
        } catch (err) {
          if (!(err instanceof NeedsReauth)) throw err;
        }
      }
    }
    if (input.checkOnly) return pending();

    const now = this.#clock.now();
    // A pinned account (named, or bound to the agent) is the one a flow reconnects.
    const tokenId = pinned && conn ? conn.id : null;
    const dedupeKey = JSON.stringify([key.id, subject.providerId, subject.userId, subject.agentId, scopes, input.forceNew === true, tokenId, redirectUri, input.isDefault ?? true]);
    const existing = this.#store.requests.findPending(dedupeKey, now) ?? (denial ? this.#store.requests.findLatest(dedupeKey) : undefined);
    if (existing && this.#isLive(existing) && (existing.status === 'pending' || (denial && existing.status === 'denied'))) {
      this.#touch(existing.authId);
      return this.#pendingAnswer(existing, subject.userId);
    }
    if (!denial) this.#prompts.take(key.id);

    // Re-read: fresh() may just have marked the connection needs_reauth.
    const current = conn ? this.#connections.byId(conn.id) : undefined;
    const held: ScopeSet = current?.status === 'ok' ? current.scopes : [];
    const request: AuthRequestRecord = {
      authId: `lk-auth-${this.#ids.token(18)}`,
      startToken: this.#ids.token(32),
      dedupeKey,
      keyId: key.id,
      providerId: subject.providerId,
      userId: subject.userId,
      agentId: subject.agentId,
      scopes,
      // `scopes: []` (LangChain's tool server sends it) asks for the template's defaults when nothing is held yet.
      consentScopes: unionScopes(held, scopes.length === 0 && held.length === 0 ? normalizeScopes(findTemplate(provider.templateId)?.defaultScopes ?? []) : scopes),
      status: 'pending',
      approved,
      // Consent is not needed when the only thing missing is the owner's approval.
      needsConsent: !(current?.status === 'ok' && isSubset(scopes, current.scopes) && input.forceNew !== true),
      autoApproved: byPolicy !== null,
      forceNew: input.forceNew === true,
      tokenId,
      makeDefault: input.isDefault ?? true,
      lsUserId: input.lsUserId ?? null,
      redirectUri,
      grantDuration: null,
      decidedVia: byPolicy !== null || denial ? 'policy' : null,
      connectionId: null,
      detail: null,
      createdAt: now,
      expiresAt: now + PENDING_TTL_MS,
      decidedAt: null,
    };
    this.#store.requests.insert(request);
    this.#touch(request.authId);
    if (denial) {
      // A remembered "no": answered at once, no question for the human (S38: say until when).
      this.#finish(request, 'denied', rememberedDenialDetail(denial));
      return this.#pendingAnswer(request, subject.userId);
    }
    this.#log.info('request.created', { authId: request.authId, keyLabel: key.label, providerId: request.providerId, userId: request.userId, agentId: request.agentId, scopes, needsConsent: request.needsConsent, approved });
    this.#activity.record({ type: 'request.created', keyId: key.id, keyLabel: key.label, ...this.#who(subject), scopes, authId: request.authId, decision: approved ? `approved by ${byPolicy?.by ?? 'grant'}` : null, detail: [request.needsConsent ? 'provider consent needed' : null, this.#lsDetail(input.lsUserId)].filter(Boolean).join('; ') || null });
    // S39: a policy approval is a decision of its own, recorded with its channel and rule.
    if (byPolicy) this.#activity.record({ type: 'request.approved', keyId: key.id, keyLabel: key.label, ...this.#who(subject), scopes, authId: request.authId, decision: `approved by ${byPolicy.by}`, channel: byPolicy.channel });
    this.#events.emit('request.created', {
      authId: request.authId, providerId: request.providerId, keyLabel: key.label, agentId: request.agentId,
      userId: request.userId, scopes, needsConsent: request.needsConsent, needsApproval: !approved,
    });
    return this.#pendingAnswer(request, subject.userId);
  }

  /** `redirect_uri`: only Latchkey's own loopback callback or one the provider allows, exactly (RFC 9700 §4.1.3). */
  #checkedRedirectUri(providerId: string, allowed: readonly string[], asked: string | null): string | null {
    if (asked === null || asked === this.#redirectUri(providerId)) return null;
    if (allowed.includes(asked)) return asked;
    throw new BadRequest(`redirect_uri '${asked}' is not allowed for provider '${providerId}': use ${this.#redirectUri(providerId)} (Latchkey's callback) or add it to the provider's allowed_redirect_uris.`, 'redirect_uri_not_allowed');
  }

  #lsDetail(lsUserId: string | null | undefined): string | null {
    return lsUserId ? `LangSmith user ${lsUserId}` : null;
  }

  #who(s: { agentId: string | null; userId: string; providerId: string }) {
    return { agentId: s.agentId, userId: s.userId, providerId: s.providerId };
  }

  startUrl(r: AuthRequest): string {
    return startLink(this.#baseUrl(), r.startToken);
  }

  #pendingAnswer(r: AuthRequest, userId: string): AuthenticateResult {
    return { status: 'pending', url: this.startUrl(r), authId: r.authId, token: null, expiresAt: null, userId, account: null };
  }

  /**
   * The owner's Reconnect button for a connection (say, one that needs re-auth): a request
   * in the connection's own namespace, approved by the owner, waiting only for consent.
   */
  reconnect(owner: OwnerPrincipal, conn: Connection): AuthRequestRecord {
    const via = requireOwner(owner).channel;
    const now = this.#clock.now();
    const request: AuthRequestRecord = {
      authId: `lk-auth-${this.#ids.token(18)}`, startToken: this.#ids.token(32),
      dedupeKey: JSON.stringify(['reconnect', conn.id, now]), keyId: conn.keyId, providerId: conn.providerId,
      userId: conn.userId, agentId: conn.agentId, scopes: conn.scopes, consentScopes: conn.scopes, status: 'pending',
      approved: true, needsConsent: true, autoApproved: false, forceNew: true, tokenId: conn.id, makeDefault: false, lsUserId: null,
      redirectUri: null, grantDuration: null, decidedVia: via,
      connectionId: null, detail: null, createdAt: now, expiresAt: now + PENDING_TTL_MS, decidedAt: null,
    };
    this.#store.requests.insert(request);
    this.#activity.record({ type: 'connection.reconnect', keyId: conn.keyId, keyLabel: this.#keyLabel(conn.keyId), ...this.#who(conn), scopes: conn.scopes, authId: request.authId, channel: via });
    return request;
  }

  /** The request as the caller's key may see it: someone else's id is simply not found (S16). */
  #visible(key: ApiKey, authId: string): AuthRequestRecord | undefined {
    const r = this.#store.requests.get(authId);
    if (!r || r.keyId !== key.id) return undefined;
    return this.#isLive(r) ? r : undefined;
  }

  #isLive(r: AuthRequest): boolean {
    const now = this.#clock.now();
    return r.status === 'pending' ? r.expiresAt > now : (r.decidedAt ?? 0) + DECIDED_KEEP_MS > now;
  }

  #shuttingDown = false;

  /** Shutdown (S30): open waits are answered `timeout` and new ones are not held. */
  shutdown(): void {
    this.#shuttingDown = true;
    this.waiters.releaseAll();
  }

  async wait(key: ApiKey, authId: string, timeoutSeconds: number, signal?: AbortSignal): Promise<WaitResult> {
    const r = this.#visible(key, authId);
    if (!r) return { status: 'not_found', token: null };
    if (r.status !== 'pending') return this.#answerFor(r);
    if (this.#shuttingDown) return { status: 'timeout', token: null };
    const seconds = Math.min(Math.max(timeoutSeconds, 0), MAX_WAIT_SECONDS);
    const remaining = Math.max(0, r.expiresAt - this.#clock.now());
    this.#touch(authId);
    let outcome: Released | 'timeout';
    try {
      outcome = await this.waiters.wait(authId, Math.min(seconds * 1000, remaining), signal, key.id);
    } finally {
      this.#touch(authId);
    }
    if (outcome !== 'timeout') return outcome;
    // A decision may have landed in the same tick as the timer (S28): answer it rather than `timeout`.
    const again = this.#store.requests.get(authId);
    if (again && again.status !== 'pending') return this.#answerFor(again);
    return { status: 'timeout', token: null };
  }

  /**
   * The answer for a decided request. A completed one releases its token only if, at this
   * moment, the key is still active (S37) and an approval still covers it; a single-use
   * grant is spent here, synchronously after the last await, so one release is all it
   * gives (S38) — to the waiters of the request, or to a later authenticate, never both.
   */
  async #answerFor(r: AuthRequest): Promise<Released> {
    if (r.status === 'denied' || r.status === 'failed') return { status: r.status, token: null, detail: r.detail ?? `The request was ${r.status}.` };
    const conn = r.connectionId ? this.#connections.byId(r.connectionId) : undefined;
    if (!conn) return { status: 'failed', token: null, detail: 'The connection for this request was removed. Call authenticate again.' };
    let set;
    try {
      set = await this.#connections.fresh(conn);
    } catch (err) {
      if (err instanceof NeedsReauth) return { status: 'failed', token: null, detail: 'The connection needs the owner to reconnect it. Call authenticate again for a new link.' };
      throw err;
    }
    if (!this.#keyActive(r.keyId)) return { status: 'denied', token: null, detail: KEY_REVOKED_DETAIL };
    if (!r.autoApproved) {
      const grant: Grant | undefined = this.#grants.decisionFor(r, r.scopes, conn.id).grant;
      if (!grant || !this.#grants.trySpend(grant)) {
        return { status: 'failed', token: null, detail: 'The approval for this request was already used (an "once" approval releases one token) or was revoked. Call authenticate again to ask the owner.' };
      }
    }
    return { status: 'completed', token: set.accessToken, expiresAt: set.expiresAt };
  }

  // ---- owner side -------------------------------------------------------------------

  /** A request by its `/start/<t>` token, while it is still worth showing. */
  byStartToken(t: string): AuthRequestRecord | undefined {
    const r = this.#store.requests.byStartToken(t);
    return r && this.#isLive(r) ? r : undefined;
  }

  get(authId: string): AuthRequestRecord | undefined {
    const r = this.#store.requests.get(authId);
    return r && this.#isLive(r) ? r : undefined;
  }

  #touch(authId: string): void {
    this.#lastSeen.set(authId, this.#clock.now());
  }

  /** Is anyone still waiting for this request's answer? */
  presence(r: AuthRequest): Presence {
    const waiting = this.waiters.count(r.authId);
    const lastSeenAt = this.#lastSeen.get(r.authId) ?? r.createdAt;
    return { waiting, lastSeenAt, gone: waiting === 0 && this.#clock.now() - lastSeenAt > AGENT_GONE_AFTER_MS };
  }

  listPending(): AuthRequestRecord[] {
    return this.#store.requests.listPending(this.#clock.now());
  }

  #decidable(authId: string): AuthRequestRecord {
    const r = this.get(authId);
    if (!r) throw new NotFound(`No pending request '${authId}'. It may have expired (requests live 15 minutes); the agent can call authenticate again.`);
    if (r.status !== 'pending') throw new BadRequest(`Request '${authId}' is already ${r.status}.`, 'already_decided');
    return r;
  }

  /**
   * The owner says yes. A grant for `duration` is recorded at once; when no consent is
   * needed the request completes now, otherwise it waits for the provider consent.
   */
  async approve(owner: OwnerPrincipal, authId: string, duration: GrantDuration): Promise<{ request: AuthRequestRecord; consentRequired: boolean }> {
    const via = requireOwner(owner).channel;
    const r = this.#decidable(authId);
    const account = this.accountOf(r);
    const releasable = !r.needsConsent && account?.status === 'ok' && isSubset(r.scopes, account.scopes);
    if (!r.approved || r.grantDuration === null) {
      this.#grants.liftDenials(r);
      // The "yes" names the account it releases; one a consent will produce is named then.
      this.#grants.create(owner, r, r.scopes, duration, releasable ? account.id : r.tokenId);
      r.approved = true;
      r.grantDuration = duration;
      r.decidedVia = via;
      this.#store.requests.update(r);
      this.#log.info('request.approved', { authId, via, duration, keyLabel: this.#keyLabel(r.keyId), providerId: r.providerId });
      this.#activity.record({ type: 'request.approved', keyId: r.keyId, keyLabel: this.#keyLabel(r.keyId), ...this.#who(r), scopes: r.scopes, authId, decision: `approved ${duration}`, channel: via });
      this.#events.emit('request.decided', { authId, status: 'approved', via });
    }
    if (!r.needsConsent) {
      if (releasable) {
        this.complete(r, account);
        return { request: r, consentRequired: false };
      }
      r.needsConsent = true;
      this.#store.requests.update(r);
    }
    return { request: r, consentRequired: true };
  }

  /** The accounts the owner may pick for a request: its namespace's, and the one it pinned. */
  accountChoices(r: AuthRequestRecord): ConnectionRecord[] {
    const own = this.#store.connections.listIn(r.providerId, r.keyId, r.userId, r.agentId);
    const pinned = r.tokenId !== null && !own.some((c) => c.id === r.tokenId) ? this.#connections.byId(r.tokenId) : undefined;
    return pinned ? [pinned, ...own] : own;
  }

  /**
   * Before approving, the owner picks the account (the /start page's "use an existing
   * account" / "reconnect"), or null for a new sign-in. What consent is needed follows.
   */
  chooseAccount(authId: string, connectionId: string | null): void {
    const r = this.#decidable(authId);
    if (connectionId === null) {
      r.tokenId = null;
      r.forceNew = true;
      r.needsConsent = true;
    } else {
      const account = this.accountChoices(r).find((c) => c.id === connectionId);
      if (!account) throw new BadRequest('That account is not one this request can use. Reload the page and choose again.', 'unknown_account');
      if (account.id === r.tokenId || (r.tokenId === null && account.isDefault && !r.forceNew)) return;
      r.tokenId = account.id;
      r.needsConsent = !(account.status === 'ok' && isSubset(r.scopes, account.scopes));
      r.consentScopes = unionScopes(account.status === 'ok' ? account.scopes : [], r.scopes);
    }
    this.#store.requests.update(r);
  }

  /** The account a request is about: the one it pinned, else its namespace's default. */
  accountOf(r: AuthRequestRecord): ConnectionRecord | undefined {
    return r.tokenId !== null ? this.#connections.byId(r.tokenId) : this.#connections.find(r);
  }

  /** The owner says no; with `remember`, identical requests are denied without asking for that long. */
  deny(owner: OwnerPrincipal, authId: string, remember: GrantDuration = 'once'): AuthRequestRecord {
    const via = requireOwner(owner).channel;
    const r = this.#decidable(authId);
    r.decidedVia = via;
    const remembered = this.#grants.createDenial(owner, r, r.scopes, remember);
    this.#activity.record({ type: 'request.denied', keyId: r.keyId, keyLabel: this.#keyLabel(r.keyId), ...this.#who(r), scopes: r.scopes, authId, decision: remember === 'once' ? 'denied' : `denied ${remember}`, channel: via });
    this.#finish(r, 'denied', remembered ? rememberedDenialDetail(remembered) : 'The Latchkey owner denied this request. Ask them, or call authenticate again to ask anew.');
    return r;
  }

  /** The provider consent produced (or renewed) a connection: logged, then the request completes. */
  completeWithNewConnection(r: AuthRequestRecord, conn: Connection): void {
    this.#activity.record({ type: 'connection.created', keyId: r.keyId, keyLabel: this.#keyLabel(r.keyId), ...this.#who(r), scopes: conn.scopes, authId: r.authId, channel: 'consent' });
    this.complete(r, conn);
  }

  /**
   * A key was revoked (S37): its pending requests leave the Pending list at once, answered
   * `denied` to anyone waiting (events tell the UI and tray). Returns how many.
   */
  cancelForKey(owner: OwnerPrincipal, keyId: string): number {
    const via = requireOwner(owner).channel;
    const mine = this.listPending().filter((r) => r.keyId === keyId);
    for (const r of mine) {
      r.decidedVia = via;
      this.#activity.record({ type: 'request.cancelled', keyId: r.keyId, keyLabel: this.#keyLabel(r.keyId), ...this.#who(r), scopes: r.scopes, authId: r.authId, channel: via, detail: 'API key revoked' });
      this.#finish(r, 'denied', KEY_REVOKED_DETAIL);
    }
    return mine.length;
  }

  /** The provider flow produced a connection: release every waiter with its token. */
  complete(r: AuthRequestRecord, conn: Connection): void {
    r.connectionId = conn.id;
    this.#grants.bindPending(r, conn.id);
    r.needsConsent = false;
    this.#finish(r, 'completed', null);
    this.#activity.record({ type: 'token.released', channel: 'wait', keyId: r.keyId, keyLabel: this.#keyLabel(r.keyId), ...this.#who(r), scopes: r.scopes, authId: r.authId });
  }

  fail(r: AuthRequestRecord, detail: string): void {
    this.#activity.record({ type: 'request.failed', keyId: r.keyId, keyLabel: this.#keyLabel(r.keyId), ...this.#who(r), scopes: r.scopes, authId: r.authId, detail });
    this.#finish(r, 'failed', detail);
  }

  #finish(r: AuthRequestRecord, status: 'completed' | 'denied' | 'failed', detail: string | null): void {
    r.status = status;
    r.detail = detail;
    r.decidedAt = this.#clock.now();
    this.#lastSeen.delete(r.authId);
    this.#store.requests.update(r);
    this.#log.info(`request.${status}`, { authId: r.authId, via: r.decidedVia, providerId: r.providerId });
    this.#events.emit('request.decided', { authId: r.authId, status, via: r.decidedVia });
    // Only computed when someone waits on this request: computing it may spend a single-use grant.
    if (this.waiters.waitingOn(r.authId) === 0) return;
    void this.#answerFor(r).then(
      (answer) => { this.waiters.release(r.authId, answer); },
      (err: unknown) => {
        this.#log.error('wait.release_failed', { authId: r.authId, error: err instanceof Error ? err.message : String(err) });
        this.waiters.release(r.authId, { status: 'failed', token: null, detail: 'Latchkey could not read the new token. Call authenticate again.' });
      },
    );
  }

  prune(): number {
    const now = this.#clock.now();
    for (const id of [...this.#lastSeen.keys()]) {
      const r = this.#store.requests.get(id);
      if (!r || r.status !== 'pending' || r.expiresAt <= now) this.#lastSeen.delete(id);
    }
    return this.#store.requests.prune(now - DECIDED_KEEP_MS, now - DECIDED_KEEP_MS);
  }
}
