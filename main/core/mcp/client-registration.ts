/**
 * OAuth 2.0 Dynamic Client Registration (RFC 7591) as Latchkey uses it for MCP servers:
 * register as a public native client (RFC 8252) that redeems codes with PKCE, then accept
 * whatever authentication method and secret the server decided on.
 * @see https://www.rfc-editor.org/rfc/rfc7591.html
 */
import type { TokenEndpointAuthMethod } from '../model.ts';
import type { ClientRegistrationRequest } from '../ports.ts';

export interface RegisteredClient {
  clientId: string;
  clientSecret: string | null;
  tokenEndpointAuthMethod: TokenEndpointAuthMethod;
}

/**
 * The client metadata Latchkey sends (RFC 7591 §2). `application_type` comes from OpenID
 * Connect Dynamic Registration; RFC 7591 servers ignore what they do not know (§2), and
 * OIDC servers need it to accept an `http://127.0.0.1` redirect URI (RFC 8252 §7.3).
 * `scope` (§2) is what the consent will ask for, so a server that limits a client to its
 * registered scopes lets it ask.
 */
export function registrationRequest(redirectUri: string, options: { scopes?: readonly string[]; authMethod?: TokenEndpointAuthMethod } = {}): ClientRegistrationRequest {
  return {
    client_name: 'Latchkey',
    redirect_uris: [redirectUri],
    grant_types: ['authorization_code', 'refresh_token'],
    response_types: ['code'],
    token_endpoint_auth_method: options.authMethod ?? 'none',
    application_type: 'native',
    ...(options.scopes && options.scopes.length > 0 ? { scope: options.scopes.join(' ') } : {}),
  };
}

/**
 * The method to register with, from the server's `token_endpoint_auth_methods_supported`
 * (RFC 8414 §2): a public client with PKCE when the server takes one (or does not say), else
 * a client secret — in the Basic header if listed (RFC 6749 §2.3.1 prefers it), else in the
 * body. Null: the server lists no method Latchkey can perform.
 */
export function chooseAuthMethod(supported: readonly string[] | undefined): TokenEndpointAuthMethod | null {
  if (supported === undefined || supported.length === 0 || supported.includes('none')) return 'none';
  return SUPPORTED.find((m) => m !== 'none' && supported.includes(m)) ?? null;
}

const SUPPORTED: readonly TokenEndpointAuthMethod[] = ['none', 'client_secret_basic', 'client_secret_post'];

/**
 * Read the registration response (RFC 7591 §3.2.1). The server may override what was asked
 * for; a method Latchkey cannot perform (e.g. `private_key_jwt`) is refused. Throws an Error
 * whose message finishes the sentence "the registration response …".
 */
export function parseRegistrationResponse(body: unknown): RegisteredClient {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) throw new Error('is not a JSON object');
  const b = body as Record<string, unknown>;
  if (typeof b.client_id !== 'string' || b.client_id === '') throw new Error("has no 'client_id'");
  const secret = typeof b.client_secret === 'string' && b.client_secret !== '' ? b.client_secret : null;
  // §2: an omitted method means the server's default, client_secret_basic; without a
  // secret that cannot be, so the client is the public one that was asked for.
  const declared = typeof b.token_endpoint_auth_method === 'string' ? b.token_endpoint_auth_method : secret ? 'client_secret_basic' : 'none';
  const method = SUPPORTED.find((m) => m === declared);
  if (!method) throw new Error(`assigns token_endpoint_auth_method '${declared}', which Latchkey does not support`);
  if (method !== 'none' && !secret) throw new Error(`assigns '${method}' but returns no client_secret`);
  return { clientId: b.client_id, clientSecret: secret, tokenEndpointAuthMethod: method };
}
