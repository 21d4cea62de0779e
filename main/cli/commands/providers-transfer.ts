/**
 * `latchkey providers export|import`: move provider configurations between this Latchkey
 * and another Agent Auth deployment (hosted LangSmith, or another Latchkey) through the
 * Agent Auth API (agent-auth-api.md §2). Tokens never move: they belong to the deployment
 * whose redirect URI obtained them.
 *
 * Both commands read or write this home's store directly (as `latchkey env` does) rather
 * than through the running broker: the Agent Auth API never returns a client secret, so
 * export must read them from the vault, and import then works whether or not Latchkey is
 * running (the broker reads providers from SQLite on every request, so it sees them at once).
 *
 * MCP providers travel as their server URL: the other side runs its own `mcp-discover`,
 * because a dynamically registered client is bound to the redirect URI it registered.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { z } from 'zod';
import { osKeychain } from '../../adapters/keychain.ts';
import { silentLogger } from '../../adapters/logger.ts';
import { ActivityLog, type Actor } from '../../core/activity.ts';
import { createOAuthClient } from '../../adapters/oauth-client.ts';
import { openSqliteStore, type SqliteStore } from '../../adapters/sqlite/sqlite-store.ts';
import { cryptoIds, systemClock } from '../../adapters/system.ts';
import { openVault } from '../../adapters/vault.ts';
import { LatchkeyError } from '../../core/errors.ts';
import { discoverMcpProvider } from '../../core/mcp/discover-mcp-provider.ts';
import type { TokenEndpointAuthMethod } from '../../core/model.ts';
import type { ProviderRecord } from '../../core/ports.ts';
import { ProviderService, checkEndpointUrl, type ProviderInput } from '../../core/providers.ts';
import { readRuntime } from '../../runtime-file.ts';
import { CliError, type Out } from '../output.ts';
import { loopbackBaseUrl, redirectUri } from '../../core/links.ts';

/** The part of LatchkeyConfig these commands use. */
export interface TransferConfig {
  home: string;
  port: number;
  allowInsecureEndpoints: boolean;
}

export interface ExportOptions {
  /** Base URL of the target Agent Auth deployment, e.g. https://api.host.langchain.com. */
  to: string;
  apiKey: string;
  /** PATCH providers that already exist on the target instead of skipping them. */
  overwrite?: boolean | undefined;
  fetch?: typeof fetch | undefined;
}

export interface ImportOptions {
  from: string;
  apiKey: string;
  /** `provider_id=secret` pairs (the source never returns client secrets). */
  clientSecrets?: readonly string[] | undefined;
  overwrite?: boolean | undefined;
  fetch?: typeof fetch | undefined;
}

export interface TransferReport {
  created: string[];
  updated: string[];
  skipped: string[];
  failed: string[];
  /** Imported as public clients although the source used a client secret. */
  needSecret: string[];
}

const emptyReport = (): TransferReport => ({ created: [], updated: [], skipped: [], failed: [], needSecret: [] });

export async function providersExport(config: TransferConfig, out: Out, options: ExportOptions): Promise<TransferReport> {
  const target: AgentAuthApi = agentAuthApi(options.to, options.apiKey, config, options.fetch ?? fetch);
  const report = emptyReport();
  const local = openLocalProviders(config);
  let outgoing: { p: ProviderRecord; secret: string | null }[];
  try {
    // A dynamic client's secret belongs to this deployment's registration: it stays here.
    outgoing = local.providers.list().map((p) => local.providers.get(p.providerId))
      .map((p) => ({ p, secret: travelsAsDiscovery(p) && p.isDynamicClient ? null : local.providers.clientSecret(p) }));
  } finally {
    local.close();
  }
  if (outgoing.length === 0) {
    out.line('No providers to export.');
    return report;
  }
  const withSecrets = outgoing.filter((o) => o.secret !== null).length;
  if (withSecrets > 0) out.line(`Warning: sending the client secrets of ${withSecrets} provider(s) to ${target.base}, the deployment you named with --to.`);

  for (const { p, secret } of outgoing) {
    const outcome = await exportOne(target, p, secret, options.overwrite ?? false);
    report[outcome.result].push(p.providerId);
    out.line(`${outcome.result.padEnd(8)} ${p.providerId}${outcome.note}`);
    if (p.templateId && (outcome.result === 'created' || outcome.result === 'updated')) {
      out.line(`         note: ${p.providerId} came from Latchkey's '${p.templateId}' template; the target gets its URLs and parameters, not Latchkey's template behaviour.`);
    }
  }
  out.line(summary('Exported to', target.base, report));
  return report;
}

