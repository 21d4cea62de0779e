import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { ProviderView, TemplateView } from '../../../main/http/owner-api-types.ts';
import { PROVIDER_ID_PATTERN as CORE_PATTERN, checkEndpointUrl } from '../../../main/core/providers.ts';
import { TEMPLATES } from '../../../main/core/templates/catalog.ts';
import { templateSummary } from '../../../main/core/templates/instantiate.ts';
import {
  PROVIDER_ID_PATTERN, buildCreateBody, buildUpdateBody, deleteConsequences, draftForTemplate, draftFromProvider, emptyDraft,
  parseParams, redirectPreview, redirectUriFor, searchTemplates,
} from '../../../renderer/src/logic/provider-draft.ts';

const templates: TemplateView[] = TEMPLATES.map(templateSummary);
const template = (id: string): TemplateView => {
  const t = templates.find((x) => x.id === id);
  assert.ok(t, `template ${id} exists`);
  return t;
};

describe('provider form: from a template', () => {
  test('needs only the client id (and secret); the provider id defaults to the template id', () => {
    const t = template('github');
    const result = buildCreateBody({ ...draftForTemplate(t), clientId: ' Iv1.abc ', clientSecret: 's3cret' }, t);
    assert.deepEqual(result, { ok: true, body: { kind: 'template', template_id: 'github', provider_id: 'github', client_id: 'Iv1.abc', client_secret: 's3cret' } });
  });

  test('template variables start at their defaults, are checked against the pattern, and are sent', () => {
    const t = template('gitlab');
    const draft = { ...draftForTemplate(t), clientId: 'app' };
    assert.equal(draft.variables.baseUrl, 'https://gitlab.com');
    const ok = buildCreateBody({ ...draft, variables: { baseUrl: 'https://gitlab.example.org' } }, t);
    assert.ok(ok.ok);
    assert.deepEqual(ok.ok && ok.body.kind === 'template' ? ok.body.variables : null, { baseUrl: 'https://gitlab.example.org' });
    const bad = buildCreateBody({ ...draft, variables: { baseUrl: 'http://evil.example/x?y' } }, t);
    assert.ok(!bad.ok && bad.errors['var:baseUrl']?.includes('does not look right'));
  });

  test('without a picked template, or without a client id, it says what is missing', () => {
    assert.deepEqual(buildCreateBody(emptyDraft('template')), { ok: false, errors: { templateId: 'Pick a template first.' } });
    const t = template('github');
    const result = buildCreateBody(draftForTemplate(t), t);
    assert.ok(!result.ok && result.errors.clientId);
  });

  test('search matches template id and name, every word, any case', () => {
    assert.deepEqual(searchTemplates(templates, 'GIT').map((t) => t.id).sort(), templates.filter((t) => /git/i.test(`${t.id} ${t.name}`)).map((t) => t.id).sort());
    assert.ok(searchTemplates(templates, 'git hub').every((t) => /git/i.test(t.name + t.id) && /hub/i.test(t.name + t.id)));
    assert.equal(searchTemplates(templates, '').length, templates.length);
    assert.deepEqual(searchTemplates(templates, 'no-such-provider-xyz'), []);
  });
});

