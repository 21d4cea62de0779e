/**
 * A tiny cookie-keeping "browser" over fetch for integration tests that need a human's
 * clicks without launching Chromium: follows redirects, keeps cookies per host, submits
 * oidc-provider's dev login and consent forms. The real-browser run is in test/e2e.
 */
export class HttpBrowser {
  readonly #jar = new Map<string, Map<string, string>>();
  /** Every URL visited, in order, for assertions about redirects. */
  readonly visited: string[] = [];

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
    return { res, url: current, text: await res.text(), stopped: false };
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