export async function providersImport(config: TransferConfig, out: Out, options: ImportOptions): Promise<TransferReport> {
  const secrets = parseClientSecretPairs(options.clientSecrets ?? []);
  const source = agentAuthApi(options.from, options.apiKey, config, options.fetch ?? fetch);
  const listed = await source.call('GET', '/v2/auth/providers');
  if (listed.status !== 200 || !Array.isArray(listed.body)) {
    throw new CliError(`${source.base} did not list its providers (HTTP ${listed.status}): ${listed.detail}`);
  }
  const report = emptyReport();
  const local = openLocalProviders(config);
  try {
    for (const item of listed.body as unknown[]) {
      const parsed = sourceProvider.safeParse(item);
      if (!parsed.success) {
        const id = typeof (item as { provider_id?: unknown } | null)?.provider_id === 'string' ? (item as { provider_id: string }).provider_id : '(unnamed)';
        report.failed.push(id);
        out.line(`failed   ${id}: the source's provider record is not in the Agent Auth shape (${parsed.error.issues[0]?.message ?? 'invalid'})`);
        continue;
      }
      const p = parsed.data;
      try {
        await importOne(local, config, options, p, secrets.get(p.provider_id) ?? null, report, out);
      } catch (err) {
        if (!(err instanceof LatchkeyError) || !err.expose) throw err;
        report.failed.push(p.provider_id);
        out.line(`failed   ${p.provider_id}: ${err.message}`);
      }
    }
  } finally {
    local.close();
  }
  for (const id of secrets.keys()) {
    if (!listed.body.some((p: unknown) => (p as { provider_id?: unknown }).provider_id === id)) out.line(`Warning: --client-secret names '${id}', which ${source.base} does not have.`);
  }
  if (report.needSecret.length > 0) {
    out.line(`Note: ${report.needSecret.join(', ')} used a client secret at ${source.base}, which never returns secrets, so Latchkey created them as public clients. If their providers require the secret, run again with --overwrite --client-secret <provider_id>=<secret>.`);
  }
  out.line(summary('Imported from', source.base, report));
  return report;
}

/** `github=abc` → github → abc. The id is everything before the first `=`. */
export function parseClientSecretPairs(pairs: readonly string[]): Map<string, string> {
  const map = new Map<string, string>();
  for (const pair of pairs) {
    const i = pair.indexOf('=');
    // Never echo the argument: it may be a bare secret.
    if (i <= 0 || i === pair.length - 1) throw new CliError(`--client-secret takes provider_id=secret; one value has ${i <= 0 ? 'no provider_id before "="' : 'nothing after "="'}.`, 2);
    map.set(pair.slice(0, i), pair.slice(i + 1));
  }
  return map;
}

/** What the Agent Auth API returns for a provider (§3); extra fields are ignored. */
const sourceProvider = z.object({
  provider_id: z.string().min(1),
  name: z.string().min(1),
  client_id: z.string().min(1),
  auth_url: z.string().min(1),
  token_url: z.string().min(1),
  uses_pkce: z.boolean().nullish(),
  code_challenge_method: z.string().nullish(),
  token_endpoint_auth_method: z.enum(['none', 'client_secret_basic', 'client_secret_post']).nullish(),
  provider_type: z.string().nullish(),
  mcp_server_url: z.string().nullish(),
  is_dynamic_client: z.boolean().nullish(),
  authorization_params: z.record(z.string(), z.string()).nullish(),
  allowed_redirect_uris: z.array(z.string()).nullish(),
  // Latchkey additions; absent on a hosted source.
  revocation_url: z.string().nullish(),
  has_client_secret: z.boolean().nullish(),
});
type SourceProvider = z.infer<typeof sourceProvider>;

const IMPORT: Actor = { channel: 'import' };

