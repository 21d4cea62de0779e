/**
 * Template quirks at the token endpoint, applied as a fetch wrapper (oauth4webapi's
 * `customFetch`) so the OAuth client keeps speaking plain RFC 6749 and oauth4webapi keeps
 * doing all the validation. Requests get the provider's extra headers, parameters and body
 * format; answers are reshaped into an RFC 6749 §5.1 success or §5.2 error.
 */
import type { ProviderQuirks } from '../core/templates/template.ts';

type Json = Record<string, unknown>;

/**
 * Quirks that mark a provider's token endpoint as non-standard, so its answers get
 * normalised. Authorization-URL quirks (scopeSeparator, scopeParam) and refreshMarginMs don't.
 * refreshUrl counts: Figma's refresh endpoint omits token_type.
 */
const TOKEN_QUIRKS = ['tokenHeaders', 'tokenRequestFormat', 'tokenParams', 'refreshUrl', 'tokenResponsePath', 'okFalseIsError',
  'errorsWithStatus200', 'errorCodeField', 'errorCodes', 'grantedScopeFormat', 'assumedLifetimeSeconds'] as const;

/** RFC 6750 and RFC 9449 types; oauth4webapi refuses anything else. */
const KNOWN_TOKEN_TYPES = new Set(['bearer', 'dpop']);

/** @returns `fetchFn` itself when the quirks touch nothing at the token endpoint. */
export function withTokenQuirks(fetchFn: typeof fetch, quirks: ProviderQuirks): typeof fetch {
  if (!TOKEN_QUIRKS.some((k) => quirks[k] !== undefined)) return fetchFn;
  return async (input, init) => {
    const form = formOf(init?.body);
    const res = await fetchFn(input, init === undefined ? init : rewriteRequest(init, form, quirks));
    return rewriteResponse(res, quirks, form?.get('grant_type') ?? null);
  };
}

/** oauth4webapi sends token and revocation requests as URLSearchParams; other bodies pass untouched. */
function formOf(body: RequestInit['body']): URLSearchParams | null {
  return body instanceof URLSearchParams ? new URLSearchParams(body) : null;
}

function rewriteRequest(init: RequestInit, form: URLSearchParams | null, quirks: ProviderQuirks): RequestInit {
  const headers = new Headers(init.headers);
  for (const [k, v] of Object.entries(quirks.tokenHeaders ?? {})) headers.set(k, v);
  if (!form) return { ...init, headers };
  // Only grant requests carry grant_type; revocation (RFC 7009) gets no token parameters.
  if (form.has('grant_type')) {
    for (const [k, v] of Object.entries(quirks.tokenParams ?? {})) if (!form.has(k)) form.set(k, v);
  }
  if (quirks.tokenRequestFormat === 'json') {
    headers.set('content-type', 'application/json');
    return { ...init, headers, body: JSON.stringify(Object.fromEntries(form)) };
  }
  return { ...init, headers, body: form };
}

async function rewriteResponse(res: Response, quirks: ProviderQuirks, grantType: string | null): Promise<Response> {
  // 5xx stays as it is: the client classifies it as transient and retries (S23).
  if (res.status >= 500) return res;
  const body = await parseBody(res.clone());
  if (!body) return res;
  const error = providerError(body, res.status, quirks);
  if (error) return jsonResponse(res.status >= 400 ? res.status : 400, error, res.headers);
  if (res.status !== 200 || grantType === null) return jsonResponse(res.status, body, res.headers);
  return jsonResponse(200, normalizeTokens(body, quirks, grantType), res.headers);
}

/**
 * JSON, or a form-encoded body (GitHub answers `application/x-www-form-urlencoded` when the
 * Accept header is missing, some servers label either as text/plain). Anything else is left alone.
 */
