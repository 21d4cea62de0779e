/**
 * The Add/Edit provider forms as plain data: a draft the inputs edit, checked and turned
 * into the owner API's CreateProviderBody / UpdateProviderBody. Errors are keyed by field
 * so each input can show its own sentence.
 */
import type { CreateProviderBody, ProviderView, TemplateView, UpdateProviderBody } from '../../../main/http/owner-api-types.ts';

export type ProviderKind = 'template' | 'issuer' | 'generic';
export type AuthMethod = 'none' | 'client_secret_basic' | 'client_secret_post';

export interface ProviderDraft {
  kind: ProviderKind;
  templateId: string;
  providerId: string;
  name: string;
  clientId: string;
  clientSecret: string;
  issuer: string;
  authUrl: string;
  tokenUrl: string;
  revocationUrl: string;
  usesPkce: boolean;
  authMethod: AuthMethod;
  /** One `name=value` per line. */
  authorizationParams: string;
  variables: Record<string, string>;
}

export type DraftErrors = Record<string, string>;
export type DraftResult<T> = { ok: true; body: T } | { ok: false; errors: DraftErrors };

/** Mirrors the broker's rule (main/core/providers.ts) so the form can say it before sending. */
export const PROVIDER_ID_PATTERN = /^[A-Za-z0-9][A-Za-z0-9._~-]{0,63}$/;

export function emptyDraft(kind: ProviderKind): ProviderDraft {
  return {
    kind, templateId: '', providerId: '', name: '', clientId: '', clientSecret: '', issuer: '', authUrl: '', tokenUrl: '',
    revocationUrl: '', usesPkce: true, authMethod: 'client_secret_post', authorizationParams: '', variables: {},
  };
}

export function draftForTemplate(t: TemplateView): ProviderDraft {
  const variables: Record<string, string> = {};
  for (const v of t.variables) variables[v.name] = v.default ?? '';
  return { ...emptyDraft('template'), templateId: t.id, providerId: t.id, name: t.name, variables };
}

export function draftFromProvider(p: ProviderView): ProviderDraft {
  return {
    ...emptyDraft(p.template_id ? 'template' : p.issuer ? 'issuer' : 'generic'),
    templateId: p.template_id ?? '', providerId: p.provider_id, name: p.name, clientId: p.client_id, issuer: p.issuer ?? '',
    authUrl: p.auth_url, tokenUrl: p.token_url, revocationUrl: p.revocation_url ?? '', usesPkce: p.uses_pkce,
    authMethod: isAuthMethod(p.token_endpoint_auth_method) ? p.token_endpoint_auth_method : 'client_secret_post',
    authorizationParams: formatParams(p.authorization_params),
  };
}

function isAuthMethod(v: string): v is AuthMethod {
  return v === 'none' || v === 'client_secret_basic' || v === 'client_secret_post';
}

/** What to register in the provider's console; the broker builds the same string. */
export function redirectUriFor(baseUrl: string, providerId: string): string {
  return `${baseUrl.replace(/\/+$/, '')}/host-oauth-callback/${providerId}`;
}

export function searchTemplates(templates: readonly TemplateView[], query: string): TemplateView[] {
  const words = query.toLowerCase().split(/\s+/).filter(Boolean);
  if (words.length === 0) return [...templates];
  return templates.filter((t) => {
    const haystack = `${t.id} ${t.name}`.toLowerCase();
    return words.every((w) => haystack.includes(w));
  });
}

export function parseParams(text: string): { ok: true; params: Record<string, string> } | { ok: false; error: string } {
  const params: Record<string, string> = {};
  for (const [i, raw] of text.split('\n').entries()) {
    const line = raw.trim();
    if (!line) continue;
    const eq = line.indexOf('=');
    if (eq <= 0) return { ok: false, error: `Line ${i + 1} needs the form name=value.` };
    params[line.slice(0, eq).trim()] = line.slice(eq + 1).trim();
  }
  return { ok: true, params };
}

export function formatParams(params: Readonly<Record<string, string>>): string {
  return Object.entries(params).map(([k, v]) => `${k}=${v}`).join('\n');
}

/** Mirrors the broker's S17 rule (main/core/providers.ts checkEndpointUrl): https, or plain http on loopback only. */
const LOOPBACK_HOSTS = new Set(['127.0.0.1', 'localhost', '[::1]']);
export const URL_RULE = 'https://, or http:// only for a loopback address such as http://127.0.0.1:8080';

function checkUrl(value: string, field: string, errors: DraftErrors, label: string): void {
  let url: URL;
  try {
    url = new URL(value.trim());
  } catch {
    errors[field] = `Enter the full ${label}, starting with ${URL_RULE}.`;
    return;
  }
  if (url.protocol === 'https:') return;
  if (url.protocol === 'http:' && LOOPBACK_HOSTS.has(url.hostname)) return;
  errors[field] = url.protocol === 'http:'
    ? `The ${label} must use https://; plain http:// is accepted only for a loopback address (127.0.0.1, localhost, [::1]).`
    : `The ${label} must start with ${URL_RULE}.`;
}

/** The redirect URI preview, or why there is none yet: an invalid id would show a URI nobody can register. */
export function redirectPreview(baseUrl: string, providerId: string): { ok: true; uri: string } | { ok: false; reason: string } {
  const id = providerId.trim();
  if (!id) return { ok: false, reason: 'Choose a provider id to see it.' };
  if (!PROVIDER_ID_PATTERN.test(id)) return { ok: false, reason: 'Fix the provider id (letters, digits, ".", "_", "~" or "-") to see it.' };
  return { ok: true, uri: redirectUriFor(baseUrl, id) };
}

