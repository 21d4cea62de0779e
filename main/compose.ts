/**
 * createBroker: the one place adapters are wired into core and HTTP. The Electron shell,
 * the headless CLI and the tests all start Latchkey through it.
 */
import type { KeychainBackend } from './adapters/keychain.ts';
import { createLogger } from './adapters/logger.ts';
import { createOAuthClient } from './adapters/oauth-client.ts';
import { cryptoIds, systemClock } from './adapters/system.ts';
import { type Core, createCore } from './core/core.ts';
import type { ApprovalMode } from './core/policy.ts';
import { envBlock as envLines } from './core/env-block.ts';
import type { EventBus } from './core/events.ts';
import type { OwnerKeyProblem } from './core/keys.ts';
import { FLOW_TTL_MS } from './core/oauth-flows.ts';
import type { Clock, KeychainStatus, Logger, VaultKind } from './core/ports.ts';
import { SWEEP_INTERVAL_MS } from './core/refresh-sweep.ts';
import { loginLink, loopbackBaseUrl } from './core/links.ts';
import { sdkFastPath } from './http/fast-path.ts';
import { sdkHandlers } from './http/sdk-handlers.ts';
import { sdkPipeline } from './http/sdk-pipeline.ts';
import { SECURITY_HEADERS } from './http/security-headers.ts';
import { createBrokerServer, DEFAULT_SERVER_LIMITS, type ServerLimits } from './http/server.ts';
import type { SqliteStore } from './adapters/sqlite/sqlite-store.ts';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { createHomeDir } from './home-files.ts';
import { openHome, type PassphraseSource } from './home.ts';
import { lockHome } from './home-lock.ts';
import { claimRuntime, removeRuntime, writeRuntime } from './runtime-file.ts';

export interface BrokerOptions {
  /** 0 picks a free port (tests). */
  port: number;
  home: string;
  /** Persisted when given; otherwise the stored policy (default `ask`) applies. */
  approval?: ApprovalMode | undefined;
  allowInsecureEndpoints?: boolean | undefined;
  logger?: Logger | undefined;
  logLevel?: string | undefined;
  clock?: Clock | undefined;
  keychain?: (() => KeychainBackend) | undefined;
  /** The vault asked for (`--vault`); by default the one the home remembers (home.ts). */
  vault?: VaultKind | undefined;
  /** How to get the passphrase when the passphrase vault is in use (default: LATCHKEY_PASSPHRASE_FILE). */
  passphrase?: PassphraseSource | undefined;
  /** Upstream fetch for provider calls (tests inject fault-injecting fetches). */
  fetch?: typeof fetch | undefined;
  refreshMarginMs?: number | undefined;
  /** The HTTP server's timeouts (tests shorten them). */
  serverLimits?: Partial<ServerLimits> | undefined;
}

export interface Broker {
  readonly url: string;
  readonly port: number;
  readonly home: string;
  readonly events: EventBus;
  readonly core: Core;
  readonly keychain: KeychainStatus;
  /** The owner's API key when it can be shown (created now, or unsealed from the keychain). */
  readonly ownerKey: string | null;
  readonly ownerKeyCreated: boolean;
  /** Why the owner key cannot be shown, or null. */
  readonly ownerKeyProblem: OwnerKeyProblem | null;
  readonly vaultKind: VaultKind;
  /** A fresh one-time sign-in link for the browser UI (the token rides in the fragment, S33). */
  loginUrl(): string;
  envBlock(): string;
  close(): Promise<void>;
}

export { PortInUseError } from './http/server.ts';
export { AlreadyRunningError } from './home-lock.ts';


/**
 * S26: after a crash, a row whose secret cannot be read shows needs_reauth from the start
 * (reading it marks it), instead of ok until an agent first asks for it.
 */
function markUnreadableConnections(core: Core): void {
  for (const c of core.listConnections()) {
    if (c.status !== 'ok') continue;
    try { core.connections.read(c); } catch { /* marked needs_reauth by read() */ }
  }
}

/** Once a minute: refresh what is due, prune answered requests, old flows and old activity. */
function startHousekeeping(core: Core, store: SqliteStore, clock: Clock, logger: Logger): () => void {
  const sweep = setInterval(() => {
    void core.sweep.runOnce();
    try {
      core.requests.prune();
      store.flows.prune(clock.now() - FLOW_TTL_MS * 6);
      core.activity.prune(core.policy.get().activityRetentionDays);
    } catch (err) {
      logger.warn('sweep.failed', { error: err instanceof Error ? err.message : String(err) });
    }
  }, SWEEP_INTERVAL_MS);
  sweep.unref();
  return () => clearInterval(sweep);
}

