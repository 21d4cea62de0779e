/**
 * `latchkey providers export|import` between real brokers: A's home exports to B over the
 * Agent Auth API, C's home imports from B. The copied configurations must work — a whole
 * consent flow runs on the target with the transferred client secret — and MCP providers
 * are re-discovered on the other side with their own registered client.
 */
import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, describe, test } from 'node:test';
import { Client } from '../../main/client/client.ts';
import { providersExport, providersImport, type TransferConfig } from '../../main/cli/commands/providers-transfer.ts';
import type { Out } from '../../main/cli/output.ts';
import { approveInBrowser } from '../helpers/flows.ts';
import { startOidcServer, type OidcServer } from '../helpers/oidc-server.ts';
import { providerBody, startTestBroker, type TestBroker } from '../helpers/test-broker.ts';
import { TEST_ACTOR } from '../helpers/owner.ts';

function capture(): Out & { lines: string[] } {
  const lines: string[] = [];
  return { lines, line: (t = '') => { lines.push(t); }, error: (t) => { lines.push(t); }, check: (level, t) => { lines.push(`${level} ${t}`); } };
}

const configOf = (b: TestBroker): TransferConfig => ({ home: b.home, port: b.port, allowInsecureEndpoints: false });

/** An MCP server that only points at its authorization server (RFC 9728 via the 401 challenge). */
async function startMcpServer(issuer: () => string): Promise<{ url: string; close(): Promise<void> }> {
  let origin = '';
  const server: Server = createServer((req, res) => {
    if (req.url === '/.well-known/oauth-protected-resource/mcp') {
      res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ resource: `${origin}/mcp`, authorization_servers: [issuer()] }));
    } else {
      res.writeHead(401, { 'www-authenticate': `Bearer resource_metadata="${origin}/.well-known/oauth-protected-resource/mcp"` }).end();
    }
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return { url: `${origin}/mcp`, close: () => new Promise<void>((r) => { server.closeAllConnections(); server.close(() => r()); }) };
}

/** A full consent flow on `broker` for `provider`; resolves to the token. */
async function connect(broker: TestBroker, provider: string): Promise<string | null> {
  const client = new Client({ apiUrl: broker.url, apiKey: broker.key });
  const first = await client.authenticate({ provider, scopes: ['openid', 'api:read'], userId: 'alice' });
  assert.equal(first.status, 'pending');
  const waiting = client.waitForCompletion(first.authId!, 30);
  const { done } = await approveInBrowser(broker, first.authUrl!);
  assert.equal(done.res.status, 200, done.text);
  const result = await waiting;
  assert.equal(result.status, 'completed', JSON.stringify(result));
  return result.token;
}

