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
 *
 * The other deployment is spoken to with the project's Agent Auth client (main/client/client.ts);
 * this home is opened with openHome (main/home.ts).
 */
import { z } from 'zod';
import { AgentAuthError, Client, LatchkeyUnreachableError, type OAuthProvider } from '../../client/client.ts';
import { silentLogger } from '../../adapters/logger.ts';
import { createOAuthClient } from '../../adapters/oauth-client.ts';
import type { SqliteStore } from '../../adapters/sqlite/sqlite-store.ts';
import { cryptoIds, systemClock } from '../../adapters/system.ts';
import { ActivityLog, type Actor } from '../../core/activity.ts';
import { PROVIDER_TYPES } from '../../contract/agent-auth.ts';
import { LatchkeyError } from '../../core/errors.ts';
import { loopbackBaseUrl, redirectUri } from '../../core/links.ts';
import { discoverMcpProvider } from '../../core/mcp/discover-mcp-provider.ts';
import type { TokenEndpointAuthMethod } from '../../core/model.ts';
import type { ProviderRecord } from '../../core/ports.ts';
import { ProviderService, checkEndpointUrl, type ProviderInput } from '../../core/providers.ts';
import { openHome, type PassphraseSource } from '../../home.ts';
import { readRuntime } from '../../runtime-file.ts';
import type { CliContext } from '../context.ts';
import { bool, list, str, type FlagValues } from '../flags.ts';
import { CliError, UsageError, type Out } from '../output.ts';
import { readSecret, readSecretLines } from '../prompt.ts';

/** The part of LatchkeyConfig these commands use. */
export interface TransferConfig {
  home: string;
  port: number;
  allowInsecureEndpoints: boolean;
  /** For a home on the passphrase vault. */
  passphrase?: PassphraseSource | undefined;
}

/** `latchkey providers export` from the command table: the target's API key is prompted for or read from stdin. */
export async function exportCommand(ctx: CliContext, values: FlagValues): Promise<number> {
  const to = str(values, 'to');
  if (!to) throw new UsageError('providers export needs --to <Agent Auth base URL> and --api-key <key> (or the prompt / --api-key-stdin).');
  const config = ctx.config(values);
  const report = await providersExport({ ...config, passphrase: ctx.passphrase }, ctx.out, { to, apiKey: await apiKey(ctx, values, to), overwrite: bool(values, 'overwrite'), fetch: ctx.fetch });
  return report.failed.length > 0 ? 1 : 0;
}

export async function importCommand(ctx: CliContext, values: FlagValues): Promise<number> {
  const from = str(values, 'from');
  if (!from) throw new UsageError('providers import needs --from <Agent Auth base URL> and --api-key <key> (or the prompt / --api-key-stdin).');
  const config = ctx.config(values);
  const key = await apiKey(ctx, values, from);
  const secrets = [...list(values, 'client-secret'), ...(bool(values, 'client-secrets-stdin') ? await readSecretLines(ctx.input, 'provider_id=secret (empty line to finish): ') : [])];
  const report = await providersImport({ ...config, passphrase: ctx.passphrase }, ctx.out, { from, apiKey: key, clientSecrets: secrets, overwrite: bool(values, 'overwrite'), fetch: ctx.fetch });
  return report.failed.length > 0 ? 1 : 0;
}

