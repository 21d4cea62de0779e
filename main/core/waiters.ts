/**
 * Long-poll waiters for `GET /v2/auth/wait/{auth_id}` (agent-auth-api.md §4, S28–S29).
 * Completion releases every waiter on an id at once; each waiter also ends on its own
 * timeout or when its client disconnects, leaving nothing registered behind.
 */
import { RateLimited } from './errors.ts';

export type Schedule = (fn: () => void, ms: number) => () => void;

const defaultSchedule: Schedule = (fn, ms) => {
  const t = setTimeout(fn, ms);
  return () => clearTimeout(t);
};

/**
 * S29/S40: caps on open waits, per request, per API key and in total, so one key cannot use
 * up the total by spreading its waits over many requests and lock every other key out.
 */
export interface WaitCaps { perRequest: number; perKey: number; total: number }

export const DEFAULT_WAIT_CAPS: WaitCaps = { perRequest: 256, perKey: 1024, total: 20_000 };

interface Waiter<T> { resolve: (v: T | 'timeout') => void; cancelTimer: () => void }

export class WaitRegistry<T> {
  readonly #byId = new Map<string, Set<Waiter<T>>>();
  readonly #perKey = new Map<string, number>();
  readonly #schedule: Schedule;
  readonly #caps: WaitCaps;
  #total = 0;

  constructor(options: { caps?: WaitCaps; schedule?: Schedule } = {}) {
    this.#caps = options.caps ?? DEFAULT_WAIT_CAPS;
    this.#schedule = options.schedule ?? defaultSchedule;
  }

  get size(): number {
    return this.#total;
  }

  /** How many are waiting on one request right now. */
  waitingOn(id: string): number {
    return this.#byId.get(id)?.size ?? 0;
  }

  /** Resolves with the released value, or `'timeout'` after `timeoutMs` or on abort. `keyId` is the waiting API key. */
  wait(id: string, timeoutMs: number, signal?: AbortSignal, keyId = ''): Promise<T | 'timeout'> {
    let set = this.#byId.get(id);
    if ((set?.size ?? 0) >= this.#caps.perRequest || this.#total >= this.#caps.total) {
      throw new RateLimited('Too many clients are waiting on this request; wait with fewer clients or retry shortly.', 5);
    }
    const keyCount = this.#perKey.get(keyId) ?? 0;
    if (keyCount >= this.#caps.perKey) {
      throw new RateLimited('This API key has too many open waits; wait with fewer clients or retry shortly.', 5);
    }
    if (!set) this.#byId.set(id, (set = new Set()));
    const waiters = set;
    return new Promise((resolve) => {
      const waiter: Waiter<T> = {
        resolve: (v) => {
          if (!waiters.delete(waiter)) return;
          this.#total--;
          const left = (this.#perKey.get(keyId) ?? 1) - 1;
          if (left === 0) this.#perKey.delete(keyId);
          else this.#perKey.set(keyId, left);
          if (waiters.size === 0 && this.#byId.get(id) === waiters) this.#byId.delete(id);
          waiter.cancelTimer();
          signal?.removeEventListener('abort', onAbort);
          resolve(v);
        },
        cancelTimer: () => {},
      };
      const onAbort = (): void => waiter.resolve('timeout');
      waiters.add(waiter);
      this.#total++;
      this.#perKey.set(keyId, keyCount + 1);
      waiter.cancelTimer = this.#schedule(() => waiter.resolve('timeout'), timeoutMs);
      if (signal?.aborted) onAbort();
      else signal?.addEventListener('abort', onAbort, { once: true });
    });
  }

  /** How many waiters hold `id` open right now. */
  count(id: string): number {
    return this.#byId.get(id)?.size ?? 0;
  }

  release(id: string, value: T): number {
    const set = this.#byId.get(id);
    if (!set) return 0;
    const all = [...set];
    for (const w of all) w.resolve(value);
    return all.length;
  }

  /** Shutdown: answer everyone with `timeout` (S30). */
  releaseAll(): void {
    for (const set of [...this.#byId.values()]) for (const w of [...set]) w.resolve('timeout');
  }
}
