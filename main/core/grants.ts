/**
 * Approval grants: the owner's "yes" for (key, agent, user, provider, scope set) and one
 * account, for a while. A request whose scopes are a subset of a live grant for the account
 * it would get needs no new question; a grant never moves to another account (issue 14).
 */
import { Forbidden } from './errors.ts';
import type { ApiKey, DecisionChannel, Grant, GrantDuration } from './model.ts';
import { type OwnerPrincipal, requireOwner } from './owner-principal.ts';
import type { Clock, Ids, Store } from './ports.ts';
import { type ScopeSet, isSubset } from './scopes.ts';

const HOUR = 3_600_000;

/** How long each choice lasts. `once` allows a single release within the hour decided requests are kept. */
export const GRANT_DURATIONS: Readonly<Record<GrantDuration, { ms: number | null; label: string }>> = {
  once: { ms: HOUR, label: 'Allow once' },
  '1h': { ms: HOUR, label: 'Allow for 1 hour' },
  '8h': { ms: 8 * HOUR, label: 'Allow for 8 hours' },
  '30d': { ms: 30 * 24 * HOUR, label: 'Allow for 30 days' },
  forever: { ms: null, label: 'Allow until revoked' },
};

export function isGrantDuration(v: unknown): v is GrantDuration {
  return typeof v === 'string' && Object.hasOwn(GRANT_DURATIONS, v);
}

/** Who a grant is for: the same shape as a connection's key. */
export interface Subject {
  keyId: string;
  providerId: string;
  userId: string;
  agentId: string | null;
}

export class GrantService {
  readonly #store: Store;
  readonly #clock: Clock;
  readonly #ids: Ids;

  constructor(deps: { store: Store; clock: Clock; ids: Ids }) {
    this.#store = deps.store;
    this.#clock = deps.clock;
    this.#ids = deps.ids;
  }

  /**
   * What the owner has already said about this request, in one read: a remembered denial
   * covering it (answered `denied` without a prompt), else the live grant covering it,
   * preferring durable grants over single-use ones.
   * @param connectionId the account the request would get (null: none yet). A denial covers
   *   every account; a "yes" only its own, or — while it names none — a request with none.
   */
  decisionFor(s: Subject, scopes: ScopeSet, connectionId: string | null): { denial: Grant | undefined; grant: Grant | undefined } {
    const live = this.#store.grants.listLive(s.keyId, s.providerId, s.userId, s.agentId, this.#clock.now()).filter((g) => isSubset(scopes, g.scopes));
    const denial = live.find((g) => g.effect === 'deny');
    if (denial) return { denial, grant: undefined };
    const allows = live.filter((g) => g.effect === 'allow' && g.connectionId === connectionId);
    return { denial: undefined, grant: allows.find((g) => g.usesLeft === null) ?? allows[0] };
  }

  #live(s: Subject, effect: Grant['effect']): Grant[] {
    return this.#store.grants.listLive(s.keyId, s.providerId, s.userId, s.agentId, this.#clock.now()).filter((g) => g.effect === effect);
  }

  /** Remember "no" for a while; `once` remembers nothing. Only the owner decides (S39). */
  createDenial(owner: OwnerPrincipal, s: Subject, scopes: ScopeSet, duration: GrantDuration): Grant | null {
    const via = requireOwner(owner).channel;
    return duration === 'once' ? null : this.#insert(s, scopes, duration, via, 'deny', null);
  }

  /** A fresh "yes" overrides earlier remembered denials for the same subject. */
  liftDenials(s: Subject): void {
    for (const d of this.#live(s, 'deny')) this.#store.grants.revoke(d.id, this.#clock.now());
  }

  byId(id: string): Grant | undefined {
    return this.#store.grants.byId(id);
  }

  /**
   * A grant is the owner's "yes"; nothing but an owner principal can make one (S39).
   * @param connectionId the account approved; null while the approved flow has not produced one yet.
   */
  create(owner: OwnerPrincipal, s: Subject, scopes: ScopeSet, duration: GrantDuration, connectionId: string | null = null): Grant {
    return this.#insert(s, scopes, duration, requireOwner(owner).channel, 'allow', connectionId);
  }

  /**
   * The one "yes" an API key can give (issue 14): the upstream owner-only routes that bind
   * an account to an agent or import a token for one. Only an owner-role key, checked here
   * again (the contract refuses agent keys first); it can grant only its own key's accounts.
   */
  createForOwnerKey(key: ApiKey, s: Subject, scopes: ScopeSet, connectionId: string): Grant {
    if (key.role !== 'owner' || key.revokedAt !== null || s.keyId !== key.id) throw new Forbidden('Only the owner key can bind its own accounts to an agent.', 'role_forbidden');
    return this.#insert(s, scopes, 'forever', 'api', 'allow', connectionId);
  }

  /** The approved flow produced this account: the subject's grants waiting for one now name it. */
  bindPending(s: Subject, connectionId: string): void {
    this.#store.grants.bindPending(s, connectionId);
  }

  #insert(s: Subject, scopes: ScopeSet, duration: GrantDuration, via: DecisionChannel, effect: Grant['effect'], connectionId: string | null): Grant {
    const now = this.#clock.now();
    const spec = GRANT_DURATIONS[duration];
    const grant: Grant = {
      id: this.#ids.uuid(), keyId: s.keyId, agentId: s.agentId, userId: s.userId, providerId: s.providerId,
      scopes, connectionId, expiresAt: spec.ms === null ? null : now + spec.ms, usesLeft: duration === 'once' && effect === 'allow' ? 1 : null,
      decidedVia: via, createdAt: now, revokedAt: null, effect,
    };
    this.#store.grants.insert(grant);
    return grant;
  }

  /**
   * Count one token release against a grant (S38). Durable grants always allow; a single-use
   * grant allows only the caller whose conditional update took its last use, so of any
   * number of concurrent callers exactly one is released. Call it synchronously just
   * before handing the token out, never before an await.
   */
  trySpend(g: Grant): boolean {
    return g.usesLeft === null || this.#store.grants.spend(g.id);
  }

  list(): Grant[] {
    return this.#store.grants.listAll(this.#clock.now());
  }

  revoke(id: string): void {
    this.#store.grants.revoke(id, this.#clock.now());
  }

  /** A revoked key's grants and remembered denials all end (S37). Returns how many. */
  revokeForKey(keyId: string): number {
    const mine = this.#store.grants.listAll(this.#clock.now()).filter((g) => g.keyId === keyId);
    for (const g of mine) this.#store.grants.revoke(g.id, this.#clock.now());
    return mine.length;
  }
}
