/**
 * A tiny cookie-keeping "browser" over fetch for integration tests that need a human's
 * clicks without launching Chromium: follows redirects, keeps cookies per host, submits
 * oidc-provider's dev login and consent forms. It also does what Latchkey's page scripts
 * do (renderer sign-in, /assets/flow.js), with per-origin "localStorage": the session token
 * from a `#login=` link, sent as `x-latchkey-session`, and the flow's browser binding.
 * The real-browser run is in test/e2e.
 */
export interface FlowStep { res: Response; body: any }

export class HttpBrowser {
  readonly #jar = new Map<string, Map<string, string>>();
  /** origin → key → value, like window.localStorage. */
  readonly storage = new Map<string, Map<string, string>>();
  /** Every URL visited, in order, for assertions about redirects. */
  readonly visited: string[] = [];

  #store_(url: string): Map<string, string> {
    const origin = new URL(url).origin;
    const m = this.storage.get(origin) ?? new Map<string, string>();
    this.storage.set(origin, m);
    return m;
  }

  /** The session token this browser holds for `url`'s origin (what the window keeps in localStorage). */
  sessionToken(url: string): string | undefined {
    return this.#store_(url).get('latchkey.session');
  }

  /** The flow binding for `url`'s origin, created on first use like flow.js does. */
  binding(url: string): string {
    const m = this.#store_(url);
    let b = m.get('latchkey.binding');
    if (!b) {
      b = Buffer.from(crypto.getRandomValues(new Uint8Array(32))).toString('base64url');
      m.set('latchkey.binding', b);
    }
    return b;
  }

  /** Opens a `<base>/#login=<token>` link the way the window's script does: POST /ui/login, keep the session token. */
  async signIn(loginUrl: string): Promise<void> {
    const u = new URL(loginUrl);
    const token = /^#login=(.+)$/.exec(u.hash)?.[1];
    if (!token) throw new Error(`not a sign-in link: ${loginUrl}`);
    const res = await this.request(`${u.origin}/ui/login`, { method: 'POST', headers: { 'content-type': 'application/json', origin: u.origin }, body: JSON.stringify({ login_token: token }) });
    if (res.status !== 200) throw new Error(`sign-in failed: ${res.status} ${await res.text()}`);
    const body = (await res.json()) as { session_token: string };
    this.#store_(loginUrl).set('latchkey.session', body.session_token);
  }

  /** A JSON POST from one of our pages: same origin, session header when signed in. */
  async postJson(url: string, body: unknown, headers: Record<string, string> = {}): Promise<FlowStep> {
    const origin = new URL(url).origin;
    const token = this.sessionToken(url);
    const res = await this.request(url, {
      method: 'POST', body: JSON.stringify(body),
      headers: { 'content-type': 'application/json', origin, 'sec-fetch-site': 'same-origin', ...(token ? { 'x-latchkey-session': token } : {}), ...headers },
    });
    const text = await res.text();
    let parsed: unknown = text;
    try { parsed = JSON.parse(text); } catch { /* not JSON */ }
    return { res, body: parsed };
  }

  /** The decision form of a /start page (flow.js): approve or deny with the owner's header. */
  decide(startUrl: string, choice: { decision?: 'approve' | 'deny'; duration?: string; remember?: string; account?: string } = {}): Promise<FlowStep> {
    return this.postJson(`${startUrl}/decision`, {
      decision: choice.decision ?? 'approve', duration: choice.duration ?? '1h', ...(choice.remember ? { remember: choice.remember } : {}),
      ...(choice.account ? { account: choice.account } : {}), binding: this.binding(startUrl),
    });
  }

  /** The "Continue to <provider>" button of an approved /start page. */
  continueFlow(startUrl: string): Promise<FlowStep> {
    return this.postJson(`${startUrl}/continue`, { binding: this.binding(startUrl) });
  }

  /** What the callback page's script does: post the query and this browser's binding. */
  finishCallback(callbackUrl: string): Promise<FlowStep> {
    const u = new URL(callbackUrl);
    const providerId = /\/(?:host-oauth-callback|callback|setup)\/([^/?]+)/.exec(u.pathname)?.[1] ?? '';
    return this.postJson(`${u.origin}/host-oauth-callback/${providerId}`, { query: u.search, binding: this.binding(callbackUrl) });
  }

  /** Approve on a /start page and follow the browser to wherever the answer sends it. */
  async approve(startUrl: string, options: { duration?: string; stopBefore?: (url: string) => boolean } = {}): Promise<{ res: Response; url: string; text: string; stopped: boolean }> {
    const step = await this.decide(startUrl, { duration: options.duration ?? '1h' });
    if (step.res.status !== 200) return { res: step.res, url: startUrl, text: JSON.stringify(step.body), stopped: false };
    const next = typeof step.body?.redirect_url === 'string' ? step.body.redirect_url as string : startUrl;
    if (options.stopBefore?.(next)) return { res: step.res, url: next, text: '', stopped: true };
    return this.go(next, options.stopBefore ? { stopBefore: options.stopBefore } : {});
  }

  cookie(url: string, name: string): string | undefined {
    return this.#jar.get(new URL(url).host)?.get(name);
  }

  #store(url: string, res: Response): void {
    const host = new URL(url).host;
    const jar = this.#jar.get(host) ?? new Map<string, string>();
    this.#jar.set(host, jar);
    for (const c of res.headers.getSetCookie()) {
      const [pair] = c.split(';');
      const i = pair?.indexOf('=') ?? -1;
      if (!pair || i <= 0) continue;
      const name = pair.slice(0, i).trim();
      const value = pair.slice(i + 1).trim();
      if (/max-age=0/i.test(c) || /expires=Thu, 01 Jan 1970/i.test(c)) jar.delete(name);
      else jar.set(name, value);
    }
  }

  #cookieHeader(url: string): string {
    const jar = this.#jar.get(new URL(url).host);
    return jar ? [...jar].map(([k, v]) => `${k}=${v}`).join('; ') : '';
  }

  /** One request, no redirect following. */
  async request(url: string, init: { method?: string; form?: Record<string, string>; headers?: Record<string, string>; body?: string } = {}): Promise<Response> {
    const headers: Record<string, string> = { ...init.headers };
    const cookie = this.#cookieHeader(url);
    if (cookie) headers.cookie = cookie;
    let body: string | undefined = init.body;
    if (init.form) {
      body = new URLSearchParams(init.form).toString();
      headers['content-type'] = 'application/x-www-form-urlencoded';
      headers.origin ??= new URL(url).origin;
    }
    this.visited.push(url);
    const res = await fetch(url, { method: init.method ?? (body ? 'POST' : 'GET'), headers, redirect: 'manual', ...(body ? { body } : {}) });
    this.#store(url, res);
    return res;
  }

  /**
   * Request and follow redirects; returns the final response and its URL. With `stopBefore`,
   * a redirect to a matching URL is not followed: `url` is then that URL, not yet visited.
   */
  async go(url: string, init: { method?: string; form?: Record<string, string>; stopBefore?: (url: string) => boolean } = {}): Promise<{ res: Response; url: string; text: string; stopped: boolean }> {
    // The window's script runs first on a sign-in link (the fragment itself is never sent).
    if (new URL(url).hash.startsWith('#login=')) await this.signIn(url);
    let res = await this.request(url, init);
    let current = url;
    for (let i = 0; i < 20 && res.status >= 300 && res.status < 400; i++) {
      const location = res.headers.get('location');
      if (!location) break;
      const next = new URL(location, current).toString();
      if (init.stopBefore?.(next)) return { res, url: next, text: '', stopped: true };
      current = next;
      res = await this.request(current);
    }
    const text = await res.text();
    return this.#runPageScript(res, current, text, init.stopBefore);
  }

  /** flow.js on the pages that act on load: a consent link starts the provider, a callback page finishes. */
  async #runPageScript(res: Response, url: string, text: string, stopBefore?: (url: string) => boolean): Promise<{ res: Response; url: string; text: string; stopped: boolean }> {
    const path = /data-path="([^"]+)"/.exec(text)?.[1]?.replace(/&amp;/g, '&');
    if (text.includes('data-flow="callback"') && path) {
      const step = await this.finishCallback(url);
      const ok = step.res.ok && step.body?.status === 'completed';
      const heading = ok ? `Connected to ${step.body.provider_name}` : step.res.ok ? 'Sign-in failed' : 'Sign-in link refused';
      return { res: step.res, url, text: `<h1>${heading}</h1><p>${String(step.body?.detail ?? '')}</p>`, stopped: false };
    }
    if (text.includes('data-flow="consent"') && path) {
      const step = await this.postJson(new URL(path, url).toString(), { binding: this.binding(url) });
      if (typeof step.body?.redirect_url !== 'string') return { res: step.res, url, text: JSON.stringify(step.body), stopped: false };
      if (stopBefore?.(step.body.redirect_url)) return { res: step.res, url: step.body.redirect_url, text: '', stopped: true };
      return this.go(step.body.redirect_url, stopBefore ? { stopBefore } : {});
    }
    return { res, url, text, stopped: false };
  }
}