/**
 * Starts a broker on `options.home`. The order is the safety argument: the home exists
 * (0700), then its lock is held (a second broker stops here, having touched nothing), then
 * the database opens and the port is bound; close() undoes it in reverse.
 */
export async function createBroker(options: BrokerOptions): Promise<Broker> {
  const { home } = options;
  createHomeDir(home);
  const lock = lockHome(home);
  const claim = { pid: process.pid, startedAt: new Date().toISOString() };
  let store: SqliteStore | undefined;
  try {
    claimRuntime(home, claim);
    const logger = options.logger ?? createLogger({ level: options.logLevel ?? 'info' });
    const clock = options.clock ?? systemClock;
    const homeState = await openHome({ home, keychain: options.keychain, vault: options.vault, passphrase: options.passphrase });
    store = homeState.store;
    const { vault } = homeState;
    const keychain = vault.status();
    if (!keychain.ok) logger.warn('keychain.unavailable', { backend: keychain.backend, reason: keychain.reason });

    let port = options.port;
    const baseUrl = (): string => loopbackBaseUrl(port);
    const core = createCore({
      store, vault, clock, ids: cryptoIds, logger, baseUrl,
      oauth: createOAuthClient({ ...(options.fetch ? { fetch: options.fetch } : {}), allowInsecureEndpoints: options.allowInsecureEndpoints ?? false }),
      allowInsecureEndpoints: options.allowInsecureEndpoints ?? false,
      ...(options.refreshMarginMs !== undefined ? { refreshMarginMs: options.refreshMarginMs } : {}),
    });
    if (options.approval) core.policy.update({ mode: options.approval }, { channel: 'cli' });
    const owner = core.keys.ensureOwnerKey();
    if (keychain.ok) markUnreadableConnections(core);

    const envBlock = (): string => envLines(baseUrl(), core.keys.ownerKeyStatus());

    // One Agent Auth pipeline for both mounts: Express's routes and the node:http fast path.
    const sdk = sdkPipeline(core, sdkHandlers(core), { port: () => port, logger });
    const fastPath = sdkFastPath(sdk);
    // Express, and with it the window, the flow pages and the owner API, is loaded by the
    // first request the fast path leaves alone: a broker only agents talk to never pays for
    // it (a third of the start-up time and ~10 MB, issue 17).
    let app: Promise<(req: IncomingMessage, res: ServerResponse) => void> | undefined;
    const loadApp = async () => (await import('./http/app.ts')).createApp(core, { port: () => port, logger, envBlock, now: () => clock.now(), sdk });
    const server = createBrokerServer((req, res) => {
      if (fastPath(req, res)) return;
      (app ??= loadApp()).then((handle) => handle(req, res), (err: unknown) => {
        logger.error('http.app_failed', { error: err instanceof Error ? err.message : String(err) });
        if (!res.headersSent) res.writeHead(500, { ...SECURITY_HEADERS, 'Content-Type': 'text/plain; charset=utf-8' });
        res.end('Latchkey could not load its window and owner API; see the log.');
      });
    }, { ...DEFAULT_SERVER_LIMITS, ...options.serverLimits });
    port = await server.listen(options.port);
    writeRuntime(home, { ...claim, port, url: baseUrl(), control: core.sessions.controlSecret });
    const stopHousekeeping = startHousekeeping(core, store, clock, logger);
    logger.info('broker.listening', { url: baseUrl(), home, keychain: keychain.ok ? keychain.backend : `unavailable: ${keychain.reason}` });

    const opened = store;
    let closing: Promise<void> | undefined;
    return {
      url: baseUrl(),
      port,
      home,
      events: core.events,
      core,
      keychain,
      ownerKey: owner.key,
      ownerKeyCreated: owner.created,
      ownerKeyProblem: owner.problem,
      vaultKind: homeState.vaultKind,
      loginUrl: () => loginLink(baseUrl(), core.sessions.mintLoginToken()),
      envBlock,
      close() {
        closing ??= (async () => {
          stopHousekeeping();
          // Open waits are answered `timeout` (S30) so agents retry instead of hanging; requests
          // already accepted get their answers before their sockets go.
          await server.close(() => core.requests.shutdown());
          removeRuntime(home, claim);
          core.activity.flush();
          opened.close();
          lock.release();
          logger.info('broker.closed', {});
        })();
        return closing;
      },
    };
  } catch (err) {
    store?.close();
    removeRuntime(home, claim);
    lock.release();
    throw err;
  }
}
