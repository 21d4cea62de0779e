/** Account labels (issue 14): from the template's identity source, else userinfo; cleaned; best effort. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { accountLabel, cleanLabel } from '../../main/core/identity.ts';
import type { Provider } from '../../main/core/model.ts';
import type { OAuthClient, OAuthClientConfig, TokenResponse } from '../../main/core/ports.ts';
import { silentLogger } from '../../main/adapters/logger.ts';

const provider = (over: Partial<Provider>): Provider => ({
  id: 'p', providerId: 'p', name: 'P', clientId: 'c', hasClientSecret: false, authUrl: 'https://a.test/auth', tokenUrl: 'https://a.test/token',
  usesPkce: true, codeChallengeMethod: 'S256', tokenEndpointAuthMethod: 'none', providerType: null, authorizationParams: {}, allowedRedirectUris: [],
  mcpServerUrl: null, isDynamicClient: false, revocationUrl: null, issuer: null, issParameterSupported: false, templateId: null, userinfoUrl: null,
  createdAt: 0, updatedAt: 0, ...over,
});
const cfg = (p: Provider): OAuthClientConfig => ({ provider: p, clientSecret: null, quirks: {} });
const response: TokenResponse = { access_token: 'at', token_type: 'bearer', id: 'U123', team: { name: 'Acme' } };

function oauthAnswering(doc: unknown, seen: string[] = []): OAuthClient {
  return { fetchIdentity: async (_c: OAuthClientConfig, url: string) => { seen.push(url); if (doc instanceof Error) throw doc; return doc; } } as unknown as OAuthClient;
}

test('GitHub: the login from /user; Slack: authed_user.id from the token response, no request', async () => {
  const seen: string[] = [];
  assert.equal(await accountLabel({ oauth: oauthAnswering({ login: 'octocat', name: 'The Octocat' }, seen), logger: silentLogger }, cfg(provider({ templateId: 'github' })), response), 'octocat');
  assert.deepEqual(seen, ['https://api.github.com/user']);
  const none: string[] = [];
  assert.equal(await accountLabel({ oauth: oauthAnswering({}, none), logger: silentLogger }, cfg(provider({ templateId: 'slack' })), response), 'U123');
  assert.deepEqual(none, [], 'Slack needs no identity request');
});

test('a discovered provider uses its userinfo endpoint (email first); no source means no label; failures leave it null', async () => {
  const p = provider({ userinfoUrl: 'https://idp.test/userinfo' });
  assert.equal(await accountLabel({ oauth: oauthAnswering({ sub: 's1', email: 'a@b.test' }), logger: silentLogger }, cfg(p), response), 'a@b.test');
  assert.equal(await accountLabel({ oauth: oauthAnswering({ sub: 's1' }), logger: silentLogger }, cfg(p), response), 's1');
  assert.equal(await accountLabel({ oauth: oauthAnswering({ email: 'x' }), logger: silentLogger }, cfg(provider({})), response), null);
  assert.equal(await accountLabel({ oauth: oauthAnswering(new Error('down')), logger: silentLogger }, cfg(p), response), null);
});

test('S34 labels lose control characters and bidi overrides; empty becomes null; long ones are cut', () => {
  assert.equal(cleanLabel('evil\u202egnp.exe\u0007'), 'evilgnp.exe');
  assert.equal(cleanLabel(' \u0000 '), null);
  assert.equal(cleanLabel('x'.repeat(500))?.length, 200);
});
