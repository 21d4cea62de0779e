/**
 * Owner authority on HTTP (S18, S19, S33). A request is the owner's when it carries
 *  - the session token in `x-latchkey-session` — a header, never a cookie. Browsers send
 *    cookies for 127.0.0.1 to *every* port (RFC 6265 §8.5) and another loopback port is
 *    same-site, so any cookie would reach a neighbour's dev server. The token lives in the
 *    page's localStorage, which is scoped to our exact origin (scheme, host *and port*), and
 *    page script adds the header; a browser never adds it on its own, and another origin
 *    cannot add it without a CORS preflight, which we refuse (S03). State changes from a
 *    page must also come from our own origin; or
 *  - the control secret from `<home>/runtime.json` in `x-latchkey-control` (the CLI).
 * An API key is never enough. `ownerOf` is the one place that decides.
 */
import type { NextFunction, Request, Response } from 'express';
import type { Core } from '../core/core.ts';
import { Forbidden, Unauthorized } from '../core/errors.ts';
import { mintOwnerPrincipal } from '../core/owner-principal.ts';
import { setOwner, type OwnerAuth } from './request-context.ts';

export const SESSION_HEADER = 'x-latchkey-session';
export const CONTROL_HEADER = 'x-latchkey-control';

const SAFE_METHODS = new Set(['GET', 'HEAD']);

/**
 * Page requests must come from our own origin (S19). Our pages send
 * `Referrer-Policy: no-referrer` (S14), under which browsers may send `Origin: null`; the
 * browser-set `Sec-Fetch-Site: same-origin` (which page script cannot forge) vouches instead.
 */
export function sameOrigin(req: Request, origins: Set<string>): boolean {
  const origin = req.headers.origin;
  if (typeof origin === 'string' && origins.has(origin)) return true;
  return (origin === undefined || origin === 'null') && req.headers['sec-fetch-site'] === 'same-origin';
}

export const SIGN_IN_AGAIN = 'Your Latchkey session has expired or is missing. Run `npx latchkey ui` to get a fresh sign-in link.';

function header(req: Request, name: string): string | undefined {
  const v = req.headers[name];
  return typeof v === 'string' && v !== '' ? v : undefined;
}

/**
 * Whether this request is the owner's, and through which channel. Throws 401 without a
 * valid credential, 403 for a page state change from another origin.
 */
export function ownerOf(core: Core, req: Request, origins: Set<string>): OwnerAuth {
  const control = header(req, CONTROL_HEADER);
  if (control !== undefined) {
    if (!core.sessions.isControlSecret(control)) throw new Unauthorized('The control secret is not valid for this Latchkey; is the CLI pointed at the right --home?');
    return { via: 'control', principal: mintOwnerPrincipal('cli') };
  }
  const session = core.sessions.session(header(req, SESSION_HEADER));
  if (!session) throw new Unauthorized(SIGN_IN_AGAIN);
  if (!SAFE_METHODS.has(req.method) && !sameOrigin(req, origins)) {
    throw new Forbidden('Owner actions must come from the Latchkey page itself (Origin refused).', 'bad_origin');
  }
  return { via: 'session', session, principal: mintOwnerPrincipal('window') };
}

/** For the owner API: `ownerOf` as middleware. */
export function requireOwner(core: Core, origins: () => Set<string>) {
  return (req: Request, res: Response, next: NextFunction): void => {
    try {
      setOwner(res, ownerOf(core, req, origins()));
    } catch (err) {
      return next(err);
    }
    next();
  };
}

/** A label for the sessions list in Settings, from the User-Agent (display only, never trusted). */
export function describeClient(userAgent: string | undefined): string {
  const ua = userAgent ?? '';
  if (/Electron\//.test(ua)) return 'Latchkey window';
  const browser = /Edg\//.test(ua) ? 'Edge' : /Firefox\//.test(ua) ? 'Firefox' : /Chrom(e|ium)\//.test(ua) ? 'Chromium' : /Safari\//.test(ua) ? 'Safari' : null;
  const os = /Windows/.test(ua) ? 'Windows' : /Mac OS X/.test(ua) ? 'macOS' : /Linux/.test(ua) ? 'Linux' : null;
  if (!browser) return 'Other client';
  return os ? `${browser} on ${os}` : browser;
}
