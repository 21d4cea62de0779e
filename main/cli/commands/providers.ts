/** `latchkey providers templates|list|add|remove`: the provider catalog and configured providers. */
import { TEMPLATES } from '../../core/templates/catalog.ts';
import { templateSummary } from '../../core/templates/instantiate.ts';
import type { CreateProviderBody, DeleteProviderResponse, ProviderView } from '../../http/owner-api-types.ts';
import { CliError, type Out } from '../output.ts';
import type { OwnerClient } from '../owner-client.ts';
import { table } from '../table.ts';

export function providersTemplates(out: Out, json: boolean): void {
  const all = TEMPLATES.map(templateSummary);
  if (json) return out.line(JSON.stringify(all, null, 2));
  for (const l of table([['ID', 'NAME', 'PKCE', 'DEFAULT SCOPES', 'VARIABLES'], ...all.map((t) => [t.id, t.name, t.pkce, t.default_scopes.join(' ') || '-', t.variables.map((v) => v.name).join(', ') || '-'])])) out.line(l);
}

export interface ProvidersAddOptions {
  template?: string | undefined;
  issuer?: string | undefined;
  id?: string | undefined;
  name?: string | undefined;
  clientId?: string | undefined;
  clientSecret?: string | undefined;
  authUrl?: string | undefined;
  tokenUrl?: string | undefined;
  vars: string[];
}

function parseVars(vars: string[]): Record<string, string> {
  const out: Record<string, string> = {};
  for (const v of vars) {
    const i = v.indexOf('=');
    if (i <= 0) throw new CliError(`--var must look like name=value (got '${v}').`, 2);
    out[v.slice(0, i)] = v.slice(i + 1);
  }
  return out;
}

export async function providersAdd(client: OwnerClient, out: Out, o: ProvidersAddOptions): Promise<void> {
  if (!o.clientId) throw new CliError('--client-id is required (from the OAuth app you registered with the provider).', 2);
  let body: CreateProviderBody;
  if (o.template) {
    body = { kind: 'template', template_id: o.template, client_id: o.clientId, client_secret: o.clientSecret ?? null, variables: parseVars(o.vars), ...(o.id ? { provider_id: o.id } : {}) };
  } else if (o.issuer) {
    if (!o.id || !o.name) throw new CliError('--issuer needs --id and --name too.', 2);
    body = { kind: 'issuer', provider_id: o.id, name: o.name, issuer: o.issuer, client_id: o.clientId, client_secret: o.clientSecret ?? null };
  } else {
    if (!o.id || !o.name || !o.authUrl || !o.tokenUrl) throw new CliError('Give --template <id>, or --issuer <url>, or all of --id --name --auth-url --token-url.', 2);
    body = { kind: 'generic', provider_id: o.id, name: o.name, client_id: o.clientId, client_secret: o.clientSecret ?? null, auth_url: o.authUrl, token_url: o.tokenUrl };
  }
  const p = await client.call<ProviderView>('POST', '/ui/api/providers', body);
  out.line(`Added provider '${p.provider_id}' (${p.name}).`);
  out.line(`Register this redirect URI in the provider's console:`);
  out.line(`  ${p.redirect_uri}`);
}

export async function providersList(client: OwnerClient, out: Out, json: boolean): Promise<void> {
  const list = await client.call<ProviderView[]>('GET', '/ui/api/providers');
  if (json) return out.line(JSON.stringify(list, null, 2));
  if (list.length === 0) return out.line('No providers yet. Add one: latchkey providers add --template github --client-id … --client-secret …');
  for (const l of table([['ID', 'NAME', 'TEMPLATE', 'CONNECTIONS', 'REDIRECT URI'], ...list.map((p) => [p.provider_id, p.name, p.template_id ?? '-', String(p.connection_count), p.redirect_uri])])) out.line(l);
}

export async function providersRemove(client: OwnerClient, out: Out, id: string | undefined): Promise<void> {
  if (!id) throw new CliError('Which provider? latchkey providers remove <provider_id>', 2);
  const res = await client.call<DeleteProviderResponse>('DELETE', `/ui/api/providers/${encodeURIComponent(id)}`);
  out.line(`Removed '${id}' with ${res.connections_removed} connection(s) (revoked at the provider where possible), ${res.grants_removed} grant(s) and ${res.requests_removed} pending request(s).`);
}
