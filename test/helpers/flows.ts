/** The human's part of a flow, done by the cookie-keeping HttpBrowser: sign in, approve on /start, consent at oidc-provider. */
import assert from 'node:assert/strict';
import { HttpBrowser, consentAtOidc, formAction, hiddenValue } from './http-browser.ts';

export async function approveInBrowser(
  broker: { loginUrl(): string },
  startUrl: string,
  options: { duration?: string; browser?: HttpBrowser; login?: string } = {},
): Promise<{ browser: HttpBrowser; done: { res: Response; url: string; text: string } }> {
  const browser = options.browser ?? new HttpBrowser();
  await browser.go(broker.loginUrl());
  const page = await browser.go(startUrl);
  assert.equal(page.res.status, 200, page.text);
  const action = new URL(formAction(page.text), startUrl).toString();
  const decided = await browser.go(action, { form: { _csrf: hiddenValue(page.text, '_csrf'), duration: options.duration ?? '1h', decision: 'approve' } });
  const done = /\/interaction\//.test(decided.url) ? await consentAtOidc(browser, decided, options.login ? { login: options.login } : {}) : decided;
  return { browser, done };
}
