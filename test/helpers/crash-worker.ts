/**
 * The child process of test/integration/crash-loop.test.ts (S21, S26): a real broker on
 * `home` (port 0, the real SQLite file and keychain) that force-refreshes its connections
 * against a rotating provider as fast as it can until it is killed.
 *
 * It prints one line per event, each only after the fact it reports is true:
 *   ready <url> <owner key>              createBroker returned and the connections exist
 *   commit <connection id> <generation> <access token>
 *                                       refresh() returned: the set is committed (the caller
 *                                       "received" the access token only now)
 *   needs_reauth <connection id>        the connection cannot be used without a new consent
 *
 * Usage: node crash-worker.ts <home> <issuer> <initial sets as JSON: [{user, access, refresh}]>
 */
import { silentLogger } from '../../main/adapters/logger.ts';
import { createBroker } from '../../main/compose.ts';
import { NeedsReauth } from '../../main/core/connections.ts';
import { TEST_ACTOR } from './owner.ts';

const [home, issuer, initialJson] = process.argv.slice(2);
if (!home || !issuer || !initialJson) {
  process.stderr.write('usage: crash-worker.ts <home> <issuer> <initial sets JSON>\n');
  process.exit(2);
}
const initial = JSON.parse(initialJson) as Array<{ user: string; access: string; refresh: string }>;

// Pipes are written synchronously on Linux: a printed line survives the SIGKILL that follows it.
const say = (line: string): void => { process.stdout.write(`${line}\n`); };

const broker = await createBroker({ port: 0, home, logger: silentLogger, approval: 'auto-owner' });
const { core } = broker;
if (!core.providers.find('rot')) {
  core.providers.create({
    providerId: 'rot', name: 'Rotating IdP', clientId: 'crash-client', clientSecret: 'crash-client-secret',
    authUrl: `${issuer}/auth`, tokenUrl: `${issuer}/token`, tokenEndpointAuthMethod: 'client_secret_post',
  }, TEST_ACTOR);
}
const owner = core.keys.list().find((k) => k.role === 'owner' && k.revokedAt === null);
if (!owner) throw new Error('no owner key');

const ids = initial.map(({ user, access, refresh }) => {
  const subject = { providerId: 'rot', keyId: owner.id, userId: user, agentId: null };
  const existing = core.connections.find(subject);
  if (existing) return existing.id;
  const saved = core.connections.save(subject, { accessToken: access, tokenType: 'Bearer', refreshToken: refresh, expiresAt: Date.now() + 3_600_000, idToken: null, extra: {} }, ['api']);
  say(`commit ${saved.id} ${saved.generation} ${access}`);
  return saved.id;
});
say(`ready ${broker.url} ${broker.ownerKey ?? '-'}`);

for (const id of ids) {
  void (async () => {
    for (;;) {
      try {
        // Hammer the provider as the owner's Refresh now does: not due, and past any backoff.
        const set = await core.connections.refresh(id, { force: true, ignoreBackoff: true });
        const row = core.connections.byId(id);
        say(`commit ${id} ${row?.generation ?? -1} ${set.accessToken}`);
      } catch (err) {
        if (err instanceof NeedsReauth) {
          say(`needs_reauth ${id}`);
          return;
        }
        say(`error ${id} ${err instanceof Error ? err.message : String(err)}`);
        await new Promise((r) => setTimeout(r, 20));
      }
    }
  })();
}
