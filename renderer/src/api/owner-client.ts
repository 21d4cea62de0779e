/**
 * The one typed client for the owner API (/ui/api). Paths and shapes come from the
 * server's contract (main/http/owner-api-types.ts, types only). Every state change sends
 * the session's CSRF token; every body is JSON.
 */
import type {
  AcceptPairingBody, ActivityPage, ApproveBody, ApproveResponse, ConnectionView, ConsentLinkResponse, CreateKeyBody, CreateKeyResponse,
  CreateProviderBody, DeleteProviderResponse, DenyBody, DenyDurationWire, GrantDurationWire, GrantView, KeyView,
  PairingView, PendingRequestView, ProviderView, SessionView, SettingsView, TemplateView, UpdateProviderBody,
  UpdateSettingsBody, UpdateConnectionRequest, BindAgentRequest,
} from '../../../main/http/owner-api-types.ts';
import { ApiError, detailFrom } from './api-error.ts';

export const API_BASE = '/ui/api';

type Method = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';

const seg = (value: string): string => encodeURIComponent(value);

export class OwnerClient {
  readonly #fetch: typeof fetch;
  #csrf: string | null = null;

  constructor(fetchImpl: typeof fetch = (input, init) => fetch(input, init)) {
    this.#fetch = fetchImpl;
  }

  /** Reads the session and keeps its CSRF token for later state changes. */
  async session(): Promise<SessionView> {
    const view = await this.#call<SessionView>('GET', '/session');
    this.#csrf = view.csrf_token;
    return view;
  }

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

  pairings(): Promise<PairingView[]> { return this.#call('GET', '/pairings'); }
  acceptPairing(id: string, body: AcceptPairingBody): Promise<unknown> { return this.#call('POST', `/pairings/${seg(id)}/accept`, body); }
  rejectPairing(id: string): Promise<unknown> { return this.#call('POST', `/pairings/${seg(id)}/reject`, {}); }

  /** `query` comes from activityQuery() (logic/activity-query.ts), without the leading `?`. */
  activity(query: string): Promise<ActivityPage> { return this.#call('GET', `/activity${query ? `?${query}` : ''}`); }

  settings(): Promise<SettingsView> { return this.#call('GET', '/settings'); }
  updateSettings(body: UpdateSettingsBody): Promise<SettingsView> { return this.#call('PUT', '/settings', body); }

  async #call<T>(method: Method, path: string, body?: unknown): Promise<T> {
    const headers: Record<string, string> = { accept: 'application/json' };
    if (method !== 'GET') {
      if (this.#csrf) headers['x-csrf-token'] = this.#csrf;
      if (body !== undefined) headers['content-type'] = 'application/json';
    }
    let res: Response;
    try {
      res = await this.#fetch(`${API_BASE}${path}`, {
        method, headers, credentials: 'same-origin', cache: 'no-store',
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
    if (!res.ok) throw new ApiError(res.status, detailFrom(res.status, parsed));
    return parsed as T;
  }
}
