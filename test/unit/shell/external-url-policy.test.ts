import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { checkExternalUrl, providerOrigins, type ExternalUrlContext } from '../../../main/shell/external-url-policy.ts';

const ctx: ExternalUrlContext = {
  brokerOrigin: 'http://127.0.0.1:24817',
  providerOrigins: new Set(['https://github.com', 'https://accounts.google.com']),
};
const allowed = (url: unknown): boolean => checkExternalUrl(url, ctx).ok;

describe('external URL allow-list (S32)', () => {
  it("opens this broker's /start/ and /consent/ links", () => {
    assert.deepEqual(checkExternalUrl('http://127.0.0.1:24817/start/AbC-_09', ctx), { ok: true, url: 'http://127.0.0.1:24817/start/AbC-_09' });
    assert.ok(allowed('http://127.0.0.1:24817/consent/tIcKeT_-1'));
  });

  it('opens https pages of configured providers', () => {
    assert.ok(allowed('https://github.com/login/oauth/authorize?client_id=x'));
    assert.ok(allowed('https://accounts.google.com/o/oauth2/v2/auth'));
  });

  for (const [why, url] of [
    ['the broker home page', 'http://127.0.0.1:24817/'],
    ['the owner login link', 'http://127.0.0.1:24817/#login=secret'],
    ['a start link carrying a fragment', 'http://127.0.0.1:24817/start/abc#login=secret'],
    ['the owner API', 'http://127.0.0.1:24817/ui/api/requests'],
    ['a start link with a nested path', 'http://127.0.0.1:24817/start/abc/def'],
    ['dot segments out of /start/', 'http://127.0.0.1:24817/start/../ui/login/x'],
    ['encoded dot segments', 'http://127.0.0.1:24817/start/%2e%2e/ui/login/x'],
    ['an empty start token', 'http://127.0.0.1:24817/start/'],
    ['a start link with a query', 'http://127.0.0.1:24817/start/abc?next=/ui'],
    ['the broker under another host name', 'http://localhost:24817/start/abc'],
    ['another port', 'http://127.0.0.1:24818/start/abc'],
    ['https on the broker port', 'https://127.0.0.1:24817/start/abc'],
    ['a provider over http', 'http://github.com/login'],
    ['an unknown https origin', 'https://evil.example/start/abc'],
    ['a look-alike provider host', 'https://github.com.evil.example/'],
    ['a provider on another port', 'https://github.com:8443/'],
    ['credentials in the URL', 'https://user:pw@github.com/'],
    ['file:', 'file:///etc/passwd'],
    ['javascript:', 'javascript:alert(1)'],
    ['a custom scheme', 'ms-settings:privacy'],
    ['not a URL', 'github.com/login'],
    ['an empty string', ''],
    ['a huge string', `https://github.com/${'a'.repeat(5000)}`],
  ] as const) {
    it(`refuses ${why}`, () => assert.equal(allowed(url), false, url));
  }

  it('refuses non-strings with a reason', () => {
    for (const v of [undefined, null, 42, { href: 'https://github.com/' }]) assert.deepEqual(checkExternalUrl(v, ctx), { ok: false, reason: 'not a URL' });
  });

  it('takes provider origins from https authorization endpoints only', () => {
    const origins = providerOrigins([
      { authUrl: 'https://github.com/login/oauth/authorize' },
      { authUrl: 'https://slack.com/oauth/v2/authorize' },
      { authUrl: 'http://127.0.0.1:9000/auth' },
      { authUrl: 'not a url' },
    ]);
    assert.deepEqual([...origins].sort(), ['https://github.com', 'https://slack.com']);
  });
});