/** The endpoint URLs and authorization parameters of a generic or edited provider; null when they do not parse. */
function checkEndpoints(draft: ProviderDraft, errors: DraftErrors): Record<string, string> | null {
  checkUrl(draft.authUrl, 'authUrl', errors, 'authorization URL');
  checkUrl(draft.tokenUrl, 'tokenUrl', errors, 'token URL');
  if (draft.revocationUrl.trim()) checkUrl(draft.revocationUrl, 'revocationUrl', errors, 'revocation URL');
  const parsed = parseParams(draft.authorizationParams);
  if (!parsed.ok) errors.authorizationParams = parsed.error;
  return parsed.ok ? parsed.params : null;
}

function checkCommon(draft: ProviderDraft, errors: DraftErrors, needsName: boolean): void {
  const id = draft.providerId.trim();
  if (!id) errors.providerId = 'Choose a provider id; agents ask for it by this name.';
  else if (!PROVIDER_ID_PATTERN.test(id)) errors.providerId = "Use up to 64 letters, digits, '.', '_', '~' or '-', starting with a letter or digit.";
  if (needsName && !draft.name.trim()) errors.name = 'Give the provider a name people will recognise.';
  if (!draft.clientId.trim()) errors.clientId = "Paste the client id from the provider's developer console.";
}

const secretOf = (draft: ProviderDraft): string | null => (draft.clientSecret.trim() ? draft.clientSecret.trim() : null);

export function buildCreateBody(draft: ProviderDraft, template?: TemplateView): DraftResult<CreateProviderBody> {
  const errors: DraftErrors = {};
  if (draft.kind === 'template') {
    if (!template) return { ok: false, errors: { templateId: 'Pick a template first.' } };
    checkCommon(draft, errors, false);
    const variables: Record<string, string> = {};
    for (const v of template.variables) {
      const value = (draft.variables[v.name] ?? '').trim() || (v.default ?? '');
      if (!value) errors[`var:${v.name}`] = `${v.label} is needed.`;
      else if (!new RegExp(v.pattern).test(value)) errors[`var:${v.name}`] = `'${value}' does not look right for ${v.label}.`;
      variables[v.name] = value;
    }
    if (Object.keys(errors).length > 0) return { ok: false, errors };
    return {
      ok: true,
      body: {
        kind: 'template', template_id: template.id, provider_id: draft.providerId.trim(), client_id: draft.clientId.trim(), client_secret: secretOf(draft),
        ...(template.variables.length > 0 ? { variables } : {}),
      },
    };
  }
  checkCommon(draft, errors, true);
  if (draft.kind === 'issuer') {
    checkUrl(draft.issuer, 'issuer', errors, 'issuer URL');
    if (Object.keys(errors).length > 0) return { ok: false, errors };
    return {
      ok: true,
      body: { kind: 'issuer', provider_id: draft.providerId.trim(), name: draft.name.trim(), issuer: draft.issuer.trim(), client_id: draft.clientId.trim(), client_secret: secretOf(draft) },
    };
  }
  const params = checkEndpoints(draft, errors);
  if (!params || Object.keys(errors).length > 0) return { ok: false, errors };
  return {
    ok: true,
    body: {
      kind: 'generic', provider_id: draft.providerId.trim(), name: draft.name.trim(), client_id: draft.clientId.trim(), client_secret: secretOf(draft),
      auth_url: draft.authUrl.trim(), token_url: draft.tokenUrl.trim(), revocation_url: draft.revocationUrl.trim() || null,
      uses_pkce: draft.usesPkce, token_endpoint_auth_method: draft.authMethod, authorization_params: params,
    },
  };
}

/**
 * Only the fields that changed. A blank secret keeps the stored one (the window never
 * sees it); `removeSecret` clears it.
 */
export function buildUpdateBody(original: ProviderView, draft: ProviderDraft, removeSecret = false): DraftResult<UpdateProviderBody> {
  const errors: DraftErrors = {};
  if (!draft.name.trim()) errors.name = 'Give the provider a name people will recognise.';
  if (!draft.clientId.trim()) errors.clientId = "Paste the client id from the provider's developer console.";
  const params = checkEndpoints(draft, errors);
  if (!params || Object.keys(errors).length > 0) return { ok: false, errors };
  const body: UpdateProviderBody = {};
  if (draft.name.trim() !== original.name) body.name = draft.name.trim();
  if (draft.clientId.trim() !== original.client_id) body.client_id = draft.clientId.trim();
  if (removeSecret) body.client_secret = null;
  else if (draft.clientSecret.trim()) body.client_secret = draft.clientSecret.trim();
  if (draft.authUrl.trim() !== original.auth_url) body.auth_url = draft.authUrl.trim();
  if (draft.tokenUrl.trim() !== original.token_url) body.token_url = draft.tokenUrl.trim();
  const revocation = draft.revocationUrl.trim() || null;
  if (revocation !== original.revocation_url) body.revocation_url = revocation;
  if (draft.usesPkce !== original.uses_pkce) body.uses_pkce = draft.usesPkce;
  if (formatParams(params) !== formatParams(original.authorization_params)) body.authorization_params = params;
  return { ok: true, body };
}

/** What the delete confirmation says goes with the provider. */
export function deleteConsequences(p: Pick<ProviderView, 'provider_id' | 'connection_count'>): string {
  const n = p.connection_count;
  const connections = n === 0
    ? 'It has no connections.'
    : `Its ${n} ${n === 1 ? 'connection' : 'connections'} and the stored tokens will be deleted (and revoked at the provider where it supports that).`;
  return `${connections} Its grants and pending requests are removed too, and agents asking for '${p.provider_id}' get "unknown provider" until you add it again.`;
}
