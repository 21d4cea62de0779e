/** Turning token-endpoint answers into stored token sets, and back to JSON for sealing. */
import type { TokenSet } from './model.ts';
import type { TokenResponse } from './ports.ts';

/** Token-endpoint fields stored in their own place; everything else goes to `extra`. */
const KNOWN_FIELDS = new Set(['access_token', 'token_type', 'refresh_token', 'expires_in', 'id_token', 'scope']);

/**
 * @param previous the set being refreshed: providers may omit `refresh_token` on refresh,
 *   in which case the old one stays valid (RFC 6749 §6) and must be kept.
 */
export function tokenSetFromResponse(res: TokenResponse, now: number, previous?: TokenSet): TokenSet {
  const extra: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(res)) if (!KNOWN_FIELDS.has(k)) extra[k] = v;
  const expiresIn = typeof res.expires_in === 'number' && Number.isFinite(res.expires_in) ? res.expires_in : undefined;
  return {
    accessToken: res.access_token,
    tokenType: res.token_type,
    refreshToken: res.refresh_token ?? previous?.refreshToken ?? null,
    expiresAt: expiresIn === undefined ? null : now + expiresIn * 1000,
    issuedAt: now,
    idToken: res.id_token ?? previous?.idToken ?? null,
    extra,
  };
}

export function serializeTokenSet(t: TokenSet): string {
  return JSON.stringify(t);
}

export function parseTokenSet(json: string): TokenSet {
  const v = JSON.parse(json) as TokenSet;
  if (typeof v.accessToken !== 'string') throw new Error('stored token set has no access token');
  // Sets sealed before issue times were recorded have none: core/refresh.ts handles that.
  if (v.issuedAt !== undefined && typeof v.issuedAt !== 'number') delete v.issuedAt;
  return v;
}
