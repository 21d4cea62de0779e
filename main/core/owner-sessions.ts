/**
 * Owner authority for the browser and the CLI. An API key never approves anything (S18);
 * the owner proves presence by:
 *  - a one-time login token printed by `npx latchkey ui` (or minted by the shell for its
 *    window) in a URL *fragment*, which page script exchanges for a session token kept in
 *    origin-scoped storage and sent back in a header (S33: nothing a server on another
 *    127.0.0.1 port can receive — cookies, request lines, Referer — is enough);
 *  - the control secret in `<home>/runtime.json` (mode 0600), which the CLI of the same OS
 *    user reads to call the owner API;
 *  - a consent ticket: a single-use link the CLI prints after approving a request that still
 *    needs provider consent, so the agent's own `url` stays useless without the owner.
 * Event-stream tickets let an EventSource (which cannot send headers) open the live stream
 * once, shortly after the session asked for it.
 * All of it lives in memory: a restart signs everyone out, which is the safe failure.
 */
import { timingSafeEqual } from 'node:crypto';
import { sha256 } from './hash.ts';
import type { Clock, Ids } from './ports.ts';

export const LOGIN_LINK_TTL_MS = 10 * 60_000;
export const SESSION_TTL_MS = 12 * 3_600_000;
export const CONSENT_TICKET_TTL_MS = 10 * 60_000;
export const EVENT_TICKET_TTL_MS = 60_000;
/** Bounds on what an owner (or a runaway page) can pile up in memory. */
const MAX_SESSIONS = 64;
const MAX_EVENT_TICKETS = 256;

/** What the owner sees in Settings; the session token itself is never kept, only its hash. */
export interface OwnerSession { id: string; client: string; createdAt: number; lastSeenAt: number; expiresAt: number }

function sameSecret(a: string, b: string): boolean {
  const x = Buffer.from(sha256(a), 'hex');
  const y = Buffer.from(sha256(b), 'hex');
  return timingSafeEqual(x, y);
}

export class OwnerSessions {
  readonly #clock: Clock;
  readonly #ids: Ids;
  readonly #loginLinks = new Map<string, number>();
  /** Keyed by the hash of the session token. */
  readonly #sessions = new Map<string, OwnerSession>();
  readonly #consentTickets = new Map<string, { authId: string; expiresAt: number }>();
  readonly #eventTickets = new Map<string, { sessionId: string | null; expiresAt: number }>();
  readonly #endListeners = new Set<(sessionId: string) => void>();
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

  /** Single use: the token works once, then a fresh one must be printed. Returns the session token. */
  redeemLoginToken(t: string, client: string): { token: string; session: OwnerSession } | undefined {
    const h = sha256(t);
    const until = this.#loginLinks.get(h);
    this.#loginLinks.delete(h);
    if (until === undefined || until < this.#clock.now()) return undefined;
    this.#sweep();
    // The oldest session gives way rather than memory growing without bound.
    while (this.#sessions.size >= MAX_SESSIONS) {
      const [oldest] = [...this.#sessions.entries()].sort((a, b) => a[1].lastSeenAt - b[1].lastSeenAt);
      if (!oldest) break;
      this.#drop(oldest[0]);
    }
    const now = this.#clock.now();
    const token = this.#ids.token(32);
    const session: OwnerSession = { id: this.#ids.token(12), client, createdAt: now, lastSeenAt: now, expiresAt: now + SESSION_TTL_MS };
    this.#sessions.set(sha256(token), session);
    return { token, session };
  }

  /** The live session a presented token belongs to (and marks it seen). */
  session(token: string | undefined): OwnerSession | undefined {
    if (!token) return undefined;
    const key = sha256(token);
    const s = this.#sessions.get(key);
    if (!s) return undefined;
    if (s.expiresAt < this.#clock.now()) {
      this.#drop(key);
      return undefined;
    }
    s.lastSeenAt = this.#clock.now();
    return s;
  }

  list(): OwnerSession[] {
    this.#sweep();
    return [...this.#sessions.values()].map((s) => ({ ...s })).sort((a, b) => a.createdAt - b.createdAt);
  }

  /** Ends one session by its public id; false when there is none. */
  end(id: string): boolean {
    for (const [key, s] of this.#sessions) {
      if (s.id === id) {
        this.#drop(key);
        return true;
      }
    }
    return false;
  }

  /** Signs every browser and window out; returns how many sessions ended. */
  endAll(): number {
    const keys = [...this.#sessions.keys()];
    for (const key of keys) this.#drop(key);
    return keys.length;
  }

  /** Called with a session's id when it ends (logout, expiry), so open streams close. */
  onEnded(listener: (sessionId: string) => void): () => void {
    this.#endListeners.add(listener);
    return () => { this.#endListeners.delete(listener); };
  }

  isControlSecret(presented: string | undefined): boolean {
    return typeof presented === 'string' && presented.length > 0 && sameSecret(this.controlSecret, presented);
  }

  /** A single-use ticket to open the event stream once; `null` session = the control-secret CLI. */
  mintEventTicket(sessionId: string | null): string {
    this.#sweep();
    while (this.#eventTickets.size >= MAX_EVENT_TICKETS) {
      const first = this.#eventTickets.keys().next();
      if (first.done) break;
      this.#eventTickets.delete(first.value);
    }
    const t = this.#ids.token(32);
    this.#eventTickets.set(sha256(t), { sessionId, expiresAt: this.#clock.now() + EVENT_TICKET_TTL_MS });
    return t;
  }

  /** The ticket's owner, if the ticket is fresh, unused and its session still lives. */
  redeemEventTicket(t: string): { sessionId: string | null } | undefined {
    const h = sha256(t);
    const ticket = this.#eventTickets.get(h);
    this.#eventTickets.delete(h);
    if (!ticket || ticket.expiresAt < this.#clock.now()) return undefined;
    if (ticket.sessionId !== null && !this.list().some((s) => s.id === ticket.sessionId)) return undefined;
    return { sessionId: ticket.sessionId };
  }

  mintConsentTicket(authId: string): string {
    this.#sweep();
    const t = this.#ids.token(32);
    this.#consentTickets.set(sha256(t), { authId, expiresAt: this.#clock.now() + CONSENT_TICKET_TTL_MS });
    return t;
  }

  /** Looks a consent ticket up without using it (page views, HEAD). */
  peekConsentTicket(t: string): string | undefined {
    const ticket = this.#consentTickets.get(sha256(t));
    return ticket && ticket.expiresAt >= this.#clock.now() ? ticket.authId : undefined;
  }

  redeemConsentTicket(t: string): string | undefined {
    const h = sha256(t);
    const ticket = this.#consentTickets.get(h);
    this.#consentTickets.delete(h);
    return ticket && ticket.expiresAt >= this.#clock.now() ? ticket.authId : undefined;
  }

  #drop(key: string): void {
    const s = this.#sessions.get(key);
    this.#sessions.delete(key);
    if (s) for (const listener of this.#endListeners) listener(s.id);
  }

  #sweep(): void {
    const now = this.#clock.now();
    for (const [k, until] of this.#loginLinks) if (until < now) this.#loginLinks.delete(k);
    for (const [k, s] of this.#sessions) if (s.expiresAt < now) this.#drop(k);
    for (const [k, t] of this.#consentTickets) if (t.expiresAt < now) this.#consentTickets.delete(k);
    for (const [k, t] of this.#eventTickets) if (t.expiresAt < now) this.#eventTickets.delete(k);
  }
}
