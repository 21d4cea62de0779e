/**
 * Owner authority on HTTP (S18, S19). A request is the owner's when it carries
 *  - the session cookie minted by a one-time login link (and, for state changes, the
 *    session's CSRF token and an Origin equal to the broker's), or
 *  - the control secret from `<home>/runtime.json` in `x-latchkey-control` (the CLI).
 * An API key is never enough.
 */
import type { NextFunction, Request, Response } from 'express';
import type { Core } from '../core/core.ts';
import { Forbidden, Unauthorized } from '../core/errors.ts';
import type { OwnerSession } from '../core/owner-sessions.ts';
import { parseCookies } from './guards.ts';
import { mintOwnerPrincipal } from '../core/owner-principal.ts';
import { setOwner } from './request-context.ts';

export const SESSION_COOKIE = 'lk_session';
export const BINDING_COOKIE = 'lk_bind';
export const CONTROL_HEADER = 'x-latchkey-control';
export const CSRF_HEADER = 'x-csrf-token';

const SAFE_METHODS = new Set(['GET', 'HEAD']);

export function sessionFrom(core: Core, req: Request): OwnerSession | undefined {
  return core.sessions.session(parseCookies(req.headers.cookie).get(SESSION_COOKIE));
}

export function sessionCookie(value: string, maxAgeSeconds: number): string {
  return `${SESSION_COOKIE}=${value}; Path=/; HttpOnly; SameSite=Strict; Max-Age=${maxAgeSeconds}`;
}

/**
 * State changes from a page must come from our own origin (S19). Our pages send
 * `Referrer-Policy: no-referrer` (S14), under which browsers send `Origin: null` on form
 * posts; for those, the browser-set `Sec-Fetch-Site: same-origin` (which page script
 * cannot forge) vouches instead. The CSRF token is required in every case.
 */
export function sameOrigin(req: Request, origins: Set<string>): boolean {
  const origin = req.headers.origin;
  if (typeof origin === 'string' && origins.has(origin)) return true;
  return (origin === undefined || origin === 'null') && req.headers['sec-fetch-site'] === 'same-origin';
}

export const SIGN_IN_AGAIN = 'Your Latchkey session has expired or is missing. Run `npx latchkey ui` to get a fresh sign-in link.';

/** For the owner API: session (+CSRF +Origin on changes) or control secret; else 401/403. */
export function requireOwner(core: Core, origins: () => Set<string>) {
  return (req: Request, res: Response, next: NextFunction): void => {
    const control = req.headers[CONTROL_HEADER];
    if (typeof control === 'string') {
      if (!core.sessions.isControlSecret(control)) return next(new Unauthorized('The control secret is not valid for this Latchkey; is the CLI pointed at the right --home?'));
      setOwner(res, { via: 'control', principal: mintOwnerPrincipal('cli') });
      return next();
    }
    const session = sessionFrom(core, req);
    if (!session) return next(new Unauthorized(SIGN_IN_AGAIN));
    if (!SAFE_METHODS.has(req.method)) {
      if (!sameOrigin(req, origins())) return next(new Forbidden('Owner actions must come from the Latchkey page itself (Origin refused).', 'bad_origin'));
      const csrf = req.headers[CSRF_HEADER];
      if (!core.sessions.csrfMatches(session, typeof csrf === 'string' ? csrf : undefined)) return next(new Forbidden('Missing or wrong CSRF token; reload the Latchkey page and try again.', 'bad_csrf'));
    }
    setOwner(res, { via: 'session', session, principal: mintOwnerPrincipal('window') });
    next();
  };
}