async function importOne(
  local: LocalProviders, config: TransferConfig, options: ImportOptions, p: SourceProvider, secret: string | null, report: TransferReport, out: Out,
): Promise<void> {
  const id = p.provider_id;
  const existing = local.providers.find(id);
  const isMcp = p.provider_type === 'mcp' && !!p.mcp_server_url;
  if (existing && (!options.overwrite || isMcp)) {
    report.skipped.push(id);
    out.line(`skipped  ${id}: it already exists here${isMcp ? ' (delete it first to re-discover the MCP server)' : ' (--overwrite replaces it)'}`);
    return;
  }
  if (isMcp) {
    // Our own registration, bound to our redirect URI; a pre-registered client id carries over.
    await discoverMcpProvider({
      oauth: createOAuthClient({ allowInsecureEndpoints: config.allowInsecureEndpoints, ...(options.fetch ? { fetch: options.fetch } : {}) }),
      providers: local.providers, settings: local.settings, redirectUri: local.redirectUri, allowInsecureEndpoints: config.allowInsecureEndpoints, logger: silentLogger, actor: IMPORT,
    }, { providerId: id, name: p.name, mcpServerUrl: p.mcp_server_url ?? '', clientId: p.is_dynamic_client ? null : p.client_id, clientSecret: secret });
    report.created.push(id);
    out.line(`created  ${id} (MCP server re-discovered here)`);
    return;
  }
  const sourceMethod: TokenEndpointAuthMethod = p.token_endpoint_auth_method ?? 'client_secret_post';
  const usedSecret = sourceMethod !== 'none' || p.has_client_secret === true;
  const keepSecret = secret === null && existing?.hasClientSecret === true;
  const method: TokenEndpointAuthMethod = secret !== null || keepSecret ? (sourceMethod === 'none' ? 'client_secret_post' : sourceMethod) : 'none';
  if (usedSecret && secret === null && !keepSecret) report.needSecret.push(id);
  const fields: Omit<ProviderInput, 'providerId'> = {
    name: p.name, clientId: p.client_id, authUrl: p.auth_url, tokenUrl: p.token_url,
    usesPkce: p.uses_pkce ?? true, codeChallengeMethod: p.code_challenge_method ?? null, tokenEndpointAuthMethod: method,
    providerType: p.provider_type ?? null, authorizationParams: p.authorization_params ?? {}, allowedRedirectUris: p.allowed_redirect_uris ?? [],
    revocationUrl: p.revocation_url ?? null,
    ...(secret !== null ? { clientSecret: secret } : keepSecret ? {} : { clientSecret: null }),
  };
  if (existing) {
    local.providers.update(id, fields, IMPORT);
    report.updated.push(id);
    out.line(`updated  ${id}`);
  } else {
    local.providers.create({ providerId: id, ...fields }, IMPORT, 'imported');
    report.created.push(id);
    out.line(`created  ${id}: register ${local.redirectUri(id)} as a redirect URI with ${p.name}`);
  }
}

type AgentAuthApi = ReturnType<typeof agentAuthApi>;

async function exportOne(target: AgentAuthApi, p: ProviderRecord, secret: string | null, overwrite: boolean): Promise<{ result: 'created' | 'updated' | 'skipped' | 'failed'; note: string }> {
  const id = p.providerId;
  const mcp = travelsAsDiscovery(p);
  const res = mcp
    ? await target.call('POST', '/v2/auth/providers/mcp-discover', { provider_id: id, name: p.name, mcp_server_url: p.mcpServerUrl, ...(p.isDynamicClient ? {} : { client_id: p.clientId, client_secret: secret }) })
    : await target.call('POST', '/v2/auth/providers', { provider_id: id, ...exportFields(p, secret) });
  if (res.status === 200) return { result: 'created', note: mcp ? ' (MCP server discovered there)' : registerNote(res.body, p.name) };
  if (res.status !== 409) return { result: 'failed', note: `: ${res.detail}` };
  if (!overwrite || mcp) {
    return { result: 'skipped', note: `: it already exists on the target (${mcp ? 'MCP providers are re-discovered, not patched: delete it there first to replace it' : '--overwrite replaces it'})` };
  }
  const patched = await target.call('PATCH', `/v2/auth/providers/${encodeURIComponent(id)}`, exportFields(p, secret));
  return patched.status === 200 ? { result: 'updated', note: registerNote(patched.body, p.name) } : { result: 'failed', note: `: ${patched.detail}` };
}

/** Create/update body fields of agent-auth-api.md §2 (plus Latchkey's revocation_url). */
function exportFields(p: ProviderRecord, secret: string | null) {
  return {
    name: p.name, client_id: p.clientId, client_secret: secret, auth_url: p.authUrl, token_url: p.tokenUrl,
    uses_pkce: p.usesPkce, code_challenge_method: p.codeChallengeMethod, token_endpoint_auth_method: p.tokenEndpointAuthMethod,
    provider_type: p.providerType, authorization_params: p.authorizationParams, allowed_redirect_uris: p.allowedRedirectUris,
    revocation_url: p.revocationUrl,
  };
}