describe('providers export/import between Latchkey and another Agent Auth deployment', () => {
  let a: TestBroker;
  let b: TestBroker;
  let c: TestBroker;
  let idp: OidcServer;
  let mcp: { url: string; close(): Promise<void> };

  before(async () => {
    [a, b, c] = await Promise.all([startTestBroker(), startTestBroker(), startTestBroker()]);
    idp = await startOidcServer({
      redirectUris: [a, b, c].map((x) => `${x.url}/host-oauth-callback/test-idp`),
      registration: true,
    });
    mcp = await startMcpServer(() => idp.issuer);
    const created = await Promise.all([
      a.api('/v2/auth/providers', { body: providerBody(idp.issuer, { revocation_url: `${idp.issuer}/token/revocation` }) }),
      a.api('/v2/auth/providers', { body: providerBody(idp.issuer, { provider_id: 'public-idp', name: 'Public IdP', client_id: 'public-client', client_secret: null, token_endpoint_auth_method: 'none' }) }),
      a.api('/v2/auth/providers/mcp-discover', { body: { provider_id: 'notes-mcp', name: 'Notes MCP', mcp_server_url: mcp.url } }),
    ]);
    for (const r of created) assert.equal(r.status, 200, r.text);
  });

  after(async () => {
    for (const x of [a, b, c]) await x.cleanup();
    await idp.close();
    await mcp.close();
  });

  test('export copies configurations with their secret, warns once naming the target, and the copy works there', async () => {
    const out = capture();
    const report = await providersExport(configOf(a), out, { to: `${b.url}/`, apiKey: b.key });
    assert.deepEqual(report.created.sort(), ['notes-mcp', 'public-idp', 'test-idp']);
    assert.deepEqual([report.failed, report.skipped], [[], []]);
    const warnings = out.lines.filter((l) => l.startsWith('Warning:'));
    assert.equal(warnings.length, 1, out.lines.join('\n'));
    assert.match(warnings[0]!, new RegExp(`client secrets of 1 provider\\(s\\) to ${b.url},`));
    assert.ok(out.lines.some((l) => l.includes(`register ${b.url}/host-oauth-callback/test-idp`)), 'tells the owner the target redirect URI');
    assert.ok(!out.lines.join('\n').includes('test-client-secret-value'), 'the secret is never printed');

    const copy = (await b.api('/v2/auth/providers/test-idp')).body;
    assert.equal(copy.has_client_secret, true);
    assert.equal(copy.token_endpoint_auth_method, 'client_secret_post');
    assert.equal(copy.auth_url, `${idp.issuer}/auth`);
    assert.equal(copy.revocation_url, `${idp.issuer}/token/revocation`);
    assert.equal((await b.api('/v2/auth/providers/public-idp')).body.has_client_secret, false);

    // The MCP provider was discovered by B itself: its own client, bound to B's redirect URI.
    const [mine, theirs] = [(await a.api('/v2/auth/providers/notes-mcp')).body, (await b.api('/v2/auth/providers/notes-mcp')).body];
    assert.equal(theirs.provider_type, 'mcp');
    assert.equal(theirs.is_dynamic_client, true);
    assert.notEqual(theirs.client_id, mine.client_id);
    assert.deepEqual((await idp.provider.Client.find(theirs.client_id))?.redirectUris, [`${b.url}/host-oauth-callback/notes-mcp`]);

    // The transferred secret is the real one: B redeems a code with it.
    const token = await connect(b, 'test-idp');
    assert.ok(token);
    assert.equal((await idp.userinfo(token)).status, 200);
  });

  test('export again: 409s are skipped and reported; --overwrite updates them', async () => {
    const out = capture();
    const skipped = await providersExport(configOf(a), out, { to: b.url, apiKey: b.key });
    assert.deepEqual(skipped.skipped.sort(), ['notes-mcp', 'public-idp', 'test-idp']);
    assert.ok(out.lines.some((l) => /^skipped\s+test-idp: it already exists on the target \(--overwrite replaces it\)/.test(l)), out.lines.join('\n'));
    assert.ok(out.lines.some((l) => /^skipped\s+notes-mcp: it already exists on the target \(MCP providers are re-discovered, not patched/.test(l)), out.lines.join('\n'));

    assert.equal((await a.api('/v2/auth/providers/public-idp', { method: 'PATCH', body: { name: 'Public IdP (renamed)' } })).status, 200);
    const overwritten = await providersExport(configOf(a), capture(), { to: b.url, apiKey: b.key, overwrite: true });
    assert.deepEqual(overwritten.updated.sort(), ['public-idp', 'test-idp']);
    assert.deepEqual(overwritten.skipped, ['notes-mcp']);
    assert.equal((await b.api('/v2/auth/providers/public-idp')).body.name, 'Public IdP (renamed)');
    assert.equal((await b.api('/v2/auth/providers/test-idp')).body.has_client_secret, true);
  });

  test('import creates secret-less copies as public clients and says which need a secret', async () => {
    const out = capture();
    const report = await providersImport(configOf(c), out, { from: b.url, apiKey: b.key });
    assert.deepEqual(report.created.sort(), ['notes-mcp', 'public-idp', 'test-idp']);
    assert.deepEqual(report.needSecret, ['test-idp']);
    const note = out.lines.find((l) => l.startsWith('Note:'));
    assert.ok(note?.startsWith(`Note: test-idp used a client secret at ${b.url}`), out.lines.join('\n'));
    assert.match(note ?? '', /--client-secret <provider_id>=<secret>/);
    assert.ok(out.lines.some((l) => l.includes(`register ${c.url}/host-oauth-callback/test-idp`)), out.lines.join('\n'));

    // B holds a token for test-idp by now; configurations travel, tokens do not.
    assert.equal((await b.api('/v2/auth/tokens/exists?provider_id=test-idp')).body.has_token, true);
    assert.equal(c.core.connectionsOf('test-idp').length, 0);
    // Written to C's home while C runs: its API sees them at once.
    const copy = (await c.api('/v2/auth/providers/test-idp')).body;
    assert.equal(copy.token_endpoint_auth_method, 'none');
    assert.equal(copy.has_client_secret, false);
    assert.equal(copy.revocation_url, `${idp.issuer}/token/revocation`);
    assert.equal((await c.api('/v2/auth/providers/public-idp')).body.name, 'Public IdP (renamed)');
    const mcpCopy = (await c.api('/v2/auth/providers/notes-mcp')).body;
    assert.equal(mcpCopy.is_dynamic_client, true);
    assert.deepEqual((await idp.provider.Client.find(mcpCopy.client_id))?.redirectUris, [`${c.url}/host-oauth-callback/notes-mcp`]);
  });

  test('import --overwrite --client-secret supplies the secret, and the provider then works', async () => {
    const out = capture();
    const report = await providersImport(configOf(c), out, { from: b.url, apiKey: b.key, overwrite: true, clientSecrets: ['test-idp=test-client-secret-value', 'nope=x'] });
    assert.deepEqual(report.updated.sort(), ['public-idp', 'test-idp']);
    assert.deepEqual(report.skipped, ['notes-mcp']);
    assert.deepEqual(report.needSecret, []);
    assert.ok(out.lines.some((l) => l.includes("--client-secret names 'nope'")), out.lines.join('\n'));
    const copy = (await c.api('/v2/auth/providers/test-idp')).body;
    assert.equal(copy.token_endpoint_auth_method, 'client_secret_post');
    assert.equal(copy.has_client_secret, true);
    assert.ok(await connect(c, 'test-idp'));
  });

  test('refusals: a key the target does not know, an agent key, a plain-http remote target, a malformed secret pair', async () => {
    await assert.rejects(providersExport(configOf(a), capture(), { to: b.url, apiKey: 'not-a-key-b-knows' }), /refused the API key \(HTTP 401\)/);
    const { key: agentKey } = b.core.keys.create('transfer-agent', 'agent', TEST_ACTOR);
    await assert.rejects(providersExport(configOf(a), capture(), { to: b.url, apiKey: agentKey }), /refused the API key \(HTTP 403\).*agent role/);
    await assert.rejects(providersExport(configOf(a), capture(), { to: 'http://agent-auth.example', apiKey: b.key }), /must use https/);
    await assert.rejects(providersImport(configOf(c), capture(), { from: b.url, apiKey: b.key, clientSecrets: ['just-a-secret'] }), /provider_id=secret/);
  });
});