export function formAction(html: string): string {
  const m = /<form[^>]*action="([^"]+)"/.exec(html);
  if (!m?.[1]) throw new Error(`no form in page: ${html.slice(0, 300)}`);
  return m[1].replace(/&amp;/g, '&');
}

export function hiddenValue(html: string, name: string): string {
  const m = new RegExp(`name="${name}" value="([^"]*)"`).exec(html);
  if (!m?.[1]) throw new Error(`no hidden ${name} in page`);
  return m[1];
}

/**
 * At oidc-provider's dev interaction pages: sign in as `login` and confirm consent until
 * the provider redirects away. Returns the final page after the redirect chain.
 */
export async function consentAtOidc(
  browser: HttpBrowser,
  page: { res: Response; url: string; text: string },
  options: { login?: string; stopBefore?: (url: string) => boolean } = {},
): Promise<{ res: Response; url: string; text: string; stopped: boolean }> {
  let current = { ...page, stopped: false };
  for (let i = 0; i < 4 && !current.stopped && /\/interaction\//.test(current.url); i++) {
    const action = new URL(formAction(current.text), current.url).toString();
    const form: Record<string, string> = current.text.includes('name="login"') ? { prompt: 'login', login: options.login ?? 'alice', password: 'pw' } : { prompt: 'consent' };
    current = await browser.go(action, { form, ...(options.stopBefore ? { stopBefore: options.stopBefore } : {}) });
  }
  return current;
}
