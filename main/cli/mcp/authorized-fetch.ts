/**
 * The fetch the SDK's client transports use toward the MCP server: it adds the broker's
 * token as `Authorization: Bearer …` and handles the server's refusals once, below the
 * transport, so the relay above never sees a token.
 *   - 401: a fresh token through the broker (single-flight, broker-tokens.ts), one retry.
 *   - 403 with `error="insufficient_scope"`: the union of scopes through the broker
 *     (incremental consent), one retry.
 * @see https://modelcontextprotocol.io/specification/2025-11-25/basic/authorization#scope-challenge-handling
 * @see https://www.rfc-editor.org/rfc/rfc6750.html#section-3.1
 */
import type { FetchLike } from '@modelcontextprotocol/sdk/shared/transport.js';
import { parseChallenges } from '../../core/mcp/www-authenticate.ts';
import type { BrokerTokens } from './broker-tokens.ts';

/** The scopes a 403 `insufficient_scope` Bearer challenge names, or null for any other answer. */
export function insufficientScope(res: Pick<Response, 'status' | 'headers'>): string[] | null {
  if (res.status !== 403) return null;
  const bearer = parseChallenges(res.headers.get('www-authenticate') ?? '').find((c) => c.scheme === 'bearer');
  if (bearer?.params.error !== 'insufficient_scope') return null;
  return (bearer.params.scope ?? '').split(' ').filter((s) => s !== '');
}

export function authorizedFetch(tokens: BrokerTokens, base: FetchLike = fetch): FetchLike {
  return async (url, init) => {
    const send = (token: string): Promise<Response> => {
      const headers = new Headers(init?.headers);
      headers.set('authorization', `Bearer ${token}`);
      return base(url, { ...init, headers });
    };
    const token = await tokens.token();
    const res = await send(token);
    if (res.status === 401) {
      await res.body?.cancel();
      return send(await tokens.afterUnauthorized(token));
    }
    const wanted = insufficientScope(res);
    if (wanted) {
      await res.body?.cancel();
      return send(await tokens.widen(wanted));
    }
    return res;
  };
}
