/**
 * Where the window keeps its owner session (S33): the session token lives in localStorage,
 * which browsers scope to the exact origin — scheme, host and port — so a server on another
 * 127.0.0.1 port never receives it (unlike a cookie, which goes to every port). The
 * one-time sign-in token arrives in the URL fragment (`#login=…`), which is never sent to
 * any server; `takeLoginToken` removes it from the address bar before anything else runs.
 * The key is shared with the flow pages' script (main/http/flow-page-script.ts).
 */
export const SESSION_STORAGE_KEY = 'latchkey.session';

export interface TokenStore {
  read(): string | null;
  save(token: string): void;
  clear(): void;
}

/** localStorage when the page may use it; otherwise a memory-only store (this tab only). */
export function browserTokenStore(): TokenStore {
  let memory: string | null = null;
  const storage = (): Storage | null => {
    try { return window.localStorage; } catch { return null; }
  };
  return {
    read: () => storage()?.getItem(SESSION_STORAGE_KEY) ?? memory,
    save: (token) => { memory = token; storage()?.setItem(SESSION_STORAGE_KEY, token); },
    clear: () => { memory = null; storage()?.removeItem(SESSION_STORAGE_KEY); },
  };
}

/** The login token of a `#login=<token>` fragment (and the hash route to show after it), or null. */
export function loginTokenFrom(hash: string): string | null {
  const m = /^#login=([A-Za-z0-9_-]{16,256})$/.exec(hash);
  return m?.[1] ?? null;
}

/** Reads and strips `#login=…` from the address bar (so it is not in history or screenshots). */
export function takeLoginToken(): string | null {
  const token = loginTokenFrom(window.location.hash);
  if (window.location.hash.startsWith('#login=')) history.replaceState(null, '', `${window.location.pathname}#/pending`);
  return token;
}
