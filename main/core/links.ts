/**
 * Every URL of the broker's own pages, built in one place from the base URL
 * (`http://127.0.0.1:<port>`, RFC 8252 §7.3: an IP literal, never `localhost`). The paths
 * are declared once here; routes, the shell's external-link policy and the CLI use them.
 * Plain functions of (base, token): nothing is allocated per link beyond the string.
 */

/** The path prefixes, each followed by one URL-safe token or provider id. */
export const LINK_PATHS = {
  /** An agent's request: who asks for what; the owner decides (agent-auth-api.md §4). */
  start: '/start/',
  /** A single-use link that begins a provider consent for an approved request. */
  consent: '/consent/',
  /**
   * A one-time sign-in link for the window: the token rides in the fragment, which no server
   * ever receives (no request line, no Referer); the page trades it at POST /ui/login (S33).
   */
  login: '/#login=',
  /** The redirect URI registered with providers (the path LangSmith users already use). */
  callback: '/host-oauth-callback/',
} as const;

export function loopbackBaseUrl(port: number): string {
  return `http://127.0.0.1:${port}`;
}

/** `/start/<t>` — relative, for redirects and forms on the broker's own pages. */
export function startPath(startToken: string): string {
  return `${LINK_PATHS.start}${startToken}`;
}

/** The link an agent prints and the owner opens. */
export function startLink(base: string, startToken: string): string {
  return `${base}${LINK_PATHS.start}${startToken}`;
}

export function consentLink(base: string, ticket: string): string {
  return `${base}${LINK_PATHS.consent}${ticket}`;
}

export function loginLink(base: string, token: string): string {
  return `${base}${LINK_PATHS.login}${token}`;
}

/** The loopback redirect URI for a provider: what to register in its console. */
export function redirectUri(base: string, providerId: string): string {
  return `${base}${LINK_PATHS.callback}${providerId}`;
}
