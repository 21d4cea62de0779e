/**
 * Start a real broker for a test: port 0, a fresh temp home, the real SQLite file and the
 * real keychain of the test D-Bus session. `api()` is a small typed fetch helper.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after } from 'node:test';
import { createBroker, type Broker, type BrokerOptions } from '../../main/compose.ts';
import { silentLogger } from '../../main/adapters/logger.ts';

export interface TestBroker extends Broker {
  key: string;
  api(path: string, init?: { method?: string; body?: unknown; key?: string | null; headers?: Record<string, string>; rawBody?: string }): Promise<{ status: number; body: any; headers: Headers; text: string }>;
  restart(overrides?: Partial<BrokerOptions>): Promise<TestBroker>;
  cleanup(): Promise<void>;
}

export function tempHome(): string {
  return mkdtempSync(join(tmpdir(), 'latchkey-test-'));
}

/** For a describe block: a maker of temp homes, all removed after the block. */
export function tempHomes(): () => string {
  const homes: string[] = [];
  after(() => { for (const h of homes) rmSync(h, { recursive: true, force: true }); });
  return () => {
    const h = tempHome();
    homes.push(h);
    return h;
  };
}

export async function startTestBroker(options: Partial<BrokerOptions> = {}): Promise<TestBroker> {
  const home = options.home ?? tempHome();
  const broker = await createBroker({ port: 0, logger: silentLogger, allowInsecureEndpoints: false, ...options, home });
  const key = broker.ownerKey;
  if (!key) throw new Error(`test broker has no owner key (keychain: ${JSON.stringify(broker.keychain)})`);
  const api: TestBroker['api'] = async (path, init = {}) => {
    const headers: Record<string, string> = { ...(init.key === null ? {} : { 'x-api-key': init.key ?? key }), ...init.headers };
    let body: string | undefined = init.rawBody;
    if (init.body !== undefined) {
      body = JSON.stringify(init.body);
      headers['content-type'] ??= 'application/json';
    }
    const res = await fetch(`${broker.url}${path}`, { method: init.method ?? (body === undefined ? 'GET' : 'POST'), headers, ...(body === undefined ? {} : { body }) });
    const text = await res.text();
    let parsed: unknown = text;
    try { parsed = JSON.parse(text); } catch { /* not JSON */ }
    return { status: res.status, body: parsed, headers: res.headers, text };
  };
  const self: TestBroker = Object.assign(Object.create(null) as object, broker, {
    key,
    api,
    close: () => broker.close(),
    loginUrl: () => broker.loginUrl(),
    envBlock: () => broker.envBlock(),
    async restart(overrides: Partial<BrokerOptions> = {}) {
      await broker.close();
      // Let this process's fetch pool see the closed keep-alive sockets before reusing the port.
      await new Promise((r) => setTimeout(r, 50));
      return startTestBroker({ ...options, port: broker.port, ...overrides, home });
    },
    async cleanup() {
      await broker.close();
      rmSync(home, { recursive: true, force: true });
    },
  }) as TestBroker;
  return self;
}

/** A provider body for create_oauth_provider pointing at a test authorization server. */
export function providerBody(issuer: string, overrides: Record<string, unknown> = {}) {
  return {
    provider_id: 'test-idp',
    name: 'Test IdP',
    client_id: 'latchkey-test',
    client_secret: 'test-client-secret-value',
    auth_url: `${issuer}/auth`,
    token_url: `${issuer}/token`,
    ...overrides,
  };
}
