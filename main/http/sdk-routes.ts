/**
 * The Agent Auth API (agent-auth-api.md §2) for the SDK, mounted under `/v2/auth` and
 * `/api-host/v2/auth`. Handlers parse, call one core function, and map the result.
 */
import { Router } from 'express';
import { z } from 'zod';
import type { Core } from '../core/core.ts';
import { sha256 } from '../core/hash.ts';
import { Forbidden } from '../core/errors.ts';
import type { ApiKey } from '../core/model.ts';
import { apiKey, setApiKey } from './request-context.ts';
import { presentedKey } from './guards.ts';
import { authenticateCall, waitCall } from './sdk-handlers.ts';
import { callbackBody, createProviderBody, parse, providerQuery, updateProviderBody } from './schemas.ts';
import { providerToWire } from './wire.ts';

const mcpDiscoverBody = z.object({
  provider_id: z.string().min(1).max(2048),
  name: z.string().min(1).max(2048),
  mcp_server_url: z.string().min(1).max(2048),
  client_id: z.string().min(1).max(2048).nullish(),
  client_secret: z.string().max(2048).nullish(),
});

function requireOwnerKey(key: ApiKey, action: string): void {
  if (key.role !== 'owner') throw new Forbidden(`This API key has the agent role and cannot ${action}. Use the owner key (npx latchkey env) or the Latchkey window.`, 'role_forbidden');
}

export function sdkRoutes(core: Core): Router {
  const r = Router();
  const wire = (p: Parameters<typeof providerToWire>[0]) => providerToWire(p, core.flows.redirectUri(p.providerId));

  r.use((req, res, next) => {
    setApiKey(res, core.keys.authenticate(presentedKey(req.headers)));
    next();
  });

  r.post('/authenticate', async (req, res) => {
    res.json(await authenticateCall(core, apiKey(res), req.body));
  });

  r.get('/wait/:authId', async (req, res) => {
    const closed = new AbortController();
    res.on('close', () => closed.abort());
    const answer = await waitCall(core, apiKey(res), req.params.authId, req.query, closed.signal);
    if (!res.writableEnded && !closed.signal.aborted) res.json(answer);
  });

  r.get('/providers', (_req, res) => {
    res.json(core.providers.list().map(wire));
  });

  /**
   * MCP servers: RFC 9728 → RFC 8414 → RFC 7591 (core/mcp). `client_id`/`client_secret` are a
   * Latchkey addition for authorization servers without dynamic registration.
   */
  r.post('/providers/mcp-discover', async (req, res) => {
    requireOwnerKey(apiKey(res), 'create providers');
    const b = parse(mcpDiscoverBody, req.body, 'body');
    const created = await core.discoverMcpProvider({
      providerId: b.provider_id, name: b.name, mcpServerUrl: b.mcp_server_url, clientId: b.client_id, clientSecret: b.client_secret,
    });
    res.json(wire(created));
  });

  r.post('/providers', (req, res) => {
    requireOwnerKey(apiKey(res), 'create providers');
    const b = parse(createProviderBody, req.body, 'body');
    const created = core.providers.create({
      providerId: b.provider_id, name: b.name, clientId: b.client_id, clientSecret: b.client_secret, authUrl: b.auth_url,
      tokenUrl: b.token_url, usesPkce: b.uses_pkce ?? undefined, codeChallengeMethod: b.code_challenge_method,
      tokenEndpointAuthMethod: b.token_endpoint_auth_method ?? undefined, providerType: b.provider_type,
      authorizationParams: b.authorization_params ?? undefined, allowedRedirectUris: b.allowed_redirect_uris ?? undefined,
      revocationUrl: b.revocation_url,
    });
    res.json(wire(created));
  });

  r.get('/providers/:providerId', (req, res) => {
    res.json(wire(core.providers.get(req.params.providerId ?? '')));
  });

  r.patch('/providers/:providerId', (req, res) => {
    requireOwnerKey(apiKey(res), 'update providers');
    const b = parse(updateProviderBody, req.body ?? {}, 'body');
    const updated = core.providers.update(req.params.providerId ?? '', {
      ...(b.name != null ? { name: b.name } : {}),
      ...(b.client_id != null ? { clientId: b.client_id } : {}),
      ...(b.client_secret !== undefined ? { clientSecret: b.client_secret } : {}),
      ...(b.auth_url != null ? { authUrl: b.auth_url } : {}),
      ...(b.token_url != null ? { tokenUrl: b.token_url } : {}),
      ...(b.uses_pkce != null ? { usesPkce: b.uses_pkce } : {}),
      ...(b.code_challenge_method !== undefined ? { codeChallengeMethod: b.code_challenge_method } : {}),
      ...(b.token_endpoint_auth_method != null ? { tokenEndpointAuthMethod: b.token_endpoint_auth_method } : {}),
      ...(b.provider_type !== undefined ? { providerType: b.provider_type } : {}),
      ...(b.authorization_params != null ? { authorizationParams: b.authorization_params } : {}),
      ...(b.allowed_redirect_uris != null ? { allowedRedirectUris: b.allowed_redirect_uris } : {}),
      ...(b.revocation_url !== undefined ? { revocationUrl: b.revocation_url } : {}),
    });
    res.json(wire(updated));
  });

  r.delete('/providers/:providerId', async (req, res) => {
    requireOwnerKey(apiKey(res), 'delete providers');
    await core.deleteProvider(req.params.providerId ?? '');
    res.json({ message: 'Provider deleted' });
  });

  r.get('/tokens/exists', (req, res) => {
    const q = parse(providerQuery, req.query, 'query');
    res.json({ has_token: core.hasToken(apiKey(res).id, q.provider_id) });
  });

  r.delete('/tokens', async (req, res) => {
    const q = parse(providerQuery, req.query, 'query');
    await core.revokeTokens(apiKey(res).id, q.provider_id);
    res.json({ message: 'Tokens revoked', provider_id: q.provider_id });
  });

  /**
   * Forwarding of a redirect by a program (issue 14 §5): either the flow's browser binding
   * is in the body and must match the flow, or the owner's key stands in for it. An agent
   * key holding only a code and a state finishes nobody's flow.
   */
  r.post('/callback/:providerId', async (req, res) => {
    const b = parse(callbackBody, req.body, 'body');
    if (b.binding === undefined) requireOwnerKey(apiKey(res), 'complete OAuth callbacks without the flow\'s browser binding');
    const providerId = req.params.providerId ?? '';
    const outcome = await core.flows.callback(providerId, new URLSearchParams({ code: b.code, state: b.state }), b.binding === undefined ? 'headless' : { hash: sha256(b.binding) });
    res.json({ status: outcome.status, provider_id: providerId, ...(outcome.detail ? { detail: outcome.detail } : {}) });
  });

  return r;
}
