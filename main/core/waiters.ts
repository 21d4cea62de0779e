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

export interface WaitCaps { perRequest: number; total: number }

interface Waiter<T> { resolve: (v: T | 'timeout') => void; cancelTimer: () => void }

export class WaitRegistry<T> {
  readonly #byId = new Map<string, Set<Waiter<T>>>();
  readonly #schedule: Schedule;
  readonly #caps: WaitCaps;
  #total = 0;

  constructor(options: { caps?: WaitCaps; schedule?: Schedule } = {}) {
    this.#caps = options.caps ?? { perRequest: 256, total: 20_000 };
    this.#schedule = options.schedule ?? defaultSchedule;
  }

  get size(): number {
    return this.#total;
  }

  /** Resolves with the released value, or `'timeout'` after `timeoutMs` or on abort. */
  wait(id: string, timeoutMs: number, signal?: AbortSignal): Promise<T | 'timeout'> {
    let set = this.#byId.get(id);
    if ((set?.size ?? 0) >= this.#caps.perRequest || this.#total >= this.#caps.total) {
      throw new RateLimited('Too many clients are waiting on this request; wait with fewer clients or retry shortly.', 5);
    }
    if (!set) this.#byId.set(id, (set = new Set()));
    const waiters = set;
    return new Promise((resolve) => {
      const waiter: Waiter<T> = {
        resolve: (v) => {
          if (!waiters.delete(waiter)) return;
          this.#total--;
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
