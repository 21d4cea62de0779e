/**
 * The broker under test, in its own process: `createBroker` on 127.0.0.1:0 with a fresh temp
 * home, the real SQLite file, the keychain of the bench D-Bus session and a file logger at
 * `info` (as `latchkey serve` runs it). Fixtures are made directly through `broker.core`, so
 * no provider is ever contacted except the local token endpoint given by `--token-url`.
 *
 * Commands (bench/helpers.ts forkServer): `pending`, `atProvider`, `approve`, `expire`, `stats`,
 * `profileStart`/`profileStop` (a V8 CPU profile of just the window between them), `close`.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { Session } from 'node:inspector/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { pino } from 'pino';
import { createLogger } from '../main/adapters/logger.ts';
import { createBroker } from '../main/compose.ts';
import { sha256 } from '../main/core/hash.ts';
import type { TokenSet } from '../main/core/model.ts';
import { BENCH_PROVIDER, BENCH_SCOPES, type BrokerReady, STORM_AGENT, serveCommands, settledMemory } from './helpers.ts';
import { ownerVia, TEST_ACTOR } from '../test/helpers/owner.ts';

const { values } = parseArgs({ options: { 'token-url': { type: 'string' } } });
// Never contacted unless a benchmark points the provider at its own local token endpoint.
const tokenUrl = values['token-url'] ?? 'http://127.0.0.1:9/token';

const home = mkdtempSync(join(tmpdir(), 'latchkey-bench-'));
const logger = createLogger({ level: 'info', destination: pino.destination({ dest: join(home, 'latchkey.log'), mkdir: true, sync: false }) });
const broker = await createBroker({ port: 0, home, logger, approval: 'ask' });
const { core } = broker;
if (!broker.keychain.ok) throw new Error(`bench broker needs a keychain: ${broker.keychain.reason} (run under scripts/with-test-keyring.sh)`);

core.providers.create({
  providerId: BENCH_PROVIDER, name: 'Bench IdP', clientId: 'bench-client', clientSecret: 'bench-client-secret',
  authUrl: 'http://127.0.0.1:9/auth', tokenUrl, tokenEndpointAuthMethod: 'client_secret_basic',
}, TEST_ACTOR);

const tokenSet = (label: string, expiresInMs: number): TokenSet => ({
  accessToken: `at-${label}-${'x'.repeat(40)}`, tokenType: 'Bearer', refreshToken: `rt-${label}`,
  expiresAt: Date.now() + expiresInMs, idToken: null, extra: {},
});

const agent = core.keys.create('bench-agent', 'agent', TEST_ACTOR);
const subject = (agentId: string | null, keyId = agent.record.id) => ({ providerId: BENCH_PROVIDER, keyId, userId: 'default', agentId });

// Hot path fixture: a typical 1-hour access token (fresh: outside every refresh margin) and a live grant.
const hot = core.connections.save(subject(null), tokenSet('hot', 3600_000), BENCH_SCOPES);
core.grants.create(ownerVia('cli'), subject(null), BENCH_SCOPES, 'forever', hot.id);
// Refresh-storm fixture: one account (expired on each `expire`) and a grant naming it.
const storm = core.connections.save(subject(STORM_AGENT), tokenSet('storm', -60_000), BENCH_SCOPES);
core.grants.create(ownerVia('cli'), subject(STORM_AGENT), BENCH_SCOPES, 'forever', storm.id);

/**
 * `count` pending requests, each from its own agent key (the prompt budget is per key)
 * whose connection already holds the scopes: only the owner's approval is missing, so
 * `approve` completes them at once and releases their waiters.
 */
async function pending(count: number, tag: string): Promise<Array<{ authId: string; key: string }>> {
  const out: Array<{ authId: string; key: string }> = [];
  for (let i = 0; i < count; i++) {
    const k = core.keys.create(`bench-wait-${tag}-${i}`, 'agent', TEST_ACTOR);
    const agentId = `wait-${tag}-${i}`;
    core.connections.save(subject(agentId, k.record.id), tokenSet(agentId, 3600_000), BENCH_SCOPES);
    const r = await core.requests.authenticate(k.record, { provider: BENCH_PROVIDER, scopes: BENCH_SCOPES, agentId });
    if (r.status !== 'pending' || !r.authId) throw new Error(`expected a pending request, got ${r.status}`);
    out.push({ authId: r.authId, key: k.key });
  }
  return out;
}

/**
 * `count` requests each at the provider's door: a new agent key with no connection asks, the
 * owner approves (as the CLI would), and the provider sign-in is begun for `binding` — what
 * the /start page's Continue does. Answers what the provider would redirect with (`state`).
 */
async function atProvider(count: number, tag: string, binding: string): Promise<Array<{ authId: string; key: string; state: string }>> {
  const out: Array<{ authId: string; key: string; state: string }> = [];
  for (let i = 0; i < count; i++) {
    const k = core.keys.create(`bench-consent-${tag}-${i}`, 'agent', TEST_ACTOR);
    const r = await core.requests.authenticate(k.record, { provider: BENCH_PROVIDER, scopes: BENCH_SCOPES, agentId: `consent-${tag}-${i}` });
    if (r.status !== 'pending' || !r.authId) throw new Error(`expected a pending request, got ${r.status}`);
    const approved = await core.approve(ownerVia('cli'), r.authId, '1h');
    if (!approved.consentRequired) throw new Error('expected the request to need the provider consent');
    const authUrl = new URL(await core.flows.begin(approved.request, sha256(binding)));
    out.push({ authId: r.authId, key: k.key, state: authUrl.searchParams.get('state') ?? '' });
  }
  return out;
}

let profiler: Session | undefined;

serveCommands(
  { url: broker.url, port: broker.port, pid: process.pid, agentKey: agent.key, control: core.sessions.controlSecret } satisfies BrokerReady,
  async (cmd, args) => {
    switch (cmd) {
      case 'pending':
        return pending(Number(args.count), String(args.tag));
      case 'atProvider':
        return atProvider(Number(args.count), String(args.tag), String(args.binding));
      case 'approve': {
        for (const id of args.authIds as string[]) await core.requests.approve(ownerVia('cli'), id, '1h');
        return null;
      }
      case 'expire':
        core.connections.save(subject(STORM_AGENT), tokenSet('storm', -60_000), BENCH_SCOPES, { connectionId: storm.id });
        return null;
      case 'stats':
        return { ...settledMemory(args.gc), waiters: core.requests.waiters.size };
      case 'profileStart':
        profiler = new Session();
        profiler.connect();
        await profiler.post('Profiler.enable');
        await profiler.post('Profiler.setSamplingInterval', { interval: 100 });
        await profiler.post('Profiler.start');
        return null;
      case 'profileStop': {
        if (!profiler) throw new Error('profileStart first');
        const { profile } = await profiler.post('Profiler.stop');
        profiler.disconnect();
        profiler = undefined;
        writeFileSync(String(args.file), JSON.stringify(profile));
        return args.file;
      }
      default:
        throw new Error(`unknown command ${cmd}`);
    }
  },
  async () => {
    await broker.close();
    logger.flush();
    rmSync(home, { recursive: true, force: true });
  },
);
