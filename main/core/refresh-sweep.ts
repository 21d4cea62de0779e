/**
 * The background sweep (design.md §5): refreshes tokens before they expire so an agent's
 * authenticate never waits on a provider, and refreshes idle connections now and then
 * because providers revoke refresh tokens that go unused (Google after 6 months unused,
 * many others sooner). Runs through the same single-flight refresh as authenticate.
 */
import { NeedsReauth, type ConnectionService } from './connections.ts';
import type { Clock, Logger, Store } from './ports.ts';

/** Refresh a connection that has not been refreshed (or created) for this long. */
export const IDLE_KEEPALIVE_MS = 7 * 24 * 3_600_000;
/** Look this far ahead of the refresh margin, so one sweep interval never lets a token lapse. */
const LOOKAHEAD_MS = 2 * 60_000;

export class RefreshSweep {
  readonly #store: Store;
  readonly #clock: Clock;
  readonly #connections: ConnectionService;
  readonly #log: Logger;

  constructor(deps: { store: Store; clock: Clock; connections: ConnectionService; logger: Logger }) {
    this.#store = deps.store;
    this.#clock = deps.clock;
    this.#connections = deps.connections;
    this.#log = deps.logger;
  }

  /** One pass; returns how many connections it refreshed. Failures are left to the connection's backoff and status. */
  async runOnce(): Promise<number> {
    const now = this.#clock.now();
    let refreshed = 0;
    for (const c of this.#store.connections.listAll()) {
      if (c.status !== 'ok' || !c.tokenCiphertext) continue;
      const dueForExpiry = c.expiresAt !== null && c.expiresAt - now <= this.#connections.refreshMarginMs + LOOKAHEAD_MS;
      const idle = now - (c.lastRefreshAt ?? c.createdAt) >= IDLE_KEEPALIVE_MS;
      if (!dueForExpiry && !idle) continue;
      try {
        if (!this.#connections.read(c).refreshToken) continue;
        // The sweep has decided it is due (its lookahead is wider than the margin), so force.
        await this.#connections.refresh(c.id, { force: true });
        refreshed++;
      } catch (err) {
        if (!(err instanceof NeedsReauth)) this.#log.warn('sweep.refresh_failed', { connectionId: c.id, error: err instanceof Error ? err.message : String(err) });
      }
    }
    return refreshed;
  }
}
