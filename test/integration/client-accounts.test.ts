/** The TypeScript client's account, agent-connection and Slack workspace calls against a real broker (issue 14 item 7). */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { AgentAuthError, Client } from '../../main/client/client.ts';
import { providerBody, startTestBroker, type TestBroker } from '../helpers/test-broker.ts';

describe('Client: several accounts per provider', () => {
  let broker: TestBroker;
  let client: Client;

  before(async () => {
    broker = await startTestBroker();
    client = new Client({ apiUrl: broker.url, apiKey: broker.key });
    await client.createOAuthProvider({ providerId: 'acme', name: 'Acme', clientId: 'c', clientSecret: 's', authUrl: 'https://idp.example.test/auth', tokenUrl: 'https://idp.example.test/token' });
  });
  after(() => broker.cleanup());

  test('import, list, relabel, bind, authenticate with tokenId, unbind and delete', async () => {
    const imported = await client.upsertAgentProviderToken('writer', 'acme', { accessToken: 'acme-token', scopes: ['docs'], providerAccountLabel: 'team account', expiresInSeconds: 600 });
    assert.equal(imported.agentId, 'writer');
    assert.equal(imported.providerAccountLabel, 'team account');
    const [summary] = await client.listTokens('acme');
    assert.ok(summary);
    assert.equal(summary.id, imported.oauthTokenId);
    assert.deepEqual(summary.scopes, ['docs']);

    const relabelled = await client.updateToken(summary.id, { providerAccountLabel: 'docs bot' });
    assert.equal(relabelled.providerAccountLabel, 'docs bot');

    const bound = await client.createAgentConnection('reviewer', summary.id);
    assert.equal(bound.oauthTokenId, summary.id);
    assert.deepEqual((await client.listAgentConnections('reviewer')).map((c) => c.id), [bound.id]);

    const auth = await client.authenticate({ provider: 'acme', scopes: ['docs'], agentId: 'reviewer' });
    assert.equal(auth.status, 'completed');
    assert.equal(auth.token, 'acme-token');
    assert.equal(auth.userId, 'default');
    assert.deepEqual(auth.metadata, { tokenId: summary.id, providerAccountLabel: 'docs bot' });
    const pinned = await client.authenticate({ provider: 'acme', scopes: ['docs'], agentId: 'writer', tokenId: summary.id });
    assert.equal(pinned.status, 'completed');

    await client.deleteAgentConnection('reviewer', bound.id);
    assert.deepEqual(await client.listAgentConnections('reviewer'), []);
    await client.deleteToken(summary.id);
    assert.deepEqual(await client.listTokens('acme'), []);
    await assert.rejects(client.deleteToken(summary.id), (err: unknown) => err instanceof AgentAuthError && err.status === 404);
  });

  test('Slack workspace calls', async () => {
    await broker.api('/v2/auth/providers', { body: providerBody('https://slack.example.test', { provider_id: 'slack', name: 'Slack', provider_type: 'slack' }) });
    assert.equal(await client.slackWorkspaceTokensExist(), false);
    await client.upsertAgentProviderToken('notifier', 'slack', { accessToken: 'xoxp-2' });
    assert.equal(await client.slackWorkspaceTokensExist(), true);
    assert.deepEqual(await client.revokeSlackWorkspaceTokens(), { message: 'Slack tokens revoked', revoked: 1 });
  });
});
