import { strict as assert } from 'node:assert';
import { describe, test } from 'node:test';
import { parseJsonSafely } from '../../../main/http/guards.ts';

// The hot path's JSON parse (issue 17) skips the reviver only when the text cannot spell `__proto__`.
describe('parseJsonSafely', () => {
  const hasProto = (v: unknown): boolean => typeof v === 'object' && v !== null && Object.hasOwn(v, '__proto__');

  test('S06 a literal __proto__ key is dropped, at any depth', () => {
    const v = parseJsonSafely('{"__proto__":{"polluted":1},"a":{"__proto__":{"polluted":1},"b":2}}') as { a: { b: number } };
    assert.ok(!hasProto(v));
    assert.ok(!hasProto(v.a));
    assert.equal(v.a.b, 2);
    assert.equal(({} as { polluted?: number }).polluted, undefined);
  });

  test('S06 __proto__ spelled with escapes is dropped too', () => {
    for (const text of ['{"\\u005f_proto__":{"x":1},"k":1}', '{"__pr\\u006fto__":{"x":1},"k":1}', '{"a":"\\n","\\u005F\\u005Fproto\\u005F\\u005F":1,"k":1}']) {
      const v = parseJsonSafely(text) as { k: number };
      assert.ok(!hasProto(v), text);
      assert.equal(v.k, 1);
    }
  });

  test('an ordinary body parses to the same value as with the reviver', () => {
    const text = '{"provider":"github","scopes":["repo","user:email"],"agent_id":null,"n":1.5,"deep":[{"x":[true,false]}]}';
    assert.deepEqual(parseJsonSafely(text), JSON.parse(text));
  });

  test('invalid JSON still throws', () => {
    assert.throws(() => parseJsonSafely('{"a":'), SyntaxError);
    assert.throws(() => parseJsonSafely('{"a\\":1'), SyntaxError);
  });
});
