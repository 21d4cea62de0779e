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
 * Upstream PATCH semantics (upstream §5 #24): only the fields present change and null leaves
 * a field unchanged (so `client_secret: null` never clears the secret). `provider_id` must
 * name the provider in the path, else 400: a rename that silently did nothing would mislead.
 */
export function providerPatchFromWire(b: ProviderUpdateFields, pathProviderId: string): ProviderPatch {
  if (b.provider_id != null && b.provider_id !== pathProviderId) {
    throw new BadRequest(`provider_id cannot be changed (the body says '${b.provider_id}', the path '${pathProviderId}'): create a provider with the new id instead.`, 'provider_id_immutable');
  }
  return {
    ...(b.name != null ? { name: b.name } : {}),
    ...(b.client_id != null ? { clientId: b.client_id } : {}),
    ...(b.client_secret != null ? { clientSecret: b.client_secret } : {}),
    ...(b.auth_url != null ? { authUrl: b.auth_url } : {}),
    ...(b.token_url != null ? { tokenUrl: b.token_url } : {}),
    ...(b.uses_pkce != null ? { usesPkce: b.uses_pkce } : {}),
    ...(b.code_challenge_method != null ? { codeChallengeMethod: b.code_challenge_method } : {}),
    ...(b.token_endpoint_auth_method != null ? { tokenEndpointAuthMethod: b.token_endpoint_auth_method } : {}),
    ...(b.authorization_params != null ? { authorizationParams: b.authorization_params } : {}),
    ...(b.allowed_redirect_uris != null ? { allowedRedirectUris: b.allowed_redirect_uris } : {}),
    ...(b.revocation_url != null ? { revocationUrl: b.revocation_url } : {}),
  };
}
