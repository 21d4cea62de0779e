/**
 * Account labels (issue 14): who an account is at the provider — a login or an e-mail —
 * read once, when a flow produces the account, from where the provider's template says
 * (GitHub `/user`, Slack `authed_user`) or from the OpenID userinfo endpoint discovery
 * found. Best effort: a provider that does not answer leaves the label null (the owner
 * may set one). The label is display text only; it never decides access.
 */
import type { Logger, OAuthClient, OAuthClientConfig, TokenResponse } from './ports.ts';
import { findTemplate } from './templates/catalog.ts';

/** OpenID Connect standard claims, most recognisable first. */
const USERINFO_FIELDS: string[][] = [['email'], ['preferred_username'], ['login'], ['name'], ['sub']];
export const MAX_LABEL_LENGTH = 200;

/** Control characters and bidi overrides are dropped: a label is shown in the tray and window. */
export function cleanLabel(value: string): string | null {
  // eslint-disable-next-line no-control-regex
  const cleaned = value.replace(/[\u0000-\u001f\u007f-\u009f\u200e\u200f\u202a-\u202e\u2066-\u2069]/g, '').trim().slice(0, MAX_LABEL_LENGTH);
  return cleaned === '' ? null : cleaned;
}

function pick(doc: unknown, fields: string[][]): string | null {
  for (const path of fields) {
    const v = path.reduce<unknown>((node, key) => (typeof node === 'object' && node !== null ? (node as Record<string, unknown>)[key] : undefined), doc);
    if (typeof v === 'string' || typeof v === 'number') {
      const label = cleanLabel(String(v));
      if (label) return label;
    }
  }
  return null;
}

export async function accountLabel(deps: { oauth: OAuthClient; logger: Logger }, cfg: OAuthClientConfig, response: TokenResponse): Promise<string | null> {
  const known = findTemplate(cfg.provider.templateId)?.identity;
  const url = known ? known.url : (cfg.provider.userinfoUrl ?? undefined);
  const fields = known?.fields ?? USERINFO_FIELDS;
  if (url === undefined) return known ? pick(response, fields) : null;
  try {
    return pick(await deps.oauth.fetchIdentity(cfg, url, response.access_token), fields);
  } catch (err) {
    deps.logger.warn('identity.unavailable', { providerId: cfg.provider.providerId, error: err instanceof Error ? err.message : String(err) });
    return null;
  }
}
