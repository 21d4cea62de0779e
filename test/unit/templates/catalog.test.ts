/** The built-in template catalog: every template is usable as shipped, and instantiation validates variables. */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { BadRequest } from '../../../main/core/errors.ts';
import { checkEndpointUrl, PROVIDER_ID_PATTERN } from '../../../main/core/providers.ts';
import { findTemplate, TEMPLATES } from '../../../main/core/templates/catalog.ts';
import { placeholdersIn, providerInputFromTemplate, templateSummary } from '../../../main/core/templates/instantiate.ts';
import type { ProviderTemplate } from '../../../main/core/templates/template.ts';

const PROVIDERS_MD = ['github', 'google', 'microsoft', 'slack', 'notion', 'atlassian', 'linear', 'dropbox', 'salesforce', 'hubspot',
  'gitlab', 'asana', 'zoom', 'figma', 'x', 'spotify', 'box', 'airtable', 'discord', 'reddit'];

function template(id: string): ProviderTemplate {
  const t = findTemplate(id);
  assert.ok(t, `template ${id} exists`);
  return t;
}

const fromDefaults = (t: ProviderTemplate) => providerInputFromTemplate(t, { clientId: 'cid', clientSecret: 'secret' });

describe('template catalog', () => {
  test('has at least the 20 providers of providers.md, with unique ids usable as provider_id', () => {
    assert.ok(TEMPLATES.length >= 20);
    const ids = TEMPLATES.map((t) => t.id);
    assert.equal(new Set(ids).size, ids.length, 'ids are unique');
    for (const id of PROVIDERS_MD) assert.ok(ids.includes(id), `${id} is in the catalog`);
    for (const id of ids) assert.match(id, PROVIDER_ID_PATTERN);
  });

  test('every URL is https once default variables are filled, and passes the provider URL check', () => {
    for (const t of TEMPLATES) {
      const input = fromDefaults(t);
      const urls = [input.authUrl, input.tokenUrl, input.revocationUrl, t.quirks.refreshUrl].filter((u): u is string => typeof u === 'string');
      for (const url of urls) {
        assert.equal(new URL(url).protocol, 'https:', `${t.id}: ${url}`);
        assert.doesNotMatch(url, /[{}]/, `${t.id}: no placeholder left in ${url}`);
        assert.doesNotThrow(() => checkEndpointUrl('url', url, false));
      }
      if (t.docsUrl) assert.equal(new URL(t.docsUrl).protocol, 'https:', `${t.id} docs`);
    }
  });

  test('placeholders are declared variables with anchored patterns their defaults satisfy', () => {
    for (const t of TEMPLATES) {
      const declared = new Set((t.variables ?? []).map((v) => v.name));
      for (const url of [t.authUrl, t.tokenUrl, t.revocationUrl ?? '']) {
        for (const name of placeholdersIn(url)) assert.ok(declared.has(name), `${t.id} declares {${name}}`);
      }
      for (const v of t.variables ?? []) {
        assert.ok(v.pattern.startsWith('^') && v.pattern.endsWith('$'), `${t.id}.${v.name} pattern is anchored`);
        if (v.default !== undefined) assert.match(v.default, new RegExp(v.pattern));
      }
    }
  });

  test('scopes are described for the UI and protocol fields hold known values', () => {
    for (const t of TEMPLATES) {
      assert.ok(['required', 'supported', 'unsupported'].includes(t.pkce), t.id);
      assert.ok(['client_secret_post', 'client_secret_basic', 'none'].includes(t.tokenAuthMethod), t.id);
      const scopes = t.scopes ?? [];
      // Notion has no OAuth scopes at all; everyone else describes a handful.
      if (t.id !== 'notion') assert.ok(scopes.length >= 3, `${t.id} describes at least 3 scopes`);
      assert.equal(new Set(scopes.map((s) => s.scope)).size, scopes.length, `${t.id} scopes unique`);
      for (const s of scopes) assert.ok(s.description.length > 3, `${t.id} ${s.scope} has a description`);
      for (const s of t.defaultScopes) assert.doesNotMatch(s, /[\s,]/, `${t.id} default scope '${s}' is one scope`);
    }
  });

  test('carries the provider facts of providers.md', () => {
    assert.deepEqual(template('google').authorizationParams, { access_type: 'offline', prompt: 'consent', include_granted_scopes: 'true' });
    assert.deepEqual(template('atlassian').authorizationParams, { audience: 'api.atlassian.com', prompt: 'consent' });
    assert.equal(template('dropbox').authorizationParams.token_access_type, 'offline');
    assert.equal(template('reddit').authorizationParams.duration, 'permanent');
    assert.equal(template('notion').authorizationParams.owner, 'user');
    assert.equal(template('linear').authorizationParams.prompt, 'consent');
    assert.ok(template('microsoft').defaultScopes.includes('offline_access'));
    assert.ok(template('x').defaultScopes.includes('offline.access'));
    assert.deepEqual(template('github').quirks.tokenHeaders, { Accept: 'application/json' });
    const slack = template('slack').quirks;
    assert.equal(slack.scopeSeparator, ',');
    assert.equal(slack.scopeParam, 'user_scope');
    assert.deepEqual(slack.tokenResponsePath, ['authed_user']);
    assert.equal(slack.okFalseIsError, true);
    assert.equal(template('notion').quirks.tokenRequestFormat, 'json');
    assert.equal(template('notion').tokenAuthMethod, 'client_secret_basic');
    assert.equal(template('figma').quirks.refreshUrl, 'https://api.figma.com/v1/oauth/refresh');
    assert.equal(template('x').pkce, 'required');
  });

  test('findTemplate finds by id and nothing for unknown or null ids', () => {
    assert.equal(findTemplate('slack')?.name, 'Slack');
    assert.equal(findTemplate('nope'), undefined);
    assert.equal(findTemplate(null), undefined);
  });
});

