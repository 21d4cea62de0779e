import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { describeScopes, descriptionsFromTemplate, parseScopeList } from '../../../renderer/src/logic/scopes.ts';

describe('scope descriptions', () => {
  test('each scope keeps its order and gets the template description, or null when unknown', () => {
    const described = describeScopes(['repo', 'gist', 'read:org'], { repo: 'Full control of private repositories', 'read:org': 'Read org membership' });
    assert.deepEqual(described, [
      { scope: 'repo', description: 'Full control of private repositories' },
      { scope: 'gist', description: null },
      { scope: 'read:org', description: 'Read org membership' },
    ]);
  });

  test('inherited names and blank descriptions do not count as descriptions', () => {
    assert.deepEqual(describeScopes(['constructor', 'toString', 'x'], { x: '  ' }), [
      { scope: 'constructor', description: null }, { scope: 'toString', description: null }, { scope: 'x', description: null },
    ]);
  });

  test('a template scope list becomes a lookup table', () => {
    const table = descriptionsFromTemplate([{ scope: 'openid', description: 'Sign you in' }, { scope: 'email', description: 'Your email address' }]);
    assert.deepEqual(describeScopes(['email', 'openid'], table).map((d) => d.description), ['Your email address', 'Sign you in']);
    assert.equal(Object.getPrototypeOf(table), null);
  });

  test('free text scopes split on spaces and commas, without duplicates', () => {
    assert.deepEqual(parseScopeList(' repo, read:org  repo\nuser '), ['repo', 'read:org', 'user']);
    assert.deepEqual(parseScopeList('  '), []);
  });
});
