/**
 * Approval grants: the owner's "yes" for (key, agent, user, provider, scope set) and one
 * account, for a while. A request whose scopes are a subset of a live grant for the account
 * it would get needs no new question; a grant never moves to another account (issue 14).
 */
import type { DecisionChannel, Grant, GrantDuration } from './model.ts';
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

  /** Remember "no" for a while; `once` remembers nothing. */
  createDenial(s: Subject, scopes: ScopeSet, duration: GrantDuration, via: DecisionChannel): Grant | null {
    return duration === 'once' ? null : this.#insert(s, scopes, duration, via, 'deny', null);
  }

  /** A fresh "yes" overrides earlier remembered denials for the same subject. */
  liftDenials(s: Subject): void {
    for (const d of this.#live(s, 'deny')) this.#store.grants.revoke(d.id, this.#clock.now());
  }

  byId(id: string): Grant | undefined {
    return this.#store.grants.byId(id);
  }

  /** @param connectionId the account approved; null while the approved flow has not produced one yet. */
  create(s: Subject, scopes: ScopeSet, duration: GrantDuration, via: DecisionChannel, connectionId: string | null): Grant {
    return this.#insert(s, scopes, duration, via, 'allow', connectionId);
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

  /** Count one token release against a single-use grant. */
  spend(g: Grant): void {
    if (g.usesLeft !== null) this.#store.grants.spend(g.id);
  }

  list(): Grant[] {
    return this.#store.grants.listAll(this.#clock.now());
  }

  revoke(id: string): void {
    this.#store.grants.revoke(id, this.#clock.now());
  }
}
