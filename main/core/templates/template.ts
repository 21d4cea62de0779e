/**
 * Provider templates: what Latchkey knows about a provider beyond RFC 6749 (providers.md).
 * A provider created from a template stores its `templateId`; the quirks below are looked
 * up from the catalog at call time, so fixing a template fixes every provider made from it.
 */

/** How a provider deviates from plain RFC 6749 at its endpoints. Every field optional: absent = standard. */
export interface ProviderQuirks {
  /** Separator for the `scope` parameter on the authorization URL (RFC 6749 §3.3 says space). */
  scopeSeparator?: ' ' | ',';
  /** Extra headers on token-endpoint and revocation requests (GitHub `Accept`, Reddit `User-Agent`). */
  tokenHeaders?: Record<string, string>;
  /** Send token-endpoint parameters as a JSON body instead of a form (Notion). */
  tokenRequestFormat?: 'form' | 'json';
  /** Extra parameters on token requests (code and refresh); protocol parameters always win. */
  tokenParams?: Record<string, string>;
  /** A separate absolute endpoint for the refresh grant (Figma). */
  refreshUrl?: string;
  /** Where the access token sits in the token response when not at the top (Slack user tokens: ['authed_user']). */
  tokenResponsePath?: string[];
  /** Errors arrive as HTTP 200 with `ok: false` (Slack). */
  okFalseIsError?: boolean;
  /** Errors arrive as HTTP 200 with an `error` field and no token (GitHub, Reddit). */
  errorsWithStatus200?: boolean;
  /** The error-body field holding the error code when it is not RFC 6749 §5.2 `error` (HubSpot `status`). */
  errorCodeField?: string;
  /**
   * Provider error codes → RFC 6749 §5.2 codes. Mapping dead codes and refresh tokens to
   * `invalid_grant` is what lets refresh mark a connection needs_reauth instead of retrying.
   */
  errorCodes?: Record<string, string>;
  /** The granted `scope` comes back comma-separated (GitHub) or as a JSON array (Linear), not RFC 6749 §5.1 space-separated. */
  grantedScopeFormat?: 'comma' | 'array';
  /** Send requested scopes in this authorization parameter instead of `scope` (Slack `user_scope`). */
  scopeParam?: string;
  /** Refresh this long before expiry instead of the default 5 minutes. */
  refreshMarginMs?: number;
  /** The provider sends no `expires_in`; assume this lifetime (Salesforce) — null means never expires. */
  assumedLifetimeSeconds?: number | null;
}

export interface TemplateVariable {
  name: string;
  label: string;
  default?: string;
  /** What a valid value looks like, anchored (`^…$`); values are put into URLs unencoded. */
  pattern: string;
}

export interface ScopeInfo {
  scope: string;
  description: string;
}

/** How the provider hands out refresh tokens (providers.md "Refresh" column), shown in the UI. */
export interface RefreshBehaviour {
  /**
   * `always`; `offline` only with the template's offline parameter or scope (sent by default);
   * `app-setting` only when enabled on the OAuth app (GitHub Apps, Slack token rotation); `never`.
   */
  issued: 'always' | 'offline' | 'app-setting' | 'never';
  /** Each refresh returns a new refresh token and retires the old one. */
  rotates: boolean;
}

export interface AccountIdentity { url?: string; fields: string[][] }

export interface ProviderTemplate {
  /** Also the default provider_id, so it must match PROVIDER_ID_PATTERN. */
  id: string;
  name: string;
  /** May contain `{variable}` placeholders filled from `variables`. */
  authUrl: string;
  tokenUrl: string;
  revocationUrl?: string;
  pkce: 'required' | 'supported' | 'unsupported';
  tokenAuthMethod: 'client_secret_post' | 'client_secret_basic' | 'none';
  authorizationParams: Record<string, string>;
  defaultScopes: string[];
  scopes?: ScopeInfo[];
  variables?: TemplateVariable[];
  refresh?: RefreshBehaviour;
  quirks: ProviderQuirks;
  /**
   * Where the signed-in account's label comes from (issue 14): a JSON document fetched with
   * the new access token (`url`), else the token response itself. Each field is a path; the
   * first one holding a non-empty string wins. Not an endpoint quirk: it never changes a token call.
   */
  identity?: AccountIdentity;
  /** Where to create the OAuth app, shown in the UI. */
  docsUrl?: string;
  notes?: string;
}

/**
 * A catalog entry as written: the common choices (PKCE supported, client_secret_post, no
 * extra parameters, no quirks) are defaults, and scopes are written `scope: description`.
 */
export type TemplateEntry = Omit<ProviderTemplate, 'pkce' | 'tokenAuthMethod' | 'authorizationParams' | 'quirks' | 'scopes'>
  & Partial<Pick<ProviderTemplate, 'pkce' | 'tokenAuthMethod' | 'authorizationParams' | 'quirks'>>
  & { scopes?: Record<string, string> };

export function template(entry: TemplateEntry): ProviderTemplate {
  const { scopes, ...rest } = entry;
  return {
    pkce: 'supported',
    tokenAuthMethod: 'client_secret_post',
    authorizationParams: {},
    quirks: {},
    ...rest,
    ...(scopes ? { scopes: Object.entries(scopes).map(([scope, description]) => ({ scope, description })) } : {}),
  };
}
