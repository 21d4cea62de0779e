/**
 * Guards that run before any handler (security.md S01–S06). Cheap checks first: they
 * also sit in front of the authenticate hot path.
 */
import type { NextFunction, Request, Response } from 'express';
import type { IncomingHttpHeaders, IncomingMessage } from 'node:http';
import { Forbidden, LatchkeyError } from '../core/errors.ts';

export const MAX_BODY_BYTES = 64 * 1024;
export const MAX_HEADER_BYTES = 16 * 1024;

/**
 * S01: only exact loopback Host values for our port. DNS rebinding makes a hostile page's
 * requests arrive with the attacker's host name; lookalikes (127.1, 0177.0.0.1,
 * localhost., IPv4-mapped IPv6) are refused too, since they are what parsers disagree on.
 */
export function allowedHosts(port: number): Set<string> {
  return new Set([`127.0.0.1:${port}`, `localhost:${port}`, `[::1]:${port}`]);
}

export function allowedOrigins(port: number): Set<string> {
  return new Set([...allowedHosts(port)].map((h) => `http://${h}`));
}

/** The S01 predicate, shared by the Express guard and the SDK fast path. */
export function isAllowedHost(host: string | undefined, hosts: Set<string>): boolean {
  return typeof host === 'string' && hosts.has(host.toLowerCase());
}

/** The S02 predicate: `Origin`, or a `Sec-Fetch-Site` other than `none`, means a web page sent it. */
export function isFromBrowser(headers: IncomingHttpHeaders): boolean {
  const site = headers['sec-fetch-site'];
  return headers.origin !== undefined || (site !== undefined && site !== 'none');
}

/** The S04 predicate. */
export function isJsonContentType(type: string | undefined): boolean {
  return type !== undefined && /^application\/json\s*(;|$)/i.test(type);
}

export function hostGuard(port: () => number) {
  let cachedPort = -1;
  let hosts = new Set<string>();
  return (req: Request, _res: Response, next: NextFunction): void => {
    const p = port();
    if (p !== cachedPort) {
      cachedPort = p;
      hosts = allowedHosts(p);
    }
    if (!isAllowedHost(req.headers.host, hosts)) {
      next(new Forbidden('Requests must be addressed to Latchkey on 127.0.0.1, localhost or [::1] with its port (Host header refused).', 'bad_host'));
      return;
    }
    next();
  };
}

/**
 * `//v2/auth/...` is what an old client with an `api_url` ending in `/` sends: repeated
 * leading slashes are one slash before any routing (both the fast path and Express). Returns
 * the (possibly rewritten) `req.url`.
 */
export function collapseLeadingSlashes(req: IncomingMessage): string {
  const url = req.url ?? '';
  if (url.charCodeAt(0) === 47 && url.charCodeAt(1) === 47) req.url = url.replace(/^\/{2,}/, '/');
  return req.url ?? '';
}

/** S03: never grant CORS; preflights get a plain refusal. */
export function noCors(req: Request, res: Response, next: NextFunction): void {
  if (req.method === 'OPTIONS') {
    res.status(403).json({ detail: 'Cross-origin requests are not allowed.' });
    return;
  }
  next();
}

/** S04: state-changing calls must say they are JSON; the body is not read otherwise. */
export function requireJson(req: Request, _res: Response, next: NextFunction): void {
  if (req.method !== 'POST' && req.method !== 'PATCH' && req.method !== 'PUT') return next();
  if (!isJsonContentType(req.headers['content-type'])) {
    next(new LatchkeyError('unsupported_media_type', 415, 'Send the request body as JSON with Content-Type: application/json.'));
    return;
  }
  // S06: refuse an announced oversize body before reading any of it.
  const length = Number(req.headers['content-length'] ?? 0);
  if (length > MAX_BODY_BYTES) {
    next(new LatchkeyError('body_too_large', 413, `Request body too large (limit ${MAX_BODY_BYTES / 1024} KiB).`));
    return;
  }
  next();
}

/** `__proto__` keys are dropped while parsing, so no payload can reach an object's prototype (S06). */
export function safeJsonReviver(key: string, value: unknown): unknown {
  return key === '__proto__' ? undefined : value;
}

/**
 * JSON.parse with safeJsonReviver's guarantee, without paying for the reviver on every call:
 * a text holding neither `__proto__` nor a backslash (the only way to spell that key with
 * escapes) cannot hold such a key, so the plain parse gives the same value. The reviver was
 * 6 % of the authenticate hot path's CPU (issue 17).
 */
export function parseJsonSafely(text: string): unknown {
  return text.includes('__proto__') || text.includes('\\') ? JSON.parse(text, safeJsonReviver) : JSON.parse(text);
}

/** The caller's API key: `x-api-key` (the SDK) or `Authorization: Bearer` (agent-auth-api.md §1). */
export function presentedKey(headers: IncomingHttpHeaders): string | undefined {
  const header = headers['x-api-key'];
  if (typeof header === 'string' && header !== '') return header;
  const auth = headers.authorization;
  if (typeof auth === 'string') {
    const m = /^Bearer\s+(.+)$/i.exec(auth);
    if (m?.[1]) return m[1].trim();
  }
  return undefined;
}
