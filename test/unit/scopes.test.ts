/** Scope sets: normalising, subsets, unions and the granted-scope formats providers use. */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { isSubset, normalizeScopes, parseGrantedScope, unionScopes } from '../../main/core/scopes.ts';

describe('scope sets', () => {
  test('normalise: trimmed, de-duplicated, sorted; empty entries dropped', () => {
    assert.deepEqual(normalizeScopes([' repo', 'read:org', 'repo', '']), ['read:org', 'repo']);
  });
  test('subset and union', () => {
    assert.ok(isSubset(['a'], ['a', 'b']));
    assert.ok(isSubset([], []));
    assert.ok(!isSubset(['a', 'c'], ['a', 'b']));
    assert.deepEqual(unionScopes(['b', 'a'], ['c', 'a']), ['a', 'b', 'c']);
  });
  test('granted scope accepts RFC 6749 spaces and GitHub/Slack commas', () => {
    assert.deepEqual(parseGrantedScope('repo,read:org'), ['read:org', 'repo']);
    assert.deepEqual(parseGrantedScope('openid profile'), ['openid', 'profile']);
    assert.equal(parseGrantedScope(undefined), undefined);
  });
});