async function apiKey(ctx: CliContext, values: FlagValues, base: string): Promise<string> {
  const given = str(values, 'api-key');
  if (given) return given;
  if (bool(values, 'api-key-stdin') || ctx.input.isTTY) return readSecret(ctx.input, `API key for ${base}: `, 'API key');
  throw new UsageError('Give the other deployment\'s API key: typed at the prompt (run in a terminal), --api-key-stdin, or --api-key <key>; the --to/--from and --api-key <key> pair is required.');
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
  const target = otherDeployment(options.to, options.apiKey, config, options.fetch ?? fetch);
  const report = emptyReport();
  const local = await openLocalProviders(config);
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
  const source = otherDeployment(options.from, options.apiKey, config, options.fetch ?? fetch);
  const listed = await source.attempt((c) => c.listOAuthProviders());
  if (!listed.ok || !Array.isArray(listed.value)) {
    throw new CliError(`${source.base} did not list its providers${listed.ok ? ' (not a list)' : ` (HTTP ${listed.status}): ${listed.detail}`}`);
  }
  const items: unknown[] = listed.value;
  const report = emptyReport();
  const local = await openLocalProviders(config);
  try {
    for (const item of items) {
      const parsed = sourceProvider.safeParse(item);
      if (!parsed.success) {
        const id = typeof (item as { providerId?: unknown } | null)?.providerId === 'string' ? (item as { providerId: string }).providerId : '(unnamed)';
        report.failed.push(id);
        out.line(`failed   ${id}: the source's provider record is not in the Agent Auth shape (${parsed.error.issues[0]?.message ?? 'invalid'})`);
        continue;
      }
      const p = parsed.data;
      try {
        await importOne(local, config, options, p, secrets.get(p.providerId) ?? null, report, out);
      } catch (err) {
        if (!(err instanceof LatchkeyError) || !err.expose) throw err;
        report.failed.push(p.providerId);
        out.line(`failed   ${p.providerId}: ${err.message}`);
      }
    }
  } finally {
    local.close();
  }
  for (const id of secrets.keys()) {
    if (!items.some((p) => (p as { providerId?: unknown } | null)?.providerId === id)) out.line(`Warning: --client-secret names '${id}', which ${source.base} does not have.`);
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

const IMPORT: Actor = { channel: 'import' };

/**
 * What the Agent Auth API returns for a provider (§3), as the client hands it over (camelCase).
 * Checked, not trusted: the source may be any deployment. Extra fields are ignored.
 */
const sourceProvider = z.object({
  providerId: z.string().min(1),
  name: z.string().min(1),
  clientId: z.string().min(1),
  authUrl: z.string().min(1),
  tokenUrl: z.string().min(1),
  usesPkce: z.boolean().nullish(),
  codeChallengeMethod: z.string().nullish(),
  tokenEndpointAuthMethod: z.enum(['none', 'client_secret_basic', 'client_secret_post']).nullish(),
  providerType: z.string().nullish(),
  mcpServerUrl: z.string().nullish(),
  isDynamicClient: z.boolean().nullish(),
  authorizationParams: z.record(z.string(), z.string()).nullish(),
  allowedRedirectUris: z.array(z.string()).nullish(),
  // Latchkey additions; absent on a hosted source.
  revocationUrl: z.string().nullish(),
  hasClientSecret: z.boolean().nullish(),
});
type SourceProvider = z.infer<typeof sourceProvider>;

async function importOne(
  local: LocalProviders, config: TransferConfig, options: ImportOptions, p: SourceProvider, secret: string | null, report: TransferReport, out: Out,
): Promise<void> {
  const id = p.providerId;
  const existing = local.providers.find(id);
  const isMcp = p.providerType === 'mcp' && !!p.mcpServerUrl;
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
    }, { providerId: id, name: p.name, mcpServerUrl: p.mcpServerUrl ?? '', clientId: p.isDynamicClient ? null : p.clientId, clientSecret: secret });
    report.created.push(id);
    out.line(`created  ${id} (MCP server re-discovered here)`);
    return;
  }
  const sourceMethod: TokenEndpointAuthMethod = p.tokenEndpointAuthMethod ?? 'client_secret_post';
  const usedSecret = sourceMethod !== 'none' || p.hasClientSecret === true;
  const keepSecret = secret === null && existing?.hasClientSecret === true;
  const method: TokenEndpointAuthMethod = secret !== null || keepSecret ? (sourceMethod === 'none' ? 'client_secret_post' : sourceMethod) : 'none';
  if (usedSecret && secret === null && !keepSecret) report.needSecret.push(id);
  const fields: Omit<ProviderInput, 'providerId'> = {
    name: p.name, clientId: p.clientId, authUrl: p.authUrl, tokenUrl: p.tokenUrl,
    usesPkce: p.usesPkce ?? true, codeChallengeMethod: p.codeChallengeMethod ?? null, tokenEndpointAuthMethod: method,
    providerType: p.providerType ?? null, authorizationParams: p.authorizationParams ?? {}, allowedRedirectUris: p.allowedRedirectUris ?? [],
    revocationUrl: p.revocationUrl ?? null,
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

type OtherDeployment = ReturnType<typeof otherDeployment>;

async function exportOne(target: OtherDeployment, p: ProviderRecord, secret: string | null, overwrite: boolean): Promise<{ result: 'created' | 'updated' | 'skipped' | 'failed'; note: string }> {
  const id = p.providerId;
  const mcp = travelsAsDiscovery(p);
  const res = mcp
    ? await target.attempt((c) => c.discoverMcpProvider({ providerId: id, name: p.name, mcpServerUrl: p.mcpServerUrl ?? '', ...(p.isDynamicClient ? {} : { clientId: p.clientId, clientSecret: secret }) }))
    : await target.attempt((c) => c.createOAuthProvider({ providerId: id, ...exportFields(p, secret) }));
  if (res.ok) return { result: 'created', note: mcp ? ' (MCP server discovered there)' : registerNote(res.value, p.name) };
  if (res.status !== 409) return { result: 'failed', note: `: ${res.detail}` };
  if (!overwrite || mcp) {
    return { result: 'skipped', note: `: it already exists on the target (${mcp ? 'MCP providers are re-discovered, not patched: delete it there first to replace it' : '--overwrite replaces it'})` };
  }
  const patched = await target.attempt((c) => c.updateOAuthProvider(id, exportFields(p, secret)));
  return patched.ok ? { result: 'updated', note: registerNote(patched.value, p.name) } : { result: 'failed', note: `: ${patched.detail}` };
}

/** Create/update fields of agent-auth-api.md §2 (plus Latchkey's revocation_url). */
function exportFields(p: ProviderRecord, secret: string | null) {
  return {
    name: p.name, clientId: p.clientId, clientSecret: secret, authUrl: p.authUrl, tokenUrl: p.tokenUrl,
    usesPkce: p.usesPkce, codeChallengeMethod: p.codeChallengeMethod === null ? null : 'S256' as const, tokenEndpointAuthMethod: p.tokenEndpointAuthMethod,
    providerType: wireProviderType(p.providerType), authorizationParams: p.authorizationParams, allowedRedirectUris: p.allowedRedirectUris,
    revocationUrl: p.revocationUrl,
  };
}

/** Only upstream's provider_type values travel (the target refuses others with a 422); any other is sent as null. */
function wireProviderType(t: string | null): (typeof PROVIDER_TYPES)[number] | null {
  return PROVIDER_TYPES.find((x) => x === t) ?? null;
}

const travelsAsDiscovery = (p: ProviderRecord): boolean => p.providerType === 'mcp' && p.mcpServerUrl !== null;

/** Latchkey targets answer with the redirect URI to register; hosted ones do not. */
function registerNote(provider: OAuthProvider, name: string): string {
  const uri: unknown = provider.redirectUri;
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

/** This home's providers over its store and vault (openHome); refused while the vault is unavailable. */
async function openLocalProviders(config: TransferConfig): Promise<LocalProviders> {
  const home = await openHome({ home: config.home, mustExist: true, passphrase: config.passphrase });
  const status = home.vault.status();
  if (!status.ok) {
    home.close();
    throw new CliError(`Cannot read or store client secrets: the ${home.vaultKind} vault is unavailable (${status.reason}). \`npx latchkey doctor\` says how to fix it.`);
  }
  // The redirect URI for the port this home's broker runs (or will run) on.
  const base = readRuntime(config.home)?.url ?? loopbackBaseUrl(config.port);
  // S36: providers created or changed by an import are logged in this home's activity log.
  const activity = new ActivityLog({ store: home.store, clock: systemClock, logger: silentLogger });
  return {
    providers: new ProviderService({ store: home.store, vault: home.vault, clock: systemClock, ids: cryptoIds, activity, allowInsecureEndpoints: config.allowInsecureEndpoints }),
    settings: home.store.settings,
    redirectUri: (id) => redirectUri(base, id),
    close: () => { activity.flush(); home.close(); },
  };
}

/**
 * The other Agent Auth deployment, through the project's client. Secrets go only to https or
 * loopback targets (S17). A refused key fails every call alike, so it stops at the first; other
 * refusals are answers the caller reports per provider.
 */
function otherDeployment(baseUrl: string, apiKey: string, config: TransferConfig, fetchImpl: typeof fetch) {
  const base = baseUrl.trim().replace(/\/+$/, '');
  try {
    checkEndpointUrl('the Agent Auth base URL', base, config.allowInsecureEndpoints);
  } catch (err) {
    throw new CliError((err as Error).message, 2);
  }
  const client = new Client({ apiUrl: base, apiKey, fetch: fetchImpl, timeoutMs: 30_000 });
  return {
    base,
    async attempt<T>(call: (c: Client) => Promise<T>): Promise<{ ok: true; value: T } | { ok: false; status: number; detail: string }> {
      try {
        return { ok: true, value: await call(client) };
      } catch (err) {
        if (err instanceof LatchkeyUnreachableError) throw new CliError(`Could not reach ${base} (${err.reason === 'refused' ? 'connection refused' : err.message}).`);
        if (err instanceof SyntaxError) return { ok: false, status: 200, detail: 'the answer was not JSON' };
        if (!(err instanceof AgentAuthError)) throw err;
        const detail = typeof err.detail === 'string' ? err.detail : JSON.stringify(err.detail);
        if (err.status === 401 || err.status === 403) throw new CliError(`${base} refused the API key (HTTP ${err.status}): ${detail}`);
        return { ok: false, status: err.status, detail };
      }
    },
  };
}
