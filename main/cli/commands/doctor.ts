/**
 * `latchkey doctor`: check, on one screen, what Latchkey needs on this machine and in this
 * home, and say how to fix what is wrong: Node, the vault (with a keychain write/read probe),
 * the home's permissions, the port, the broker for this home, and each provider's redirect URI
 * and endpoints. It unlocks nothing it would have to ask for: a passphrase is only checked when
 * LATCHKEY_PASSPHRASE_FILE names one. Exit code 1 when any check fails.
 */
import { existsSync, statSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { loopbackBaseUrl, redirectUri } from '../../core/links.ts';
import type { ProviderView, SessionView } from '../../http/owner-api-types.ts';
import { dbPath, HomeError, openHome, openHomeStore, PASSPHRASE_FILE_ENV, passphraseFromFile, probeOsKeychain, type VaultKind } from '../../home.ts';
import { runtimePath, type RuntimeInfo } from '../../runtime-file.ts';
import type { CliContext } from '../context.ts';
import { bool, type FlagValues } from '../flags.ts';
import { NotRunning, ownerClient, verifiedBroker } from '../owner-client.ts';
import { keychainFixes } from '../vault-advice.ts';

type Level = 'ok' | 'warn' | 'fail';
interface Check { level: Level; text: string; fix?: readonly string[] }

const MIN_NODE = [22, 12] as const;

export async function doctor(ctx: CliContext, values: FlagValues): Promise<number> {
  const config = ctx.config(values);
  const checks: Check[] = [nodeCheck()];
  const broker = await verifiedBroker(config.home, ctx.fetch).then(
    (r): { runtime: RuntimeInfo } | { notRunning: string } => ({ runtime: r }),
    (err: unknown) => {
      if (err instanceof NotRunning) return { notRunning: err.message };
      throw err;
    },
  );
  const client = 'runtime' in broker ? ownerClient(config.home, ctx.fetch) : null;
  const stored = openHomeStore(config.home);
  const vaultKind: VaultKind = stored?.vaultKind ?? 'keychain';
  let providers: Array<Pick<ProviderView, 'provider_id' | 'auth_url' | 'token_url' | 'redirect_uri'>>;
  try {
    checks.push(await vaultCheck(ctx, config.home, vaultKind, client));
    checks.push(homeCheck(config.home));
    checks.push('runtime' in broker
      ? { level: 'ok', text: `Broker: running for this home (pid ${broker.runtime.pid}, ${broker.runtime.url}); it proved it holds this home's control secret` }
      : { level: 'warn', text: `Broker: ${broker.notRunning.replace(/ Start it with.*$/, '')}`, fix: ['Start it: npx latchkey serve'] });
    checks.push(await portCheck(config.port, 'runtime' in broker ? broker.runtime.port : null));
    const base = 'runtime' in broker ? broker.runtime.url : loopbackBaseUrl(config.port);
    providers = client
      ? await client.call<ProviderView[]>('GET', '/ui/api/providers')
      : (stored?.store.providers.list() ?? []).map((p) => ({ provider_id: p.providerId, auth_url: p.authUrl, token_url: p.tokenUrl, redirect_uri: redirectUri(base, p.providerId) }));
  } finally {
    stored?.close();
  }
  if (providers.length === 0) checks.push({ level: 'warn', text: 'Providers: none yet', fix: ['Add one: npx latchkey providers add --template github --client-id … --client-secret-stdin'] });
  for (const p of providers) checks.push(await providerCheck(p, bool(values, 'offline'), ctx.fetch));

  ctx.out.line(`Latchkey doctor — home ${config.home}`, 'bold');
  for (const c of checks) {
    ctx.out.check(c.level, c.text);
    for (const f of c.fix ?? []) ctx.out.line(`    ${f}`);
  }
  const failed = checks.filter((c) => c.level === 'fail').length;
  ctx.out.line(failed === 0 ? 'No problems found.' : `${failed} problem(s) found; each says how to fix it.`, failed === 0 ? 'ok' : 'fail');
  return failed === 0 ? 0 : 1;
}

function nodeCheck(): Check {
  const [major = 0, minor = 0] = process.versions.node.split('.').map(Number);
  const ok = major > MIN_NODE[0] || (major === MIN_NODE[0] && minor >= MIN_NODE[1]);
  return ok ? { level: 'ok', text: `Node ${process.versions.node} (needs ≥ ${MIN_NODE.join('.')})` }
    : { level: 'fail', text: `Node ${process.versions.node} is too old: Latchkey needs ≥ ${MIN_NODE.join('.')}`, fix: ['Install a current Node (https://nodejs.org), e.g. with nvm: nvm install 22'] };
}

async function vaultCheck(ctx: CliContext, home: string, kind: VaultKind, client: ReturnType<typeof ownerClient> | null): Promise<Check> {
  if (kind === 'passphrase') {
    const running = client ? (await client.call<SessionView>('GET', '/ui/api/session')).keychain : null;
    if (running) return running.ok ? { level: 'ok', text: `Vault: passphrase (${running.backend}); the running broker has it unlocked` } : { level: 'fail', text: `Vault: passphrase: ${running.reason}` };
    const file = ctx.env[PASSPHRASE_FILE_ENV];
    if (!file) return { level: 'ok', text: 'Vault: passphrase (scrypt); typed when Latchkey starts (or set LATCHKEY_PASSPHRASE_FILE to a mode-0600 file)' };
    try {
      (await openHome({ home, mustExist: true, passphrase: passphraseFromFile(ctx.env) })).close();
      return { level: 'ok', text: `Vault: passphrase (scrypt); the passphrase in ${file} opens it` };
    } catch (err) {
      if (err instanceof HomeError) return { level: 'fail', text: `Vault: passphrase: ${err.message}` };
      throw err;
    }
  }
  const probe = probeOsKeychain();
  return probe.ok
    ? { level: 'ok', text: `Vault: keychain — ${probe.backend}: write/read probe passed` }
    : { level: 'fail', text: `Vault: keychain — ${probe.backend} is unavailable: ${probe.reason}`, fix: keychainFixes() };
}

function homeCheck(home: string): Check {
  if (!existsSync(home)) return { level: 'warn', text: `Home ${home} does not exist yet`, fix: ['Latchkey creates it (mode 0700) at its first start: npx latchkey serve'] };
  const loose: string[] = [];
  const mine = (p: string): boolean => typeof process.getuid !== 'function' || statSync(p).uid === process.getuid();
  const modeOf = (p: string): number => statSync(p).mode & 0o777;
  if (process.platform !== 'win32') {
    if ((modeOf(home) & 0o077) !== 0) loose.push(`chmod 700 ${home}`);
    for (const f of [dbPath(home), `${dbPath(home)}-wal`, runtimePath(home), join(home, 'latchkey.log')]) {
      if (existsSync(f) && (modeOf(f) & 0o077) !== 0) loose.push(`chmod 600 ${f}`);
    }
  }
  if (!mine(home)) return { level: 'fail', text: `Home ${home} belongs to another user`, fix: ['Run Latchkey as the user who owns it, or pass --home'] };
  return loose.length === 0 ? { level: 'ok', text: `Home ${home}: readable by you only` }
    : { level: 'fail', text: `Home ${home}: other users can read parts of it`, fix: loose };
}

async function portCheck(port: number, brokerPort: number | null): Promise<Check> {
  if (brokerPort === port) return { level: 'ok', text: `Port ${port}: this home's broker listens there` };
  const free = await new Promise<boolean>((resolve) => {
    const s = createServer();
    s.once('error', () => resolve(false));
    s.listen(port, '127.0.0.1', () => s.close(() => resolve(true)));
  });
  if (free) return { level: 'ok', text: `Port ${port}: free; \`latchkey serve\` can listen there${brokerPort ? ` (the running broker uses ${brokerPort})` : ''}` };
  return { level: brokerPort ? 'warn' : 'fail', text: `Port ${port} on 127.0.0.1 is taken by another program${brokerPort ? ` (this home's broker runs on ${brokerPort})` : ''}`,
    fix: [`Find it: ss -ltnp 'sport = :${port}' (or lsof -i :${port}); or choose another port: --port N / LATCHKEY_PORT=N (and register the new redirect URIs)`] };
}

async function providerCheck(p: Pick<ProviderView, 'provider_id' | 'auth_url' | 'token_url' | 'redirect_uri'>, offline: boolean, fetchImpl: typeof fetch): Promise<Check> {
  const text = `Provider ${p.provider_id}: register ${p.redirect_uri}`;
  if (offline) return { level: 'ok', text, fix: ['endpoints not checked (--offline)'] };
  const results = await Promise.all([['authorize', p.auth_url], ['token', p.token_url]].map(async ([what, url]) => ({ what, url, answer: await reach(url ?? '', fetchImpl) })));
  const down = results.filter((r) => r.answer.startsWith('unreachable'));
  return { level: down.length > 0 ? 'fail' : 'ok', text, fix: results.map((r) => `${r.answer.startsWith('unreachable') ? '✗' : '✓'} ${r.what} endpoint ${r.url}: ${r.answer}`) };
}

/** Any HTTP answer means reachable (a GET on a token endpoint is usually 4xx); only a network failure is not. */
async function reach(url: string, fetchImpl: typeof fetch): Promise<string> {
  try {
    const res = await fetchImpl(url, { method: 'GET', redirect: 'manual', signal: AbortSignal.timeout(5_000) });
    await res.body?.cancel();
    return `reachable (HTTP ${res.status})`;
  } catch (err) {
    const cause = (err as { cause?: { code?: string; message?: string } }).cause;
    return `unreachable (${cause?.code ?? cause?.message ?? (err as Error).message})`;
  }
}
