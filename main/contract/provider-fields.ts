/**
 * Provider fields on the wire (snake_case, null meaning "not given" for required fields)
 * → the core's ProviderInput / ProviderPatch. One mapping for the Agent Auth routes and the
 * owner API, so a field added to providers is mapped in one place.
 */
import type { z } from 'zod';
import { BadRequest } from '../core/errors.ts';
import type { ProviderInput, ProviderPatch } from '../core/providers.ts';
import type { createProviderBody, updateProviderBody } from './agent-auth.ts';

export type ProviderCreateFields = z.output<typeof createProviderBody>;
export type ProviderUpdateFields = z.output<typeof updateProviderBody>;

export function providerInputFromWire(b: ProviderCreateFields): ProviderInput {
  return {
    providerId: b.provider_id, name: b.name, clientId: b.client_id, clientSecret: b.client_secret, authUrl: b.auth_url,
    tokenUrl: b.token_url, usesPkce: b.uses_pkce ?? undefined, codeChallengeMethod: b.code_challenge_method,
    tokenEndpointAuthMethod: b.token_endpoint_auth_method ?? undefined, providerType: b.provider_type,
    authorizationParams: b.authorization_params ?? undefined, allowedRedirectUris: b.allowed_redirect_uris ?? undefined,
    revocationUrl: b.revocation_url,
  };
}

/**
 * Only the fields present change. Required fields always ignore null. For the nullable ones
 * (`client_secret`, `revocation_url`, `code_challenge_method`) the channel decides:
 * - `unchanged` — the Agent Auth API, as upstream (§5 #24): null leaves a field as it is, so
 *   `client_secret: null` never clears the secret;
 * - `clear` — the owner's window, whose "remove the secret" sends null.
 * A `provider_id` in the body must name the provider in the path, else 400: a rename that
 * silently did nothing would mislead.
 */
export function providerPatchFromWire(b: ProviderUpdateFields, options: { nullMeans: 'unchanged' | 'clear'; pathProviderId: string }): ProviderPatch {
  const bodyId = 'provider_id' in b ? b.provider_id : undefined;
  if (bodyId != null && bodyId !== options.pathProviderId) {
    throw new BadRequest(`provider_id cannot be changed (the body says '${bodyId}', the path '${options.pathProviderId}'): create a provider with the new id instead.`, 'provider_id_immutable');
  }
  const given = (v: unknown): boolean => (options.nullMeans === 'clear' ? v !== undefined : v != null);
  return {
    ...(b.name != null ? { name: b.name } : {}),
    ...(b.client_id != null ? { clientId: b.client_id } : {}),
    ...(given(b.client_secret) ? { clientSecret: b.client_secret ?? null } : {}),
    ...(b.auth_url != null ? { authUrl: b.auth_url } : {}),
    ...(b.token_url != null ? { tokenUrl: b.token_url } : {}),
    ...(b.uses_pkce != null ? { usesPkce: b.uses_pkce } : {}),
    ...(given(b.code_challenge_method) ? { codeChallengeMethod: b.code_challenge_method ?? null } : {}),
    ...(b.token_endpoint_auth_method != null ? { tokenEndpointAuthMethod: b.token_endpoint_auth_method } : {}),
    ...(b.authorization_params != null ? { authorizationParams: b.authorization_params } : {}),
    ...(b.allowed_redirect_uris != null ? { allowedRedirectUris: b.allowed_redirect_uris } : {}),
    ...(given(b.revocation_url) ? { revocationUrl: b.revocation_url ?? null } : {}),
  };
}