async function parseBody(res: Response): Promise<Json | null> {
  const type = (res.headers.get('content-type') ?? '').split(';')[0]?.trim().toLowerCase() ?? '';
  const isJson = type === 'application/json' || type.endsWith('+json');
  if (!isJson && type !== 'application/x-www-form-urlencoded' && type !== 'text/plain') return null;
  const text = await res.text();
  if (type !== 'application/x-www-form-urlencoded') {
    try {
      const parsed: unknown = JSON.parse(text);
      return typeof parsed === 'object' && parsed !== null && !Array.isArray(parsed) ? (parsed as Json) : null;
    } catch {
      if (isJson) return null;
    }
  }
  return text.includes('=') ? Object.fromEntries(new URLSearchParams(text)) : null;
}

/** An RFC 6749 §5.2 error body when the answer is an error in the provider's own dialect. */
function providerError(body: Json, status: number, quirks: ProviderQuirks): Json | null {
  const field = quirks.errorCodeField ?? 'error';
  const code = typeof body[field] === 'string' && body[field] !== '' ? body[field] : null;
  const isError =
    (quirks.okFalseIsError === true && body.ok === false) ||
    (status >= 400 && code !== null) ||
    (quirks.errorsWithStatus200 === true && status === 200 && code !== null && typeof body.access_token !== 'string');
  if (!isError) return null;
  const providerCode = code ?? 'unknown_error';
  const error = quirks.errorCodes?.[providerCode] ?? providerCode;
  const said = [body.error_description, body.message].find((d) => typeof d === 'string' && d !== '');
  // Keep the provider's own code visible when it was mapped: "invalid_grant: invalid_refresh_token".
  const description = [error !== providerCode ? providerCode : null, said ?? null].filter((s) => s !== null).join(': ');
  return description === '' ? { error } : { error, error_description: description };
}

/** Reshape a successful token answer into RFC 6749 §5.1 form. */
function normalizeTokens(body: Json, quirks: ProviderQuirks, grantType: string): Json {
  let out: Json = { ...body };
  // Slack: the user token sits in authed_user; the top level is the (unused) bot token.
  // Refresh answers put the token at the top, so promote only when the nested one exists.
  const path = quirks.tokenResponsePath ?? [];
  const nested = path.reduce<unknown>((node, key) => (isJson(node) ? node[key] : undefined), body);
  if (path[0] !== undefined && isJson(nested) && typeof nested.access_token === 'string') {
    delete out[path[0]];
    out = { ...out, ...nested };
  }
  if (quirks.okFalseIsError) delete out.ok;

  // oauth4webapi requires token_type; Figma's refresh omits it and Slack calls its user
  // tokens "user" — both are used as RFC 6750 bearer tokens.
  if (typeof out.token_type !== 'string' || out.token_type === '') {
    out.token_type = 'bearer';
  } else if (!KNOWN_TOKEN_TYPES.has(out.token_type.toLowerCase())) {
    out.provider_token_type = out.token_type;
    out.token_type = 'bearer';
  }

  if (Array.isArray(out.scope)) out.scope = out.scope.filter((s) => typeof s === 'string').join(' ');
  else if (typeof out.scope === 'string' && quirks.grantedScopeFormat === 'comma') {
    out.scope = out.scope.split(',').map((s) => s.trim()).filter((s) => s !== '').join(' ');
  }

  // Salesforce sends no expires_in. Assume one only when a refresh can follow: without a
  // refresh token an assumed expiry would just kill a working connection.
  const lifetime = quirks.assumedLifetimeSeconds;
  if (out.expires_in === undefined && typeof lifetime === 'number' && (typeof out.refresh_token === 'string' || grantType === 'refresh_token')) {
    out.expires_in = lifetime;
  }
  return out;
}

function isJson(v: unknown): v is Json {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function jsonResponse(status: number, body: Json, original: Headers): Response {
  const headers = new Headers(original);
  // The body is re-serialised: the old length and encoding no longer describe it.
  for (const h of ['content-length', 'content-encoding', 'transfer-encoding']) headers.delete(h);
  headers.set('content-type', 'application/json');
  return new Response(JSON.stringify(body), { status, headers });
}
