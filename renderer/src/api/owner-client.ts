/**
 * The one typed client for the owner API (/ui/api). Paths and shapes come from the
 * server's contract (main/http/owner-api-types.ts, types only). Every call sends the
 * session token from origin-scoped storage in `x-latchkey-session` (S33: never a cookie,
 * which every other 127.0.0.1 port would receive); every body is JSON.
 */
import type {
  AcceptPairingBody, ActivityPage, EventTicketResponse, LoginBody, LoginResponse, LogoutResponse, OwnerSessionView, ApproveBody, ApproveResponse, ConnectionView, ConsentLinkResponse, CreateKeyBody, CreateKeyResponse,
  CreateProviderBody, DeleteProviderResponse, DenyBody, DenyDurationWire, GrantDurationWire, GrantView, KeyView,
  PairingView, PendingRequestView, ProviderView, ReissueOwnerResponse, SessionView, SettingsView, TemplateView, UpdateProviderBody,
  UpdateSettingsBody, UpdateConnectionRequest, BindAgentRequest,
} from '../../../main/http/owner-api-types.ts';
import { ApiError, detailFrom } from './api-error.ts';
import { browserTokenStore, type TokenStore } from './session-store.ts';

export const API_BASE = '/ui/api';
export const LOGIN_PATH = '/ui/login';
export const SESSION_HEADER = 'x-latchkey-session';

type Method = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';

const seg = (value: string): string => encodeURIComponent(value);

export class OwnerClient {
  readonly #fetch: typeof fetch;
  readonly #tokens: TokenStore;

  constructor(fetchImpl: typeof fetch = (input, init) => fetch(input, init), tokens: TokenStore = browserTokenStore()) {
    this.#fetch = fetchImpl;
    this.#tokens = tokens;
  }

