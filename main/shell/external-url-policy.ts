/**
 * Which links may leave the app for the system browser (S32). `shell.openExternal` hands a
 * string to the OS, which will happily run `file:`, custom schemes or a sign-in link for
 * somebody else; so only two kinds pass:
 *  - this broker's own `/start/<t>` and `/consent/<ticket>` pages (exact origin
 *    http://127.0.0.1:<port>), where the owner approves and the provider consent begins;
 *  - https pages on the origin of a configured provider's authorization endpoint.
 * Everything is judged after WHATWG URL parsing, so `..`, `%2e%2e` and case tricks are
 * normalised before the path is compared.
 */
import { LINK_PATHS } from '../core/links.ts';

export interface ExternalUrlContext {
  /** e.g. http://127.0.0.1:24817 */
  brokerOrigin: string;
  /** https origins of the providers' authorization endpoints. */
  providerOrigins: ReadonlySet<string>;
}

const BROKER_PATHS: readonly string[] = [LINK_PATHS.start, LINK_PATHS.consent];
/** Longer than any link Latchkey makes; refuses absurd inputs before parsing them. */
const MAX_URL_LENGTH = 4096;

export type UrlVerdict = { ok: true; url: string } | { ok: false; reason: string };

export function checkExternalUrl(raw: unknown, ctx: ExternalUrlContext): UrlVerdict {
  if (typeof raw !== 'string' || raw.length === 0 || raw.length > MAX_URL_LENGTH) return { ok: false, reason: 'not a URL' };
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    return { ok: false, reason: 'not a URL' };
  }
  if (url.username || url.password) return { ok: false, reason: 'URLs with credentials are not opened' };
  if (url.origin === ctx.brokerOrigin) {
    const token = BROKER_PATHS.find((p) => url.pathname.startsWith(p));
    // Exactly the token after the prefix (base64url), no query and no fragment (a sign-in
    // token rides in a fragment, S33): nothing else of the broker.
    if (token && /^[A-Za-z0-9_-]+$/.test(url.pathname.slice(token.length)) && url.search === '' && url.hash === '') return { ok: true, url: url.href };
    return { ok: false, reason: 'only Latchkey approval and consent links open outside the app' };
  }
  if (url.protocol === 'https:' && ctx.providerOrigins.has(url.origin)) return { ok: true, url: url.href };
  return { ok: false, reason: `${url.protocol === 'https:' ? url.origin : url.protocol} is not a configured provider` };
}

/** The https origins of the providers' authorization endpoints; malformed ones are skipped. */
export function providerOrigins(providers: ReadonlyArray<{ authUrl: string }>): Set<string> {
  const origins = new Set<string>();
  for (const p of providers) {
    try {
      const u = new URL(p.authUrl);
      if (u.protocol === 'https:') origins.add(u.origin);
    } catch { /* a provider with a bad URL simply opens nothing */ }
  }
  return origins;
}
