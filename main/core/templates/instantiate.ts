/**
 * Turning a catalog template into a provider: the owner supplies only the client id and
 * secret (design.md §6), plus the few variables a template declares (Microsoft tenant,
 * GitLab host, Salesforce login host).
 */
import { BadRequest } from '../errors.ts';
import type { ProviderInput } from '../providers.ts';
import type { ProviderTemplate, RefreshBehaviour, ScopeInfo, TemplateVariable } from './template.ts';

export interface TemplateInstanceInput {
  /** Defaults to the template id. */
  providerId?: string | undefined;
  /** Defaults to the template name. */
  name?: string | undefined;
  clientId: string;
  clientSecret?: string | null | undefined;
  /** Values for the template's variables; blank or absent means the variable's default. */
  variables?: Record<string, string> | undefined;
}

const PLACEHOLDER = /\{([A-Za-z][A-Za-z0-9_]*)\}/g;

/** The placeholder names a template URL uses, for catalog checks. */
export function placeholdersIn(url: string): string[] {
  return [...url.matchAll(PLACEHOLDER)].map((m) => m[1] ?? '');
}

/**
 * Resolve every declared variable to a value that matches its pattern. Values go into URLs
 * unencoded, so the anchored pattern is what keeps them from redirecting tokens elsewhere.
 */
export function resolveVariables(t: ProviderTemplate, given: Record<string, string> = {}): Record<string, string> {
  const declared = t.variables ?? [];
  const known = new Set(declared.map((v) => v.name));
  for (const name of Object.keys(given)) {
    if (known.has(name)) continue;
    const accepted = declared.length > 0 ? `it takes: ${[...known].join(', ')}` : 'it takes none';
    throw new BadRequest(`Template '${t.id}' has no variable '${name}'; ${accepted}.`, 'invalid_template_variable');
  }
  const values: Record<string, string> = {};
  for (const v of declared) {
    const raw = given[v.name]?.trim();
    const value = raw ? raw : v.default;
    if (value === undefined) {
      throw new BadRequest(`Template '${t.id}' needs a value for '${v.name}' (${v.label}).`, 'missing_template_variable');
    }
    if (!new RegExp(v.pattern).test(value)) {
      throw new BadRequest(`'${value}' is not a valid value for '${v.name}' of template '${t.id}' (${v.label}).`, 'invalid_template_variable');
    }
    values[v.name] = value;
  }
  return values;
}

export function substitute(url: string, values: Record<string, string>): string {
  return url.replace(PLACEHOLDER, (_match, name: string) => {
    const value = values[name];
    // Only reachable through a catalog bug: the catalog test checks every placeholder is declared.
    if (value === undefined) throw new Error(`template URL '${url}' uses undeclared variable '${name}'`);
    return value;
  });
}

export function providerInputFromTemplate(t: ProviderTemplate, input: TemplateInstanceInput): ProviderInput {
  const values = resolveVariables(t, input.variables);
  const usesPkce = t.pkce !== 'unsupported';
  return {
    providerId: input.providerId ?? t.id,
    name: input.name ?? t.name,
    clientId: input.clientId,
    clientSecret: input.clientSecret ?? null,
    authUrl: substitute(t.authUrl, values),
    tokenUrl: substitute(t.tokenUrl, values),
    revocationUrl: t.revocationUrl === undefined ? null : substitute(t.revocationUrl, values),
    usesPkce,
    codeChallengeMethod: usesPkce ? 'S256' : null,
    tokenEndpointAuthMethod: t.tokenAuthMethod,
    authorizationParams: { ...t.authorizationParams },
    templateId: t.id,
  };
}

/** One template as listed by the owner API and the CLI (snake_case like the rest of the wire). */
export interface TemplateSummary {
  id: string;
  name: string;
  auth_url: string;
  token_url: string;
  revocation_url: string | null;
  pkce: ProviderTemplate['pkce'];
  token_endpoint_auth_method: ProviderTemplate['tokenAuthMethod'];
  scope_separator: ' ' | ',';
  default_scopes: string[];
  scopes: ScopeInfo[];
  variables: { name: string; label: string; default: string | null; pattern: string }[];
  refresh: RefreshBehaviour | null;
  docs_url: string | null;
  notes: string | null;
}

const variableSummary = (v: TemplateVariable) => ({ name: v.name, label: v.label, default: v.default ?? null, pattern: v.pattern });

export function templateSummary(t: ProviderTemplate): TemplateSummary {
  return {
    id: t.id,
    name: t.name,
    auth_url: t.authUrl,
    token_url: t.tokenUrl,
    revocation_url: t.revocationUrl ?? null,
    pkce: t.pkce,
    token_endpoint_auth_method: t.tokenAuthMethod,
    scope_separator: t.quirks.scopeSeparator ?? ' ',
    default_scopes: [...t.defaultScopes],
    scopes: (t.scopes ?? []).map((s) => ({ ...s })),
    variables: (t.variables ?? []).map(variableSummary),
    refresh: t.refresh ? { ...t.refresh } : null,
    docs_url: t.docsUrl ?? null,
    notes: t.notes ?? null,
  };
}
