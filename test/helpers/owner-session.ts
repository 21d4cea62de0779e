/** The owner, signed in through a one-time login link, calling the owner API like the window does (header credential, S33). */
import { HttpBrowser } from './http-browser.ts';

export interface OwnerSession {
  browser: HttpBrowser;
  /** The session token (what the window keeps in localStorage and sends as `x-latchkey-session`). */
  token: string;
  call(method: string, path: string, body?: unknown): Promise<{ status: number; body: any; headers: Headers }>;
}

export async function signIn(broker: { url: string; loginUrl(): string }): Promise<OwnerSession> {
  const browser = new HttpBrowser();
  await browser.signIn(broker.loginUrl());
  const token = browser.sessionToken(broker.url) ?? '';
  const call: OwnerSession['call'] = async (method, path, body) => {
    const headers: Record<string, string> = { 'x-latchkey-session': token, origin: broker.url };
    if (method !== 'GET' && method !== 'DELETE') headers['content-type'] = 'application/json';
    const res = await browser.request(`${broker.url}${path}`, { method, headers, ...(body === undefined ? {} : { body: JSON.stringify(body) }) });
    const text = await res.text();
    let parsed: unknown = text;
    try { parsed = JSON.parse(text); } catch { /* not JSON */ }
    return { status: res.status, body: parsed, headers: res.headers };
  };
  return { browser, token, call };
}
