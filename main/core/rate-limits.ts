/**
 * Per-key budgets (S09). Every caller is 127.0.0.1, so limits are per API key, not per IP:
 * one budget for calls that would put a question in front of the human, one for failed
 * key attempts. Token buckets over the Clock port: testable without sleeping.
 */
import { RateLimited } from './errors.ts';
import type { Clock } from './ports.ts';

export interface Budget { capacity: number; refillPerMinute: number }

export const PROMPT_BUDGET: Budget = { capacity: 20, refillPerMinute: 10 };
export const FAILED_KEY_BUDGET: Budget = { capacity: 30, refillPerMinute: 30 };

export class RateLimiter {
  readonly #clock: Clock;
  readonly #budget: Budget;
  readonly #buckets = new Map<string, { tokens: number; at: number }>();
  readonly #message: string;

  constructor(clock: Clock, budget: Budget, message: string) {
    this.#clock = clock;
    this.#budget = budget;
    this.#message = message;
  }

  /** Spend one unit for `subject`, or throw 429 with the seconds until one is back. */
  take(subject: string): void {
    const now = this.#clock.now();
    const perMs = this.#budget.refillPerMinute / 60_000;
    const b = this.#buckets.get(subject) ?? { tokens: this.#budget.capacity, at: now };
    b.tokens = Math.min(this.#budget.capacity, b.tokens + (now - b.at) * perMs);
    b.at = now;
    if (b.tokens < 1) {
      this.#buckets.set(subject, b);
      throw new RateLimited(this.#message, (1 - b.tokens) / perMs / 1000);
    }
    b.tokens -= 1;
    this.#buckets.set(subject, b);
    if (this.#buckets.size > 10_000) this.#buckets.delete(this.#buckets.keys().next().value ?? '');
  }
}
