/**
 * The activity log: an append-only record of requests, decisions, token releases,
 * refreshes, failures and revocations — never a token or secret.
 *
 * Writes are buffered and committed in one transaction every FLUSH_MS (and on close), so
 * the authenticate hot path never waits for an fsync. Repeated identical token releases
 * within a minute are one entry with a count, so a busy agent does not flood the log.
 */
import type { ActivityEntry, ActivityFilter } from './model.ts';
import type { Clock, Logger, Store } from './ports.ts';

export const FLUSH_MS = 250;
const RELEASE_WINDOW_MS = 60_000;
export const DEFAULT_RETENTION_DAYS = 90;

export type ActivityInput = Partial<Omit<ActivityEntry, 'id' | 'at' | 'type' | 'count'>> & { type: string };

/**
 * Who made a change, as the activity log records it (S36). Every service that changes a
 * provider, key, policy or connection takes one and writes the entry itself, so no channel
 * (SDK route, owner API, CLI import, window, tray) can change something unlogged.
 * An OwnerPrincipal is an Actor; an SDK caller is `sdkActor(key)`.
 */
export interface Actor {
  channel: 'sdk' | 'browser' | 'cli' | 'window' | 'tray' | 'import' | 'policy' | 'system';
  keyId?: string | undefined;
  keyLabel?: string | undefined;
}

export function sdkActor(key: { id: string; label: string }): Actor {
  return { channel: 'sdk', keyId: key.id, keyLabel: key.label };
}

/** The activity fields naming the actor: the channel, and for the SDK the key that called. */
export function byActor(actor: Actor): Pick<ActivityInput, 'channel' | 'keyId' | 'keyLabel'> {
  return { channel: actor.channel, ...(actor.keyId ? { keyId: actor.keyId, keyLabel: actor.keyLabel ?? null } : {}) };
}

export class ActivityLog {
  readonly #store: Store;
  readonly #clock: Clock;
  readonly #log: Logger;
  #buffer: ActivityEntry[] = [];
  /** Open coalescing windows for token releases, by subject. */
  readonly #releases = new Map<string, ActivityEntry>();
  #timer: ReturnType<typeof setTimeout> | null = null;

  constructor(deps: { store: Store; clock: Clock; logger: Logger }) {
    this.#store = deps.store;
    this.#clock = deps.clock;
    this.#log = deps.logger;
  }

  record(input: ActivityInput): void {
    const entry: ActivityEntry = {
      at: this.#clock.now(), type: input.type, keyId: input.keyId ?? null, keyLabel: input.keyLabel ?? null,
      agentId: input.agentId ?? null, userId: input.userId ?? null, providerId: input.providerId ?? null,
      scopes: input.scopes ?? null, authId: input.authId ?? null, decision: input.decision ?? null,
      channel: input.channel ?? null, detail: input.detail ?? null, count: 1,
    };
    if (entry.type === 'token.released' && entry.channel === 'authenticate') {
      const subject = JSON.stringify([entry.keyId, entry.agentId, entry.userId, entry.providerId, entry.scopes]);
      const open = this.#releases.get(subject);
      if (open && entry.at - open.at < RELEASE_WINDOW_MS && this.#buffer.includes(open)) {
        open.count++;
        return;
      }
      this.#releases.set(subject, entry);
    }
    this.#buffer.push(entry);
    this.#timer ??= setTimeout(() => this.flush(), FLUSH_MS);
    this.#timer.unref?.();
  }

  flush(): void {
    if (this.#timer) clearTimeout(this.#timer);
    this.#timer = null;
    if (this.#buffer.length === 0) return;
    const batch = this.#buffer;
    this.#buffer = [];
    this.#releases.clear();
    try {
      this.#store.activity.append(batch);
    } catch (err) {
      this.#log.error('activity.write_failed', { entries: batch.length, error: err instanceof Error ? err.message : String(err) });
    }
  }

  query(filter: ActivityFilter): ActivityEntry[] {
    this.flush();
    return this.#store.activity.query(filter);
  }

  /** Drop entries older than the retention period. */
  prune(retentionDays: number): number {
    this.flush();
    return this.#store.activity.prune(this.#clock.now() - retentionDays * 86_400_000);
  }
}