  /** Whether this browser holds a session token at all (it may still have expired). */
  hasSession(): boolean { return this.#tokens.read() !== null; }

  /** Trades a sign-in link's one-time token for a session token, kept in origin-scoped storage. */
  async signIn(loginToken: string): Promise<void> {
    const answer = await this.#call<LoginResponse>('POST', LOGIN_PATH, { login_token: loginToken } satisfies LoginBody, '');
    this.#tokens.save(answer.session_token);
  }

  /** Ends this browser's session on the broker and forgets the token here. */
  async signOut(): Promise<void> {
    try {
      await this.#call<LogoutResponse>('DELETE', '/sessions/current');
    } finally {
      this.#tokens.clear();
    }
  }

  session(): Promise<SessionView> { return this.#call('GET', '/session'); }
  sessions(): Promise<OwnerSessionView[]> { return this.#call('GET', '/sessions'); }
  endSession(id: string): Promise<LogoutResponse> { return this.#call('DELETE', `/sessions/${seg(id)}`); }
  endAllSessions(): Promise<LogoutResponse> { return this.#call('DELETE', '/sessions'); }
  /** A single-use ticket for the event stream (an EventSource cannot send the header). */
  eventTicket(): Promise<EventTicketResponse> { return this.#call('POST', '/events/tickets', {}); }

  requests(): Promise<PendingRequestView[]> { return this.#call('GET', '/requests'); }
  approve(authId: string, duration: GrantDurationWire): Promise<ApproveResponse> { return this.#call('POST', `/requests/${seg(authId)}/approve`, { duration } satisfies ApproveBody); }
  deny(authId: string, remember?: DenyDurationWire): Promise<{ auth_id: string; status: string }> {
    return this.#call('POST', `/requests/${seg(authId)}/deny`, (remember ? { remember } : {}) satisfies DenyBody);
  }

  providers(): Promise<ProviderView[]> { return this.#call('GET', '/providers'); }
  createProvider(body: CreateProviderBody): Promise<ProviderView> { return this.#call('POST', '/providers', body); }
  updateProvider(id: string, body: UpdateProviderBody): Promise<ProviderView> { return this.#call('PATCH', `/providers/${seg(id)}`, body); }
  deleteProvider(id: string): Promise<DeleteProviderResponse> { return this.#call('DELETE', `/providers/${seg(id)}`); }
  templates(): Promise<TemplateView[]> { return this.#call('GET', '/templates'); }

  connections(): Promise<ConnectionView[]> { return this.#call('GET', '/connections'); }
  refreshConnection(id: string): Promise<ConnectionView> { return this.#call('POST', `/connections/${seg(id)}/refresh`, {}); }
  reconnect(id: string): Promise<ConsentLinkResponse> { return this.#call('POST', `/connections/${seg(id)}/reconnect`, {}); }
  deleteConnection(id: string): Promise<unknown> { return this.#call('DELETE', `/connections/${seg(id)}`); }
  /** Relabel an account, or make it the default of its provider, user and agent. */
  updateConnection(id: string, body: UpdateConnectionRequest): Promise<ConnectionView> { return this.#call('PATCH', `/connections/${seg(id)}`, body); }
  /** Hand the account to an agent of its key: an approval until the binding is removed. */
  bindAgent(id: string, agentId: string): Promise<ConnectionView> { return this.#call('POST', `/connections/${seg(id)}/agents`, { agent_id: agentId } satisfies BindAgentRequest); }
  unbindAgent(id: string, bindingId: string): Promise<ConnectionView> { return this.#call('DELETE', `/connections/${seg(id)}/agents/${seg(bindingId)}`); }

  grants(): Promise<GrantView[]> { return this.#call('GET', '/grants'); }
  revokeGrant(id: string): Promise<unknown> { return this.#call('DELETE', `/grants/${seg(id)}`); }

  keys(): Promise<KeyView[]> { return this.#call('GET', '/keys'); }
  createKey(body: CreateKeyBody): Promise<CreateKeyResponse> { return this.#call('POST', '/keys', body); }
  revokeKey(id: string): Promise<unknown> { return this.#call('DELETE', `/keys/${seg(id)}`); }
  reissueOwnerKey(): Promise<ReissueOwnerResponse> { return this.#call('POST', '/keys/reissue-owner', {}); }

  pairings(): Promise<PairingView[]> { return this.#call('GET', '/pairings'); }
  acceptPairing(id: string, body: AcceptPairingBody): Promise<unknown> { return this.#call('POST', `/pairings/${seg(id)}/accept`, body); }
  rejectPairing(id: string): Promise<unknown> { return this.#call('POST', `/pairings/${seg(id)}/reject`, {}); }

  /** `query` comes from activityQuery() (logic/activity-query.ts), without the leading `?`. */
  activity(query: string): Promise<ActivityPage> { return this.#call('GET', `/activity${query ? `?${query}` : ''}`); }

  /** A file answer (the activity export), fetched with the session header like every call; `path` is absolute (/ui/api/…). */
  async download(path: string): Promise<Blob> {
    const token = this.#tokens.read();
    let res: Response;
    try {
      res = await this.#fetch(path, { headers: token ? { [SESSION_HEADER]: token } : {}, credentials: 'omit', cache: 'no-store' });
    } catch {
      throw new ApiError(0, 'Latchkey is not answering.');
    }
    if (res.status === 401) this.#tokens.clear();
    if (!res.ok) {
      const text = await res.text();
      let parsed: unknown = text;
      try { parsed = JSON.parse(text); } catch { /* not JSON */ }
      throw new ApiError(res.status, detailFrom(res.status, parsed));
    }
    return res.blob();
  }

  settings(): Promise<SettingsView> { return this.#call('GET', '/settings'); }
  updateSettings(body: UpdateSettingsBody): Promise<SettingsView> { return this.#call('PUT', '/settings', body); }

  async #call<T>(method: Method, path: string, body?: unknown, base = API_BASE): Promise<T> {
    const headers: Record<string, string> = { accept: 'application/json' };
    const token = this.#tokens.read();
    if (token) headers[SESSION_HEADER] = token;
    if (method !== 'GET' && body !== undefined) headers['content-type'] = 'application/json';
    let res: Response;
    try {
      res = await this.#fetch(`${base}${path}`, {
        method, headers, credentials: 'omit', cache: 'no-store',
        ...(body === undefined ? {} : { body: JSON.stringify(body) }),
      });
    } catch {
      throw new ApiError(0, 'Latchkey is not answering.');
    }
    const text = await res.text();
    let parsed: unknown = null;
    if (text) {
      try { parsed = JSON.parse(text); } catch { parsed = text; }
    }
    // A refused token is of no further use: forget it, so the window shows how to sign in.
    if (res.status === 401) this.#tokens.clear();
    if (!res.ok) throw new ApiError(res.status, detailFrom(res.status, parsed));
    return parsed as T;
  }
}
