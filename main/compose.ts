/**
 * createBroker: the one place adapters are wired into core and HTTP. The Electron shell,
 * the headless CLI and the tests all start Latchkey through it.
 */
import { mkdirSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { join } from 'node:path';
import { osKeychain, type KeychainBackend } from './adapters/keychain.ts';
import { createLogger } from './adapters/logger.ts';
import { createOAuthClient } from './adapters/oauth-client.ts';
import { openSqliteStore } from './adapters/sqlite/sqlite-store.ts';
import { cryptoIds, systemClock } from './adapters/system.ts';
import { openVault } from './adapters/vault.ts';
import { type Core, createCore } from './core/core.ts';
import type { ApprovalMode } from './core/policy.ts';
import type { EventBus } from './core/events.ts';
import { FLOW_TTL_MS } from './core/oauth-flows.ts';
import type { Clock, KeychainStatus, Logger } from './core/ports.ts';
import { SWEEP_INTERVAL_MS } from './core/refresh-sweep.ts';
import { createApp } from './http/app.ts';
import { sdkFastPath } from './http/fast-path.ts';
import { sdkHandlers } from './http/sdk-handlers.ts';
import { sdkPipeline } from './http/sdk-pipeline.ts';
import { MAX_HEADER_BYTES } from './http/guards.ts';
import { removeRuntime, writeRuntime } from './runtime-file.ts';
import { loginLink, loopbackBaseUrl } from './core/links.ts';

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
  /** Upstream fetch for provider calls (tests inject fault-injecting fetches). */
  fetch?: typeof fetch | undefined;
  refreshMarginMs?: number | undefined;
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
  /** A fresh one-time sign-in link for the browser UI. */
  loginUrl(): string;
  envBlock(): string;
  close(): Promise<void>;
}

export class PortInUseError extends Error {
  readonly port: number;
  constructor(port: number) {
    super(`Port ${port} on 127.0.0.1 is already in use (is another Latchkey running?). Latchkey does not silently move to another port, because redirect URIs registered with providers include it. Stop the other program, or choose another port with --port N or LATCHKEY_PORT=N (and register the new redirect URIs).`);
    this.port = port;
  }
}


export async function createBroker(options: BrokerOptions): Promise<Broker> {
  mkdirSync(options.home, { recursive: true, mode: 0o700 });
  const logger = options.logger ?? createLogger({ level: options.logLevel ?? 'info' });
  const clock = options.clock ?? systemClock;
  const store = openSqliteStore(join(options.home, 'latchkey.db'));

  let vaultId = store.settings.get('vault_id');
  if (!vaultId) {
    vaultId = cryptoIds.uuid();
    store.settings.set('vault_id', vaultId);
  }
  const vault = openVault({ keychain: options.keychain ?? (() => osKeychain()), vaultId });
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
  // S26: after a crash, a row whose secret cannot be read shows needs_reauth from the start
  // (reading it marks it), instead of ok until an agent first asks for it.
  if (keychain.ok) {
    for (const c of core.listConnections()) {
      if (c.status !== 'ok') continue;
      try { core.connections.read(c); } catch { /* marked needs_reauth by read() */ }
    }
  }

  const envBlock = (): string => [
    `export LANGSMITH_API_URL=${baseUrl()}`,
    `export LANGSMITH_API_KEY=${core.keys.readOwnerKey() ?? owner.key ?? '<owner key: run npx latchkey env>'}`,
  ].join('\n');

  // One Agent Auth pipeline for both mounts: Express's routes and the node:http fast path.
  const sdk = sdkPipeline(core, sdkHandlers(core), { port: () => port, logger });
  const app = createApp(core, { port: () => port, logger, envBlock, now: () => clock.now(), sdk });
  // requireHostHeader off: a Host-less request must reach the S01 guard and get its 403, not Node's 400.
  const fastPath = sdkFastPath(sdk);
  const server: Server = createServer({ maxHeaderSize: MAX_HEADER_BYTES, requestTimeout: 0, requireHostHeader: false }, (req, res) => {
    if (!fastPath(req, res)) app(req, res);
  });
  // Long-polls last up to 600 s; Node's default keep-alive/headers timeouts are fine otherwise.
  server.headersTimeout = 20_000;
  // Clients must give up idle keep-alive sockets before the server closes them, or a reused
  // socket dies mid-request ("other side closed"). httpx expires them after 5 s — exactly
  // Node's default — and undici after 4 s; 30 s here keeps the server out of that race.
  server.keepAliveTimeout = 30_000;
  const sockets = new Set<Socket>();
  server.on('connection', (s) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
  });
  // Requests being answered, so close() can let them finish (event streams excepted: they never do).
  let inFlight = 0;
  server.on('request', (req, res) => {
    if (req.headers.accept === 'text/event-stream') return;
    inFlight++;
    res.once('close', () => inFlight--);
  });

  try {
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(options.port, '127.0.0.1', () => {
        server.off('error', reject);
        resolve();
      });
    });
  } catch (err) {
    store.close();
    if ((err as NodeJS.ErrnoException).code === 'EADDRINUSE') throw new PortInUseError(options.port);
    throw err;
  }
  port = (server.address() as AddressInfo).port;
  writeRuntime(options.home, { pid: process.pid, port, url: baseUrl(), control: core.sessions.controlSecret, startedAt: new Date().toISOString() });

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
  logger.info('broker.listening', { url: baseUrl(), home: options.home, keychain: keychain.ok ? keychain.backend : `unavailable: ${keychain.reason}` });

  let closing: Promise<void> | undefined;
  return {
    url: baseUrl(),
    port,
    home: options.home,
    events: core.events,
    core,
    keychain,
    ownerKey: owner.key,
    ownerKeyCreated: owner.created,
    loginUrl: () => loginLink(baseUrl(), core.sessions.mintLoginToken()),
    envBlock,
    close() {
      closing ??= (async () => {
        clearInterval(sweep);
        const closed = new Promise<void>((resolve) => server.close(() => resolve()));
        // Open waits are answered `timeout` (S30) so agents retry instead of hanging; requests
        // already accepted get their answers before their sockets go.
        core.requests.shutdown();
        server.closeIdleConnections();
        const deadline = Date.now() + 2_000;
        while (inFlight > 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 10));
        for (const s of sockets) s.destroy();
        await closed;
        removeRuntime(options.home, core.sessions.controlSecret);
        core.activity.flush();
        store.close();
        logger.info('broker.closed', {});
      })();
      return closing;
    },
  };
}