const travelsAsDiscovery = (p: ProviderRecord): boolean => p.providerType === 'mcp' && p.mcpServerUrl !== null;

/** Latchkey targets answer with the redirect URI to register; hosted ones do not. */
function registerNote(body: unknown, name: string): string {
  const uri = (body as { redirect_uri?: unknown } | null)?.redirect_uri;
  return typeof uri === 'string' ? `: register ${uri} as a redirect URI with ${name}` : `: register the target's redirect URI with ${name}`;
}

function summary(verb: string, base: string, r: TransferReport): string {
  return `${verb} ${base}: ${r.created.length} created, ${r.updated.length} updated, ${r.skipped.length} skipped, ${r.failed.length} failed.`;
}

interface LocalProviders {
  providers: ProviderService;
  settings: SqliteStore['settings'];
  redirectUri: (providerId: string) => string;
  close(): void;
}

/** This home's providers over its store and keychain-sealed vault (as `latchkey env` opens them). */
function openLocalProviders(config: TransferConfig): LocalProviders {
  const dbPath = join(config.home, 'latchkey.db');
  if (!existsSync(dbPath)) throw new CliError(`No Latchkey data in ${config.home} yet. Run \`npm start\` once to create it.`);
  const store = openSqliteStore(dbPath);
  const vaultId = store.settings.get('vault_id');
  const vault = vaultId ? openVault({ keychain: () => osKeychain(), vaultId }) : null;
  const status = vault?.status();
  if (!vault || !status?.ok) {
    store.close();
    throw new CliError(vault ? `Cannot read or store client secrets: the OS keychain is unavailable (${status && !status.ok ? status.reason : 'unknown'}).` : `The Latchkey data in ${config.home} has no vault id; start Latchkey once to initialise it.`);
  }
  // Same as OAuthFlows.redirectUri, for the port this home's broker runs (or will run) on.
  const base = readRuntime(config.home)?.url ?? loopbackBaseUrl(config.port);
  // S36: providers created or changed by an import are logged in this home's activity log.
  const activity = new ActivityLog({ store, clock: systemClock, logger: silentLogger });
  return {
    providers: new ProviderService({ store, vault, clock: systemClock, ids: cryptoIds, activity, allowInsecureEndpoints: config.allowInsecureEndpoints }),
    settings: store.settings,
    redirectUri: (id) => redirectUri(base, id),
    close: () => { activity.flush(); store.close(); },
  };
}

interface ApiAnswer {
  status: number;
  body: unknown;
  /** The error `detail` as a sentence, or the raw text. */
  detail: string;
}

/**
 * A minimal Agent Auth API client: `x-api-key` on every call, only HTTP 200 is success
 * (agent-auth-api.md §1). Secrets go only to https or loopback targets (S17).
 */
function agentAuthApi(baseUrl: string, apiKey: string, config: TransferConfig, fetchImpl: typeof fetch) {
  const base = baseUrl.trim().replace(/\/+$/, '');
  try {
    checkEndpointUrl('the Agent Auth base URL', base, config.allowInsecureEndpoints);
  } catch (err) {
    throw new CliError((err as Error).message, 2);
  }
  return {
    base,
    async call(method: 'GET' | 'POST' | 'PATCH', path: string, body?: unknown): Promise<ApiAnswer> {
      let res: Response;
      try {
        res = await fetchImpl(`${base}${path}`, {
          method,
          headers: { 'x-api-key': apiKey, accept: 'application/json', ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
          ...(body === undefined ? {} : { body: JSON.stringify(body) }),
          signal: AbortSignal.timeout(30_000),
        });
      } catch (err) {
        throw new CliError(`Could not reach ${base} (${err instanceof Error ? err.message : String(err)}).`);
      }
      const text = await res.text();
      let parsed: unknown = text;
      try { parsed = JSON.parse(text); } catch { /* not JSON */ }
      const raw = (parsed as { detail?: unknown } | null)?.detail ?? text;
      const detail = typeof raw === 'string' ? raw : JSON.stringify(raw);
      // A refused key fails every call the same way: stop at the first.
      if (res.status === 401 || res.status === 403) throw new CliError(`${base} refused the API key (HTTP ${res.status}): ${detail}`);
      return { status: res.status, body: parsed, detail };
    },
  };
}
