/**
 * Owner authority for the browser and the CLI. An API key never approves anything (S18);
 * the owner proves presence by:
 *  - a one-time login link (Jupyter style) printed by `npm start` / `latchkey ui`, which
 *    mints a session cookie + CSRF token (S19);
 *  - the control secret in `<home>/runtime.json` (mode 0600), which the CLI of the same OS
 *    user reads to call the owner API;
 *  - a consent ticket: a single-use link the CLI prints after approving a request that still
 *    needs provider consent, so the agent's own `url` stays useless without the owner.
 * All of it lives in memory: a restart signs everyone out, which is the safe failure.
 */
import { timingSafeEqual } from 'node:crypto';
import { sha256 } from './hash.ts';
import type { Clock, Ids } from './ports.ts';

export const LOGIN_LINK_TTL_MS = 10 * 60_000;
export const SESSION_TTL_MS = 12 * 3_600_000;
export const CONSENT_TICKET_TTL_MS = 10 * 60_000;

export interface OwnerSession { id: string; csrf: string; expiresAt: number }

function sameSecret(a: string, b: string): boolean {
  const x = Buffer.from(sha256(a), 'hex');
  const y = Buffer.from(sha256(b), 'hex');
  return timingSafeEqual(x, y);
}

export class OwnerSessions {
  readonly #clock: Clock;
  readonly #ids: Ids;
  readonly #loginLinks = new Map<string, number>();
  readonly #sessions = new Map<string, OwnerSession>();
  readonly #consentTickets = new Map<string, { authId: string; expiresAt: number }>();
  readonly controlSecret: string;

  constructor(deps: { clock: Clock; ids: Ids }) {
    this.#clock = deps.clock;
    this.#ids = deps.ids;
    this.controlSecret = deps.ids.token(32);
  }

  mintLoginToken(): string {
    this.#sweep();
    const t = this.#ids.token(32);
    this.#loginLinks.set(sha256(t), this.#clock.now() + LOGIN_LINK_TTL_MS);
    return t;
  }

  /** Single use: the link works once, then a fresh one must be printed. */
  redeemLoginToken(t: string): OwnerSession | undefined {
    const h = sha256(t);
    const until = this.#loginLinks.get(h);
    this.#loginLinks.delete(h);
    if (until === undefined || until < this.#clock.now()) return undefined;
    const s: OwnerSession = { id: this.#ids.token(32), csrf: this.#ids.token(32), expiresAt: this.#clock.now() + SESSION_TTL_MS };
    this.#sessions.set(sha256(s.id), s);
    return s;
  }

  session(id: string | undefined): OwnerSession | undefined {
    if (!id) return undefined;
    const s = this.#sessions.get(sha256(id));
    if (!s) return undefined;
    if (s.expiresAt < this.#clock.now()) {
      this.#sessions.delete(sha256(id));
      return undefined;
    }
    return s;
  }

  end(id: string): void {
    this.#sessions.delete(sha256(id));
  }

  csrfMatches(s: OwnerSession, presented: string | undefined): boolean {
    return typeof presented === 'string' && presented.length > 0 && sameSecret(s.csrf, presented);
  }

  isControlSecret(presented: string | undefined): boolean {
    return typeof presented === 'string' && presented.length > 0 && sameSecret(this.controlSecret, presented);
  }

  /** A fresh browser-binding cookie value (only its hash is stored with a flow). */
  mintBindingValue(): string {
    return this.#ids.token(32);
  }

  mintConsentTicket(authId: string): string {
    this.#sweep();
    const t = this.#ids.token(32);
    this.#consentTickets.set(sha256(t), { authId, expiresAt: this.#clock.now() + CONSENT_TICKET_TTL_MS });
    return t;
  }

  redeemConsentTicket(t: string): string | undefined {
    const h = sha256(t);
    const ticket = this.#consentTickets.get(h);
    this.#consentTickets.delete(h);
    return ticket && ticket.expiresAt >= this.#clock.now() ? ticket.authId : undefined;
  }

  #sweep(): void {
    const now = this.#clock.now();
    for (const [k, until] of this.#loginLinks) if (until < now) this.#loginLinks.delete(k);
    for (const [k, s] of this.#sessions) if (s.expiresAt < now) this.#sessions.delete(k);
    for (const [k, t] of this.#consentTickets) if (t.expiresAt < now) this.#consentTickets.delete(k);
  }
}
