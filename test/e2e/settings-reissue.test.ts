/**
 * Issue 12 §5 in the window: Settings → "Reissue owner key" shows a new env block once and the
 * old owner key stops working (the same owner API call as `latchkey keys reissue-owner`).
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { Browser } from '@playwright/test';
import { launchChromium } from '../helpers/chromium.ts';
import { startTestBroker, type TestBroker } from '../helpers/test-broker.ts';

describe('Settings: reissue the owner key', () => {
  let b: TestBroker;
  let chromium: Browser;
  before(async () => {
    b = await startTestBroker();
    chromium = await launchChromium();
  });
  after(async () => {
    await chromium?.close();
    await b?.cleanup();
  });

  test('the button shows the new key once; the old one is revoked', async () => {
    const page = await (await chromium.newContext()).newPage();
    await page.goto(b.loginUrl());
    await page.goto(`${b.url}/#/settings`);
    await page.getByRole('heading', { level: 1, name: 'Settings' }).waitFor();
    await page.getByRole('button', { name: 'Reissue owner key' }).click();
    const shown = page.getByLabel('New environment block (the old owner key is revoked)', { exact: true });
    await shown.waitFor();
    const newKey = /LANGSMITH_API_KEY=(lk_\S+)/.exec((await shown.textContent()) ?? '')?.[1] ?? '';
    assert.match(newKey, /^lk_[A-Za-z0-9_-]{43}$/);
    assert.notEqual(newKey, b.key);
    assert.equal((await b.api('/v2/auth/providers', { key: newKey })).status, 200);
    assert.equal((await b.api('/v2/auth/providers', { key: b.key })).status, 401, 'the old owner key is revoked');
    assert.equal(b.envBlock(), `export LANGSMITH_API_URL=${b.url}\nexport LANGSMITH_API_KEY=${newKey}`);
  });
});
