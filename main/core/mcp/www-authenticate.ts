/**
 * Just enough of the `WWW-Authenticate` grammar to read a Bearer challenge's parameters.
 * @see https://www.rfc-editor.org/rfc/rfc9110.html#section-11.6.1 (challenge syntax)
 * @see https://www.rfc-editor.org/rfc/rfc6750.html#section-3 (Bearer challenges)
 */

export interface Challenge {
  /** Lower-cased auth-scheme, e.g. `bearer`. */
  scheme: string;
  /** Lower-cased parameter names (they are case-insensitive) → unquoted values. */
  params: Record<string, string>;
}

const TOKEN = /^[!#$%&'*+.^_`|~0-9A-Za-z-]+/;
const TOKEN68 = /^[A-Za-z0-9._~+/-]+=*/;

/**
 * Parse a header value that may hold several challenges (`Bearer a="1", DPoP b="2"`).
 * Malformed tails are dropped rather than thrown: a bad header only means no metadata URL.
 */
export function parseChallenges(header: string): Challenge[] {
  const challenges: Challenge[] = [];
  let rest = header.trim();
  let current: Challenge | null = null;
  while (rest.length > 0) {
    rest = rest.replace(/^[\s,]+/, '');
    const name = TOKEN.exec(rest)?.[0];
    if (!name) break;
    const afterName = rest.slice(name.length).replace(/^\s*/, '');
    if (current && afterName.startsWith('=') && !afterName.startsWith('==')) {
      // auth-param: name = ( token / quoted-string )
      const value = readValue(afterName.slice(1).replace(/^\s*/, ''));
      if (!value) break;
      current.params[name.toLowerCase()] = value.value;
      rest = value.rest;
      continue;
    }
    // A new challenge: its scheme, then either a token68 or a list of auth-params.
    current = { scheme: name.toLowerCase(), params: {} };
    challenges.push(current);
    rest = afterName;
    const t68 = TOKEN68.exec(rest)?.[0];
    if (t68 && !/^\s*=/.test(rest.slice(t68.length)) && /^\s*(,|$)/.test(rest.slice(t68.length))) rest = rest.slice(t68.length);
  }
  return challenges;
}

function readValue(input: string): { value: string; rest: string } | null {
  if (!input.startsWith('"')) {
    // RFC 9110 wants a token here, but servers send URLs unquoted too: read to the next delimiter.
    const token = /^[^\s,"]+/.exec(input)?.[0];
    return token ? { value: token, rest: input.slice(token.length) } : null;
  }
  let value = '';
  for (let i = 1; i < input.length; i++) {
    const c = input[i];
    if (c === '\\' && i + 1 < input.length) value += input[++i];
    else if (c === '"') return { value, rest: input.slice(i + 1) };
    else value += c;
  }
  return null;
}
