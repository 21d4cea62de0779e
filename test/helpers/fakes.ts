/**
 * Small fakes for unit tests of core: a clock to move by hand, an in-memory keychain behind
 * the real vault, and an OAuth client whose token endpoint is a script. Storage stays real
 * (SQLite :memory:), as the style guide asks.
 */
import { createCore, type Core } from '../../main/core/core.ts';
import type { ClientRegistrationRequest, Logger, OAuthClient, OAuthClientConfig, ProtectedResourceMetadataDocument, ServerMetadata, TokenResponse } from '../../main/core/ports.ts';
import { UpstreamError } from '../../main/core/upstream-error.ts';
import type { KeychainBackend } from '../../main/adapters/keychain.ts';
import { openSqliteStore, type SqliteStore } from '../../main/adapters/sqlite/sqlite-store.ts';
import { cryptoIds } from '../../main/adapters/system.ts';
import { openVault } from '../../main/adapters/vault.ts';
import { TEST_ACTOR } from './owner.ts';

export class FakeClock {
  #now: number;
  constructor(start = Date.UTC(2026, 10, 26, 12, 0, 0)) { this.#now = start; }
  now = (): number => this.#now;
  advance(ms: number): void { this.#now += ms; }
}

/** Real time plus an offset the test moves: for brokers whose other parts (oidc-provider) keep real time. */
export function movableClock() {
  let offset = 0;
  return { now: () => Date.now() + offset, advance: (ms: number) => { offset += ms; } };
}

export function memoryKeychain(options: { broken?: string } = {}): KeychainBackend & { items: Map<string, string> } {
  const items = new Map<string, string>();
  const check = (): void => { if (options.broken) throw new Error(options.broken); };
  return {
    name: 'memory keychain',
    items,
    get: (a) => { check(); return items.get(a) ?? null; },
    set: (a, v) => { check(); items.set(a, v); },
    delete: (a) => { check(); items.delete(a); },
  };
}

export type TokenScript = (kind: 'code' | 'refresh', input: { refreshToken?: string; code?: string }) => Promise<TokenResponse> | TokenResponse;

/** An OAuth client whose provider is a function; counts calls. */
export class FakeOAuth implements OAuthClient {
  calls = { code: 0, refresh: 0, revoke: 0 };
  revoked: string[] = [];
  script: TokenScript;
  revokeFails = false;
  constructor(script: TokenScript) { this.script = script; }
  async discover(issuer: string): Promise<ServerMetadata> {
    return { issuer, authorization_endpoint: `${issuer}/auth`, token_endpoint: `${issuer}/token` };
  }
  async pkce() { return { verifier: 'v'.repeat(43), challenge: 'c'.repeat(43) }; }
  async fetchProtectedResourceMetadata(_serverUrl: string): Promise<ProtectedResourceMetadataDocument> { throw new UpstreamError('protocol', 'the fake provider serves no MCP metadata'); }
  async registerClient(_endpoint: string, _metadata: ClientRegistrationRequest): Promise<unknown> { throw new UpstreamError('protocol', 'the fake provider offers no registration'); }
  /** What fetchIdentity answers (null: the fake provider has no identity endpoint). */
  identity: unknown = null;
  async fetchIdentity(): Promise<unknown> {
    if (this.identity === null) throw new UpstreamError('protocol', 'the fake provider has no identity endpoint');
    return this.identity;
  }
  checkIssuer(): void {}
  async exchangeCode(_cfg: OAuthClientConfig, input: { callbackParams: URLSearchParams }): Promise<TokenResponse> {
    this.calls.code++;
    return this.script('code', { code: input.callbackParams.get('code') ?? '' });
  }
  async refresh(_cfg: OAuthClientConfig, refreshToken: string): Promise<TokenResponse> {
    this.calls.refresh++;
    return this.script('refresh', { refreshToken });
  }
  async revoke(_cfg: OAuthClientConfig, token: string): Promise<void> {
    this.calls.revoke++;
    if (this.revokeFails) throw new UpstreamError('transient', 'revocation endpoint down');
    this.revoked.push(token);
  }
}

export const quietLogger: Logger = { info: () => {}, warn: () => {}, error: () => {} };

export interface CoreHarness {
  core: Core;
  clock: FakeClock;
  oauth: FakeOAuth;
  store: SqliteStore;
}

/**
 * Core over real SQLite (:memory:, or the file `dbPath` when a test needs a second
 * connection), the real vault on an in-memory keychain, a fake clock and provider.
 */
export function coreHarness(script: TokenScript, options: { refreshMarginMs?: number; dbPath?: string } = {}): CoreHarness {
  const clock = new FakeClock();
  const oauth = new FakeOAuth(script);
  const store = openSqliteStore(options.dbPath ?? ':memory:');
  const vault = openVault({ keychain: () => memoryKeychain(), vaultId: 'unit' });
  const core = createCore({
    store, vault, clock, ids: cryptoIds, logger: quietLogger, oauth, baseUrl: () => 'http://127.0.0.1:24817',
    random: () => 0.5, ...(options.refreshMarginMs !== undefined ? { refreshMarginMs: options.refreshMarginMs } : {}),
  });
  core.keys.ensureOwnerKey();
  core.providers.create({ providerId: 'idp', name: 'IdP', clientId: 'c', clientSecret: 's', authUrl: 'https://idp.example/auth', tokenUrl: 'https://idp.example/token', revocationUrl: 'https://idp.example/revoke' }, TEST_ACTOR);
  return { core, clock, oauth, store };
}
