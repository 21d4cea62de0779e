/**
 * Turns bursts of `request.created` into a sensible number of notifications: an agent
 * fanning out over five providers should not bury the desktop under five toasts. Requests
 * that arrive within `windowMs` of the first one are shown together: one notification per
 * request when there are few, a single summary when there are many. A request decided
 * before its batch is shown is dropped, and no request is ever announced twice.
 *
 * Time comes in through `schedule`, so tests drive the window without sleeping.
 */
import type { PendingItem } from './shell-state.ts';

export type Schedule = (fn: () => void, ms: number) => () => void;

export type RequestNotice =
  | { kind: 'request'; request: PendingItem }
  | { kind: 'summary'; requests: readonly PendingItem[] };

export interface CoalescerOptions {
  schedule: Schedule;
  emit: (notice: RequestNotice) => void;
  /** How long to gather a burst (default 1.5 s: fast enough to feel immediate). */
  windowMs?: number;
  /** Up to this many in one batch get their own notification; more become a summary. */
  maxIndividual?: number;
}

/** Enough memory to never repeat a recent request without growing forever. */
const SEEN_LIMIT = 1000;

export class NotificationCoalescer {
  readonly #schedule: Schedule;
  readonly #emit: (notice: RequestNotice) => void;
  readonly #windowMs: number;
  readonly #maxIndividual: number;
  readonly #batch = new Map<string, PendingItem>();
  readonly #seen = new Set<string>();
  #cancel: (() => void) | null = null;

  constructor(options: CoalescerOptions) {
    this.#schedule = options.schedule;
    this.#emit = options.emit;
    this.#windowMs = options.windowMs ?? 1500;
    this.#maxIndividual = options.maxIndividual ?? 2;
  }

  add(request: PendingItem): void {
    if (this.#seen.has(request.authId)) return;
    this.#remember(request.authId);
    this.#batch.set(request.authId, request);
    this.#cancel ??= this.#schedule(() => this.flush(), this.#windowMs);
  }

  /** The owner already decided (in the window, the browser or the CLI): no need to ask. */
  drop(authId: string): void {
    this.#batch.delete(authId);
  }

  flush(): void {
    this.#cancel?.();
    this.#cancel = null;
    const batch = [...this.#batch.values()];
    this.#batch.clear();
    if (batch.length === 0) return;
    if (batch.length <= this.#maxIndividual) for (const request of batch) this.#emit({ kind: 'request', request });
    else this.#emit({ kind: 'summary', requests: batch });
  }

  dispose(): void {
    this.#cancel?.();
    this.#cancel = null;
    this.#batch.clear();
  }

  #remember(authId: string): void {
    this.#seen.add(authId);
    if (this.#seen.size > SEEN_LIMIT) {
      const oldest = this.#seen.values().next().value;
      if (oldest !== undefined) this.#seen.delete(oldest);
    }
  }
}
