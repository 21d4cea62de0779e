/**
 * The SDK fast path (main/http/fast-path.ts) must answer exactly like the Express routes it
 * shortcuts. The same requests go both ways: with Content-Length (fast path) and chunked
 * (left to Express), and the answers must match byte for byte apart from framing headers.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { rawRequest } from '../helpers/raw-http.ts';
import { providerBody, startTestBroker, type TestBroker } from '../helpers/test-broker.ts';

function chunked(body: string): string {
  return body.length === 0 ? '0\r\n\r\n' : `${Buffer.byteLength(body).toString(16)}\r\n${body}\r\n0\r\n\r\n`;
}

const comparable = (headers: string): string[] => headers.split('\r\n').slice(1)
  .filter((h) => !/^(date|connection|keep-alive|content-length|transfer-encoding):/i.test(h)).sort();

describe('fast path parity with the Express routes', () => {
  let b: TestBroker;
  before(async () => {
    b = await startTestBroker();
    await b.api('/v2/auth/providers', { body: providerBody('http://127.0.0.1:9') });
  });
  after(() => b.cleanup());

  const bodies = [
    '{"provider":"test-idp","scopes":["a"],"user_id":"p"}',
    '{"provider":"test-idp","scopes":"a"}',
    '{"provider":"nope","scopes":[]}',
    '{"provider":"test-idp",',
    '[1,2]',
    '"just a string"',
    '',
    '{"__proto__":{"x":1},"provider":"test-idp","scopes":["b"],"check_only":true}',
  ];

  for (const body of bodies) {
    test(`authenticate ${JSON.stringify(body).slice(0, 50)}`, async () => {
      const head = `POST /v2/auth/authenticate HTTP/1.1\nHost: 127.0.0.1:${b.port}\nx-api-key: ${b.key}\nContent-Type: application/json`;
      const fast = await rawRequest(b.port, `${head}\nContent-Length: ${Buffer.byteLength(body)}`, body);
      const slow = await rawRequest(b.port, `${head}\nTransfer-Encoding: chunked`, chunked(body));
      assert.equal(fast.status, slow.status);
      assert.deepEqual(comparable(fast.headers), comparable(slow.headers));
      const strip = (s: string) => s.replace(/^[0-9a-f]+\r\n|\r\n0\r\n\r\n$/g, '');
      assert.equal(fast.body, strip(slow.body));
    });
  }

  test('wait and unknown keys answer the same both ways', async () => {
    const auth = await b.api('/v2/auth/authenticate', { body: { provider: 'test-idp', scopes: ['w'] } });
    for (const [path, key] of [[`/v2/auth/wait/${auth.body.auth_id}?timeout=0`, b.key], ['/v2/auth/wait/nope?timeout=x', b.key], ['/api-host/v2/auth/wait/nope', 'lk_unknown-key-0000000000000000']] as const) {
      const fast = await rawRequest(b.port, `GET ${path} HTTP/1.1\nHost: 127.0.0.1:${b.port}\nx-api-key: ${key}`);
      // A trailing slash is not this path's pattern: Express (non-strict routing) answers it.
      const [p, query] = path.split('?');
      const slow = await rawRequest(b.port, `GET ${p}/${query ? `?${query}` : ''} HTTP/1.1\nHost: 127.0.0.1:${b.port}\nx-api-key: ${key}`);
      assert.equal(fast.status, slow.status, path);
      assert.deepEqual(comparable(fast.headers), comparable(slow.headers), path);
      assert.equal(fast.body, slow.body.replace(/^[0-9a-f]+\r\n|\r\n0\r\n\r\n$/g, ''), path);
    }
  });
});
