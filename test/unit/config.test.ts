/** Configuration parsed once: defaults, precedence, every problem at once. */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { ConfigError, DEFAULT_PORT, loadConfig } from '../../main/config.ts';

describe('configuration', () => {
  test('defaults and precedence: flags over environment', () => {
    const c = loadConfig({}, { LATCHKEY_HOME: '/tmp/h' });
    assert.equal(c.port, DEFAULT_PORT);
    assert.equal(c.home, '/tmp/h');
    assert.equal(loadConfig({ port: '5' }, { LATCHKEY_PORT: '7', LATCHKEY_HOME: '/h' }).port, 5);
  });

  test('every problem is reported at once', () => {
    try {
      loadConfig({ port: 'abc', approval: 'sometimes', logLevel: 'loud' }, { LATCHKEY_HOME: '/h' });
      assert.fail('expected a ConfigError');
    } catch (err) {
      assert.ok(err instanceof ConfigError);
      assert.equal(err.problems.length, 3, err.message);
      assert.match(err.message, /port/);
      assert.match(err.message, /approval/);
      assert.match(err.message, /logLevel/);
    }
  });
});
