/** The pure parts of MCP discovery: challenge parsing, well-known URLs, resource matching, registration answers. */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { parseRegistrationResponse, registrationRequest } from '../../../main/core/mcp/client-registration.ts';
import { parseProtectedResourceMetadata, resourceCovers, resourceMetadataUrl, sameResource, wellKnownMetadataUrls } from '../../../main/core/mcp/protected-resource.ts';
import { parseChallenges } from '../../../main/core/mcp/www-authenticate.ts';

describe('WWW-Authenticate challenges (RFC 9110 §11.6.1)', () => {
  test('several challenges, quoted and token values, case-insensitive names', () => {
    const c = parseChallenges('Bearer realm="mcp", error="invalid_token", Resource_Metadata="https://h/.well-known/oauth-protected-resource/mcp", DPoP algs="ES256 PS256"');
    assert.deepEqual(c.map((x) => x.scheme), ['bearer', 'dpop']);
    assert.equal(c[0]!.params.resource_metadata, 'https://h/.well-known/oauth-protected-resource/mcp');
    assert.equal(c[0]!.params.realm, 'mcp');
    assert.equal(c[1]!.params.algs, 'ES256 PS256');
  });
  test('escaped quotes and a malformed tail do not throw', () => {
    const c = parseChallenges('Bearer realm="a \\"quoted\\" realm", =garbage');
    assert.equal(c[0]!.params.realm, 'a "quoted" realm');
    assert.deepEqual(parseChallenges(''), []);
  });
  test('resource_metadata resolved against the requested URL; absent → null', () => {
    assert.equal(resourceMetadataUrl('Bearer resource_metadata="/.well-known/oauth-protected-resource"', 'https://h/mcp'), 'https://h/.well-known/oauth-protected-resource');
    assert.equal(resourceMetadataUrl('Bearer realm="x"', 'https://h/mcp'), null);
    assert.equal(resourceMetadataUrl(null, 'https://h/mcp'), null);
  });
});

describe('RFC 9728 metadata locations and resource identity', () => {
  test('§3.1 path insertion, then the origin root', () => {
    assert.deepEqual(wellKnownMetadataUrls('https://h/mcp'), ['https://h/.well-known/oauth-protected-resource/mcp', 'https://h/.well-known/oauth-protected-resource']);
    assert.deepEqual(wellKnownMetadataUrls('https://h/'), ['https://h/.well-known/oauth-protected-resource']);
  });
  test('resource matching: identical, trailing slash, case of host; prefix only on the same origin', () => {
    assert.ok(sameResource('https://H.example/mcp/', 'https://h.example/mcp'));
    assert.ok(resourceCovers('https://h/mcp', 'https://h/mcp'));
    assert.ok(resourceCovers('https://h', 'https://h/mcp'));
    assert.ok(!resourceCovers('https://h/mc', 'https://h/mcp'), 'a path prefix must end at a segment');
    assert.ok(!resourceCovers('https://evil.example/mcp', 'https://h/mcp'), '§7.3: another origin cannot vouch for this server');
    assert.ok(!resourceCovers('not a url', 'https://h/mcp'));
  });
  test('metadata documents are validated with a sentence that says what is wrong', () => {
    assert.throws(() => parseProtectedResourceMetadata([], 'https://h/mcp'), /is not a JSON object/);
    assert.throws(() => parseProtectedResourceMetadata({ resource: 'https://evil/mcp', authorization_servers: ['https://as'] }, 'https://h/mcp'));
    assert.throws(() => parseProtectedResourceMetadata({ resource: 'https://h/mcp' }, 'https://h/mcp'), /authorization_servers/);
    const ok = parseProtectedResourceMetadata({ resource: 'https://h/mcp', authorization_servers: ['https://as.example'] }, 'https://h/mcp');
    assert.deepEqual(ok.authorizationServers, ['https://as.example']);
  });
});

describe('RFC 7591 registration', () => {
  test('asks to be a public native client with the exact loopback redirect URI', () => {
    const req = registrationRequest('http://127.0.0.1:24817/host-oauth-callback/mcp');
    assert.deepEqual(req.redirect_uris, ['http://127.0.0.1:24817/host-oauth-callback/mcp']);
    assert.equal(req.token_endpoint_auth_method, 'none');
    assert.ok(req.grant_types.includes('refresh_token'));
  });
  test('reads what the server assigned; refuses what Latchkey cannot do', () => {
    assert.deepEqual(parseRegistrationResponse({ client_id: 'c1' }), { clientId: 'c1', clientSecret: null, tokenEndpointAuthMethod: 'none' });
    assert.deepEqual(parseRegistrationResponse({ client_id: 'c2', client_secret: 's' }), { clientId: 'c2', clientSecret: 's', tokenEndpointAuthMethod: 'client_secret_basic' });
    assert.throws(() => parseRegistrationResponse({ client_id: 'c3', token_endpoint_auth_method: 'private_key_jwt' }), /does not support/);
    assert.throws(() => parseRegistrationResponse({ client_id: 'c4', token_endpoint_auth_method: 'client_secret_post' }), /no client_secret/);
    assert.throws(() => parseRegistrationResponse({}), /client_id/);
  });
});
