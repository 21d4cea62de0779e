/**
 * The background sweep (design.md §5): refreshes tokens before they are due so an agent's
 * authenticate rarely waits on a provider, and refreshes idle connections now and then
 * because providers revoke refresh tokens that go unused (Google after 6 months unused,
 * many others sooner). Runs through the same single-flight refresh as authenticate, with
 * the same due rule (core/refresh.ts) and the same backoff after a failure: a provider that
 * is down gets no more calls from the sweep than from authenticate.
 */
import { NeedsReauth, type ConnectionService } from './connections.ts';
import type { TokenSet } from './model.ts';
import type { Clock, ConnectionRecord, Logger, Store } from './ports.ts';
import { MAX_REFRESH_MARGIN_MS } from './refresh.ts';

/** How often the broker runs a pass. */
export const SWEEP_INTERVAL_MS = 60_000;
/** Refresh a connection that has not been refreshed (or created) for this long. */
export const IDLE_KEEPALIVE_MS = 7 * 24 * 3_600_000;

export class RefreshSweep {
  readonly #store: Store;
  readonly #clock: Clock;
  readonly #connections: ConnectionService;
  readonly #log: Logger;
  readonly #intervalMs: number;

  constructor(deps: { store: Store; clock: Clock; connections: ConnectionService; logger: Logger; intervalMs?: number }) {
    this.#store = deps.store;
    this.#clock = deps.clock;
    this.#connections = deps.connections;
    this.#log = deps.logger;
    this.#intervalMs = deps.intervalMs ?? SWEEP_INTERVAL_MS;
  }

  /** One pass; returns how many connections it refreshed. Failures are left to the connection's backoff and status. */
  async runOnce(): Promise<number> {
    const now = this.#clock.now();
    let refreshed = 0;
    for (const c of this.#store.connections.listAll()) {
      if (c.status !== 'ok' || !c.tokenCiphertext) continue;
      // Cheap filter from the row; the rule itself needs the decrypted set's lifetime.
      const nearExpiry = c.expiresAt !== null && c.expiresAt - now <= MAX_REFRESH_MARGIN_MS + this.#intervalMs;
      const idle = now - (c.lastRefreshAt ?? c.createdAt) >= IDLE_KEEPALIVE_MS;
      if (!nearExpiry && !idle) continue;
      try {
        const set = this.#connections.read(c);
        if (!set.refreshToken) continue;
        const due = this.#keepsFresh(set) && this.#connections.isDue(c, this.#intervalMs);
        if (!due && !idle) continue;
        // Keepalive refreshes a set that is not due (force); neither case ignores the backoff.
        await this.#connections.refresh(c.id, due ? { aheadMs: this.#intervalMs } : { force: true });
        if (this.#refreshedSince(c)) refreshed++;
      } catch (err) {
        if (!(err instanceof NeedsReauth)) this.#log.warn('sweep.refresh_failed', { connectionId: c.id, error: err instanceof Error ? err.message : String(err) });
      }
    }
    return refreshed;
  }

  /**
   * The sweep looks one pass ahead, so a token never becomes due between two passes — but
   * only for sets that live longer than two passes. Shorter-lived ones would be refreshed on
   * every pass while nobody uses them; authenticate refreshes those when they are due.
   */
  #keepsFresh(set: TokenSet): boolean {
    if (set.expiresAt === null || set.issuedAt === undefined) return true;
    return set.expiresAt - set.issuedAt > 2 * this.#intervalMs;
  }

  #refreshedSince(before: ConnectionRecord): boolean {
    return (this.#connections.byId(before.id)?.generation ?? before.generation) !== before.generation;
  }
}
