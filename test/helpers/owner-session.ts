/** The owner, signed in through a one-time login link, calling the owner API like the window does. */
import { HttpBrowser } from './http-browser.ts';

export interface OwnerSession {
  browser: HttpBrowser;
  csrf: string;
  call(method: string, path: string, body?: unknown): Promise<{ status: number; body: any; headers: Headers }>;
}

export async function signIn(broker: { url: string; loginUrl(): string }): Promise<OwnerSession> {
  const browser = new HttpBrowser();
  await browser.go(broker.loginUrl());
  const session = (await (await browser.request(`${broker.url}/ui/api/session`)).json()) as { csrf_token: string };
  const call: OwnerSession['call'] = async (method, path, body) => {
    const headers: Record<string, string> = { 'x-csrf-token': session.csrf_token, origin: broker.url };
    if (method !== 'GET' && method !== 'DELETE') headers['content-type'] = 'application/json';
    const res = await browser.request(`${broker.url}${path}`, { method, headers, ...(body === undefined ? {} : { body: JSON.stringify(body) }) });
    const text = await res.text();
    let parsed: unknown = text;
    try { parsed = JSON.parse(text); } catch { /* not JSON */ }
    return { status: res.status, body: parsed, headers: res.headers };
  };
  return { browser, csrf: session.csrf_token, call };
}
