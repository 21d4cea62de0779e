/** The human's part of a flow, done by HttpBrowser: sign in, approve on /start, consent at oidc-provider. */
import assert from 'node:assert/strict';
import { HttpBrowser, consentAtOidc } from './http-browser.ts';

export async function approveInBrowser(
  broker: { loginUrl(): string },
  startUrl: string,
  options: { duration?: string; browser?: HttpBrowser; login?: string } = {},
): Promise<{ browser: HttpBrowser; done: { res: Response; url: string; text: string } }> {
  const browser = options.browser ?? new HttpBrowser();
  await browser.go(broker.loginUrl());
  const page = await browser.go(startUrl);
  assert.equal(page.res.status, 200, page.text);
  const decided = await browser.approve(startUrl, { duration: options.duration ?? '1h' });
  const done = /\/interaction\//.test(decided.url) ? await consentAtOidc(browser, decided, options.login ? { login: options.login } : {}) : decided;
  return { browser, done };
}