describe('provider form: issuer and generic', () => {
  test('an issuer provider needs an id, a name, an https issuer URL and a client id', () => {
    const result = buildCreateBody({ ...emptyDraft('issuer'), providerId: 'acme', name: 'Acme SSO', issuer: 'https://login.acme.test', clientId: 'c' });
    assert.deepEqual(result, { ok: true, body: { kind: 'issuer', provider_id: 'acme', name: 'Acme SSO', issuer: 'https://login.acme.test', client_id: 'c', client_secret: null } });
    const bad = buildCreateBody({ ...emptyDraft('issuer'), providerId: '-bad', issuer: 'login.acme.test' });
    assert.ok(!bad.ok);
    assert.deepEqual(Object.keys(bad.errors).sort(), ['clientId', 'issuer', 'name', 'providerId']);
  });

  test('a generic provider sends its URLs, PKCE, auth method and extra parameters', () => {
    const draft = {
      ...emptyDraft('generic'), providerId: 'test-idp', name: 'Test IdP', clientId: 'latchkey-test', clientSecret: 'x',
      authUrl: 'http://127.0.0.1:9/auth', tokenUrl: 'http://127.0.0.1:9/token', authorizationParams: 'access_type=offline\n\nprompt = consent',
    };
    const result = buildCreateBody(draft);
    assert.deepEqual(result, {
      ok: true,
      body: {
        kind: 'generic', provider_id: 'test-idp', name: 'Test IdP', client_id: 'latchkey-test', client_secret: 'x', auth_url: 'http://127.0.0.1:9/auth',
        token_url: 'http://127.0.0.1:9/token', revocation_url: null, uses_pkce: true, token_endpoint_auth_method: 'client_secret_post',
        authorization_params: { access_type: 'offline', prompt: 'consent' },
      },
    });
    const bad = buildCreateBody({ ...draft, tokenUrl: 'ftp://x', authorizationParams: 'novalue' });
    assert.ok(!bad.ok);
    assert.equal(bad.errors.tokenUrl, 'The token URL must start with https://, or http:// only for a loopback address such as http://127.0.0.1:8080.');
    assert.equal(bad.errors.authorizationParams, 'Line 1 needs the form name=value.');
  });

  test('the URL rule matches the broker: https anywhere, plain http only on loopback, and the message says so', () => {
    const draft = { ...emptyDraft('generic'), providerId: 'x', name: 'X', clientId: 'c', authUrl: 'http://localhost:9/auth' };
    for (const host of ['127.0.0.1:9', 'localhost:9', '[::1]:9']) {
      const ok = buildCreateBody({ ...draft, tokenUrl: `http://${host}/token` });
      assert.ok(ok.ok, `http://${host} is loopback`);
      assert.doesNotThrow(() => checkEndpointUrl('token_url', `http://${host}/token`, false));
    }
    const remote = buildCreateBody({ ...draft, tokenUrl: 'http://idp.example/token' });
    assert.ok(!remote.ok);
    assert.match(remote.errors.tokenUrl ?? '', /plain http:\/\/ is accepted only for a loopback address/);
    assert.throws(() => checkEndpointUrl('token_url', 'http://idp.example/token', false));
  });

  test('the redirect URI preview appears only for a valid provider id', () => {
    assert.deepEqual(redirectPreview('http://127.0.0.1:1', 'github'), { ok: true, uri: 'http://127.0.0.1:1/host-oauth-callback/github' });
    assert.equal(redirectPreview('http://127.0.0.1:1', '').ok, false);
    const bad = redirectPreview('http://127.0.0.1:1', 'my provider/../x');
    assert.ok(!bad.ok && /Fix the provider id/.test(bad.reason));
  });

  test('the form checks provider ids exactly like the broker does', () => {
    assert.equal(PROVIDER_ID_PATTERN.source, CORE_PATTERN.source);
    assert.deepEqual(parseParams(''), { ok: true, params: {} });
  });

  test('the redirect URI shown before creation is the one the broker registers', () => {
    assert.equal(redirectUriFor('http://127.0.0.1:24817/', 'github'), 'http://127.0.0.1:24817/host-oauth-callback/github');
  });
});

describe('provider form: edit and delete', () => {
  const provider: ProviderView = {
    provider_id: 'test-idp', name: 'Test IdP', client_id: 'c', auth_url: 'https://idp.test/auth', token_url: 'https://idp.test/token',
    revocation_url: null, uses_pkce: true, token_endpoint_auth_method: 'client_secret_post', authorization_params: { prompt: 'consent' },
    template_id: null, issuer: null, has_client_secret: true, redirect_uri: 'http://127.0.0.1:1/host-oauth-callback/test-idp',
    connection_count: 2, created_at: '2025-01-01T00:00:00Z', updated_at: '2025-01-01T00:00:00Z',
  };

  test('an unchanged draft sends nothing; changes send only the changed fields; a blank secret keeps the stored one', () => {
    const draft = draftFromProvider(provider);
    assert.deepEqual(buildUpdateBody(provider, draft), { ok: true, body: {} });
    const changed = buildUpdateBody(provider, { ...draft, name: 'IdP', revocationUrl: 'https://idp.test/revoke', authorizationParams: '' });
    assert.deepEqual(changed, { ok: true, body: { name: 'IdP', revocation_url: 'https://idp.test/revoke', authorization_params: {} } });
    assert.deepEqual(buildUpdateBody(provider, { ...draft, clientSecret: 'new' }), { ok: true, body: { client_secret: 'new' } });
    assert.deepEqual(buildUpdateBody(provider, draft, true), { ok: true, body: { client_secret: null } });
  });

  test('the delete confirmation names what goes with the provider', () => {
    assert.match(deleteConsequences(provider), /Its 2 connections and the stored tokens will be deleted/);
    assert.match(deleteConsequences(provider), /agents asking for 'test-idp' get "unknown provider"/);
    assert.match(deleteConsequences({ ...provider, connection_count: 1 }), /Its 1 connection and/);
    assert.match(deleteConsequences({ ...provider, connection_count: 0 }), /^It has no connections\./);
  });
});
