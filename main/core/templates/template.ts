/**
 * Provider templates: what Latchkey knows about a provider beyond RFC 6749 (providers.md).
 * A provider created from a template stores its `templateId`; the quirks below are looked
 * up from the catalog at call time, so fixing a template fixes every provider made from it.
 */

/** How a provider deviates from plain RFC 6749 at its endpoints. Every field optional: absent = standard. */
export interface ProviderQuirks {
  /** Separator for the `scope` parameter on the authorization URL (RFC 6749 says space). */
  scopeSeparator?: ' ' | ',';
  /** Extra headers on token-endpoint requests (GitHub needs `Accept: application/json`). */
  tokenHeaders?: Record<string, string>;
  /** Send token-endpoint parameters as a JSON body instead of a form (Notion). */
  tokenRequestFormat?: 'form' | 'json';
  /** Extra parameters on token requests (code and refresh). */
  tokenParams?: Record<string, string>;
  /** A separate endpoint for the refresh grant (Figma). */
  refreshUrl?: string;
  /** Where the access token sits in the token response when not at the top (Slack user tokens: ['authed_user']). */
  tokenResponsePath?: string[];
  /** Errors arrive as HTTP 200 with `ok: false` (Slack). */
  okFalseIsError?: boolean;
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
  /** What a valid value looks like; values are put into URLs. */
  pattern: string;
}

export interface ScopeInfo {
  scope: string;
  description: string;
}

export interface ProviderTemplate {
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
  quirks: ProviderQuirks;
  /** Where to create the OAuth app, shown in the UI. */
  docsUrl?: string;
  notes?: string;
}