describe('providerInputFromTemplate', () => {
  test('fills a ProviderInput from the template and client credentials', () => {
    const input = providerInputFromTemplate(template('google'), { clientId: 'cid', clientSecret: 'secret' });
    assert.deepEqual(input, {
      providerId: 'google', name: 'Google', clientId: 'cid', clientSecret: 'secret',
      authUrl: 'https://accounts.google.com/o/oauth2/v2/auth', tokenUrl: 'https://oauth2.googleapis.com/token',
      revocationUrl: 'https://oauth2.googleapis.com/revoke', usesPkce: true, codeChallengeMethod: 'S256',
      tokenEndpointAuthMethod: 'client_secret_post',
      authorizationParams: { access_type: 'offline', prompt: 'consent', include_granted_scopes: 'true' },
      templateId: 'google',
    });
  });

  test('PKCE follows the template; providers without revocation get null; provider_id can be chosen', () => {
    const slack = providerInputFromTemplate(template('slack'), { clientId: 'c', clientSecret: 's', providerId: 'slack-work' });
    assert.equal(slack.providerId, 'slack-work');
    assert.equal(slack.templateId, 'slack');
    assert.equal(slack.usesPkce, false);
    assert.equal(slack.codeChallengeMethod, null);
    const github = providerInputFromTemplate(template('github'), { clientId: 'c', clientSecret: 's' });
    assert.equal(github.revocationUrl, null);
    assert.equal(github.usesPkce, true);
  });

  test('the template params are copied, not shared', () => {
    const input = providerInputFromTemplate(template('google'), { clientId: 'c' });
    assert.ok(input.authorizationParams);
    input.authorizationParams.prompt = 'none';
    assert.equal(template('google').authorizationParams.prompt, 'consent');
  });

  test('substitutes variables, falling back to defaults for absent or blank values', () => {
    assert.equal(fromDefaults(template('microsoft')).authUrl, 'https://login.microsoftonline.com/common/oauth2/v2.0/authorize');
    const ms = providerInputFromTemplate(template('microsoft'), { clientId: 'c', variables: { tenant: 'contoso.onmicrosoft.com' } });
    assert.equal(ms.tokenUrl, 'https://login.microsoftonline.com/contoso.onmicrosoft.com/oauth2/v2.0/token');
    const guid = providerInputFromTemplate(template('microsoft'), { clientId: 'c', variables: { tenant: '72f988bf-86f1-41af-91ab-2d7cd011db47' } });
    assert.match(guid.authUrl, /\/72f988bf-86f1-41af-91ab-2d7cd011db47\/oauth2/);
    const blank = providerInputFromTemplate(template('microsoft'), { clientId: 'c', variables: { tenant: ' ' } });
    assert.match(blank.authUrl, /\/common\//);
    const gitlab = providerInputFromTemplate(template('gitlab'), { clientId: 'c', variables: { baseUrl: 'https://git.example.com:8443/gitlab' } });
    assert.equal(gitlab.authUrl, 'https://git.example.com:8443/gitlab/oauth/authorize');
    assert.equal(gitlab.revocationUrl, 'https://git.example.com:8443/gitlab/oauth/revoke');
    const sf = providerInputFromTemplate(template('salesforce'), { clientId: 'c', variables: { loginHost: 'acme--dev.sandbox.my.salesforce.com' } });
    assert.equal(sf.tokenUrl, 'https://acme--dev.sandbox.my.salesforce.com/services/oauth2/token');
  });

  test('refuses variable values that would point the URLs elsewhere', () => {
    const refuse = (id: string, variables: Record<string, string>, message: RegExp) =>
      assert.throws(() => providerInputFromTemplate(template(id), { clientId: 'c', variables }), (err: unknown) => {
        assert.ok(err instanceof BadRequest);
        assert.equal(err.status, 400);
        assert.match(err.message, message);
        return true;
      });
    refuse('microsoft', { tenant: 'evil.example/x?' }, /not a valid value for 'tenant' of template 'microsoft'/);
    refuse('gitlab', { baseUrl: 'http://gitlab.example.com' }, /not a valid value for 'baseUrl'/);
    refuse('gitlab', { baseUrl: 'https://gitlab.com@evil.example' }, /not a valid value for 'baseUrl'/);
    refuse('gitlab', { baseUrl: 'https://gitlab.com/' }, /not a valid value for 'baseUrl'/);
    refuse('salesforce', { loginHost: 'login.salesforce.com.evil.example' }, /not a valid value for 'loginHost'/);
    refuse('microsoft', { tentant: 'common' }, /Template 'microsoft' has no variable 'tentant'; it takes: tenant\./);
    refuse('github', { host: 'x' }, /Template 'github' has no variable 'host'; it takes none\./);
  });

  test('a variable without a default must be given', () => {
    const t: ProviderTemplate = {
      ...template('gitlab'),
      variables: [{ name: 'baseUrl', label: 'GitLab URL', pattern: '^https://[a-z.]+$' }],
    };
    assert.throws(() => providerInputFromTemplate(t, { clientId: 'c' }), /Template 'gitlab' needs a value for 'baseUrl' \(GitLab URL\)\./);
    assert.equal(providerInputFromTemplate(t, { clientId: 'c', variables: { baseUrl: 'https://git.example' } }).tokenUrl, 'https://git.example/oauth/token');
  });
});

describe('templateSummary', () => {
  test('is plain JSON with what the UI and CLI list', () => {
    for (const t of TEMPLATES) {
      const s = templateSummary(t);
      assert.deepEqual(JSON.parse(JSON.stringify(s)), s, `${t.id} survives JSON`);
      assert.equal(s.id, t.id);
      assert.equal(s.pkce, t.pkce);
    }
    const ms = templateSummary(template('microsoft'));
    assert.deepEqual(ms.variables, [{ name: 'tenant', label: template('microsoft').variables?.[0]?.label, default: 'common', pattern: template('microsoft').variables?.[0]?.pattern }]);
    assert.equal(ms.token_endpoint_auth_method, 'client_secret_post');
    assert.ok(ms.scopes.some((s) => s.scope === 'offline_access' && s.description.length > 0));
    assert.equal(ms.docs_url, template('microsoft').docsUrl);
    assert.equal(templateSummary(template('slack')).scope_separator, ',');
    assert.equal(templateSummary(template('github')).scope_separator, ' ');
    assert.equal(templateSummary(template('github')).revocation_url, null);
  });
});
