/**
 * S14: flow and sign-in pages escape every value. `prose()` turns terminal-style
 * `backticks` into <code> (issue 16: the sign-in page showed literal backticks), and must
 * escape first, so untrusted text (provider or agent supplied) cannot smuggle markup.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { failedPage } from '../../main/http/flow-pages.ts';
import { prose } from '../../main/http/html.ts';
import { SIGN_IN_AGAIN } from '../../main/http/owner-auth.ts';

describe('prose: backticks as code, everything escaped', () => {
  test('S14 prose() escapes markup before turning backticks into <code>', () => {
    assert.equal(prose('Run `npx latchkey ui` now').__html, 'Run <code>npx latchkey ui</code> now');
    assert.equal(prose('`<img src=x onerror=alert(1)>` & "q"').__html, '<code>&lt;img src=x onerror=alert(1)&gt;</code> &amp; &quot;q&quot;');
    const page = failedPage('Sign-in failed', 'Provider said: <script>alert(1)</script> `</code><b>x</b>`');
    assert.doesNotMatch(page, /<script>alert|<b>x<\/b>/);
  });

  test('the sign-in sentence renders its command as code, with no literal backticks', () => {
    const html = prose(SIGN_IN_AGAIN).__html;
    assert.match(html, /<code>npx latchkey ui<\/code>/);
    assert.doesNotMatch(html, /`/);
  });
});
