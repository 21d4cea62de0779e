/** The window's words for trust (issue 16): new and risky scopes, keychain failures, the masked key, provider marks. */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { DECISION_WORDS } from '../../../main/core/decision-words.ts';
import { maskEnvBlock } from '../../../renderer/src/logic/env-block.ts';
import { explainKeychain } from '../../../renderer/src/logic/keychain-text.ts';
import { isRiskyScope, noneDescribed, requestedScopes, scopeSummary } from '../../../renderer/src/logic/pending-text.ts';
import { markHue, monogram } from '../../../renderer/src/logic/provider-mark.ts';

describe('a request\'s scopes against what the agent holds', () => {
  test('read+admin over read+profile: admin is new, and risky; undescribed scopes say so', () => {
    const item = { scopes: ['read', 'admin'], held_scopes: ['read', 'profile'], scope_descriptions: { admin: 'Administer the organisation' }, provider_name: 'Acme' };
    const rows = requestedScopes(item);
    assert.deepEqual(rows.map((r) => [r.scope, r.isNew, r.risky]), [['read', false, false], ['admin', true, true]]);
    assert.equal(rows[0]?.description, DECISION_WORDS.noDescription);
    assert.equal(rows[1]?.description, 'Administer the organisation');
    assert.equal(scopeSummary(item), 'Already holds read, profile. New in this request: admin.');
    assert.equal(noneDescribed(rows), false);
  });

  test('nothing held: no row is tagged new, the summary says all would be', () => {
    const item = { scopes: ['repo'], held_scopes: [], scope_descriptions: {}, provider_name: 'GitHub' };
    assert.equal(requestedScopes(item)[0]?.isNew, false);
    assert.match(scopeSummary(item), /Nothing held at GitHub yet/);
    assert.equal(noneDescribed(requestedScopes(item)), true);
  });

  test('risky: write, admin, delete, repo-wide, by name or by the template\'s words; plain reads are not', () => {
    for (const s of ['repo', 'write:org', 'admin:repo_hook', 'delete_repo', 'files.content.write', 'https://www.googleapis.com/auth/drive', 'user:all']) {
      const description = s.includes('drive') ? 'See, edit, create and delete all of your Google Drive files' : null;
      assert.ok(isRiskyScope(s, description), s);
    }
    for (const s of ['read:user', 'openid', 'profile', 'email', 'repository.read']) assert.ok(!isRiskyScope(s, 'Read your profile'), s);
  });
});

describe('keychain failures in words', () => {
  test('the D-Bus autolaunch text means no session bus, with a command that fixes it', () => {
    const p = explainKeychain('Using X11 for dbus-daemon autolaunch was disabled at compile time, set your DBUS_SESSION_BUS_ADDRESS instead');
    assert.match(p.meaning, /no desktop session bus/);
    assert.match(p.command ?? '', /dbus-run-session/);
  });
  test('no Secret Service, a locked keychain, and unknown text each get their own meaning', () => {
    assert.match(explainKeychain('The name org.freedesktop.secrets was not provided by any .service files').meaning, /no Secret Service/);
    assert.match(explainKeychain('Cannot create an item in a locked collection').meaning, /locked/);
    assert.match(explainKeychain('something odd').meaning, /did not answer as expected/);
  });
});

describe('the masked owner key and provider marks', () => {
  test('the key line is masked after its first characters; other lines stay', () => {
    const block = 'export LANGSMITH_API_URL=http://127.0.0.1:24817\nexport LANGSMITH_API_KEY=lk_abcdefghijklmnopqrstuvwxyz0123456789';
    const masked = maskEnvBlock(block);
    assert.equal(masked.split('\n')[0], 'export LANGSMITH_API_URL=http://127.0.0.1:24817');
    assert.match(masked.split('\n')[1] ?? '', /^export LANGSMITH_API_KEY=lk_abcde•+$/);
    assert.doesNotMatch(masked, /xyz/);
  });
  test('monograms from the name (asides in parentheses ignored), hues stable per key', () => {
    assert.equal(monogram('GitHub'), 'Gi');
    assert.equal(monogram('Test IdP'), 'TI');
    assert.equal(monogram('Microsoft (Entra ID / Microsoft account)'), 'Mi');
    assert.equal(monogram('Atlassian (Jira, Confluence)'), 'At');
    assert.equal(markHue('github'), markHue('github'));
    assert.ok(markHue('github') >= 0 && markHue('github') < 8);
  });
});
