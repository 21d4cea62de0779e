/**
 * Where the bridge's access token comes from: the running broker's normal `authenticate`,
 * as an agent (the bridge's own key), with `agent_id` = the MCP client's name — so the
 * Pending card and the activity log say which client wants which server. The token lives in
 * this process's memory only; nothing of it is written anywhere.
 *
 * A token near its expiry is asked for again before it is used (the broker refreshes it); a
 * 401 from the server asks again too.
 * One question to the broker at a time (single-flight): a burst of requests that all meet a
 * 401 asks once. While the owner has not decided, one background long-poll waits for the
 * decision; callers get `ApprovalPending` with the `/start` link at once.
 */
import { AgentAuthError, LatchkeyUnreachableError, type AuthResult, type WaitResult } from '../../client/client.ts';
import { ApprovalPending, BridgeFailure } from './bridge-errors.ts';

/** What the bridge needs of the Agent Auth client (main/client). */
export interface AgentAuth {
  authenticate(params: { provider: string; scopes: readonly string[]; agentId?: string | null; forceNew?: boolean }): Promise<AuthResult>;
  waitForCompletion(authId: string, timeoutSeconds?: number): Promise<WaitResult>;
}

/** What `connect` yields: the bridge's agent client and the provider for this server. */
export interface BrokerSession {
  auth: AgentAuth;
  providerId: string;
}

type State =
  | { kind: 'none' }
  | { kind: 'ready'; token: string; expiresAt: number | null }
  | { kind: 'pending'; authId: string; startUrl: string; scopes: readonly string[] }
  | { kind: 'refused'; failure: BridgeFailure };

/**
 * A token this close to its expiry is asked for again before use: the broker refreshes it (or
 * asks the owner for a new consent) instead of the server refusing it mid-call.
 */
export const EXPIRY_MARGIN_MS = 30_000;

const expiryOf = (iso: string | null): number | null => (iso === null ? null : Date.parse(iso));

/** A long-poll slice: short enough that a stopped bridge leaves no long wait behind. */
const WAIT_SLICE_SECONDS = 25;

export class BrokerTokens {
  readonly #connect: (agentId: string | null) => Promise<BrokerSession>;
  #session: Promise<BrokerSession> | null = null;
  readonly #brokerHint: string;
  readonly #now: () => number;
  #agentId: string | null = null;
  #scopes: readonly string[] = [];
  #state: State = { kind: 'none' };
  #inFlight: Promise<string> | null = null;
  #waiting: Promise<void> | null = null;
  #stopped = false;
  /** Resolvers of callers that wait for the decision (`untilReady`). */
  readonly #readyWaiters = new Set<() => void>();

  /**
   * @param connect finds the broker, the bridge's key and the server's provider (bridge.ts);
   *   called on first need, so a broker that is not running is an answer, not a crash.
   * @param brokerHint how to start the broker, for "not running" messages.
   */
  constructor(deps: { connect: (agentId: string | null) => Promise<BrokerSession>; brokerHint: string; now?: () => number }) {
    this.#connect = deps.connect;
    this.#now = deps.now ?? Date.now;
    this.#brokerHint = deps.brokerHint;
  }

  /** The MCP client's name from its `initialize` (clientInfo.name): the request's agent_id. */
  setAgent(agentId: string | null): void {
    this.#agentId = agentId;
  }

  /** The current token if there is one, for header injection; never for display. */
  current(): string | null {
    return this.#state.kind === 'ready' ? this.#state.token : null;
  }

  /** A token now, or `ApprovalPending` / `BridgeFailure`. */
  async token(): Promise<string> {
    const s = this.#state;
    if (s.kind === 'ready' && (s.expiresAt === null || s.expiresAt - this.#now() > EXPIRY_MARGIN_MS)) return s.token;
    if (s.kind === 'ready') {
      this.#state = { kind: 'none' };
      return this.#ask({ forceNew: false });
    }
    if (s.kind === 'refused') {
      // One answer carries the refusal; the request after it asks the owner again.
      this.#state = { kind: 'none' };
      throw s.failure;
    }
    if (s.kind === 'pending') throw this.#pendingError(s);
    return this.#ask({ forceNew: false });
  }

  /**
   * The server refused `rejected` with 401: ask the broker again (it refreshes an expired
   * token). If it hands back the very token the server refused, that token is dead at the
   * server though the broker thinks it good: ask for a new consent.
   */
  async afterUnauthorized(rejected: string): Promise<string> {
    const s = this.#state;
    if (s.kind === 'ready' && s.token !== rejected) return s.token;
    if (s.kind === 'pending') throw this.#pendingError(s);
    if (s.kind === 'ready') this.#state = { kind: 'none' };
    const fresh = await this.#ask({ forceNew: false });
    if (fresh !== rejected) return fresh;
    this.#state = { kind: 'none' };
    return this.#ask({ forceNew: true });
  }

  /**
   * A 403 `insufficient_scope`: ask for the union of what was asked and what the server wants
   * (incremental consent; the owner approves as usual).
   */
  async widen(challenged: readonly string[]): Promise<string> {
    const union = [...new Set([...this.#scopes, ...challenged])];
    if (union.length === this.#scopes.length && this.#state.kind === 'ready') {
      // Nothing new to ask for: the server wants scopes this token already claims.
      throw new BridgeFailure('The MCP server refused the token for insufficient scope, but it already carries every scope the server named.', 'insufficient_scope');
    }
    this.#scopes = union;
    this.#state = { kind: 'none' };
    return this.#ask({ forceNew: false });
  }

  /** Resolves once a token is ready (or the request ended); for callers that choose to wait. */
  untilReady(ms: number): Promise<void> {
    if (this.#state.kind !== 'pending' || ms <= 0) return Promise.resolve();
    return new Promise((resolve) => {
      const done = () => { clearTimeout(timer); this.#readyWaiters.delete(done); resolve(); };
      const timer = setTimeout(done, ms);
      this.#readyWaiters.add(done);
    });
  }

  stop(): void {
    this.#stopped = true;
    for (const w of [...this.#readyWaiters]) w();
  }

  #ask(options: { forceNew: boolean }): Promise<string> {
    this.#inFlight ??= this.#authenticate(options).finally(() => { this.#inFlight = null; });
    return this.#inFlight;
  }

  async #authenticate(options: { forceNew: boolean }): Promise<string> {
    let result: AuthResult;
    let session: BrokerSession;
    try {
      session = await (this.#session ??= this.#connect(this.#agentId).catch((err: unknown) => { this.#session = null; throw err; }));
      result = await session.auth.authenticate({ provider: session.providerId, scopes: this.#scopes, agentId: this.#agentId, ...(options.forceNew ? { forceNew: true } : {}) });
    } catch (err) {
      throw this.#failure(err);
    }
    if (result.status === 'completed') {
      this.#settle({ kind: 'ready', token: result.token, expiresAt: expiryOf(result.expiresAt) });
      return result.token;
    }
    if (result.authId === null) throw new BridgeFailure('Latchkey gave no approval link for this request.', 'no_request');
    const pending: State & { kind: 'pending' } = { kind: 'pending', authId: result.authId, startUrl: result.authUrl, scopes: this.#scopes };
    this.#state = pending;
    this.#waitInBackground(session.auth, pending);
    throw this.#pendingError(pending);
  }

  #waitInBackground(auth: AgentAuth, pending: { authId: string }): void {
    if (this.#waiting) return;
    this.#waiting = (async () => {
      while (!this.#stopped && this.#state.kind === 'pending' && this.#state.authId === pending.authId) {
        let r: WaitResult;
        const sliceStarted = Date.now();
        try {
          r = await auth.waitForCompletion(pending.authId, WAIT_SLICE_SECONDS);
        } catch (err) {
          this.#settle({ kind: 'none' });
          process.stderr.write(`latchkey mcp: waiting for the owner's decision failed: ${this.#failure(err).message}\n`);
          return;
        }
        if (r.status === 'timeout') {
          // A wait that came back at once must not turn into a busy loop.
          if (Date.now() - sliceStarted < 1_000) await new Promise((res) => setTimeout(res, 1_000));
          continue;
        }
        if (r.status === 'completed') this.#settle({ kind: 'ready', token: r.token, expiresAt: expiryOf(r.expiresAt) });
        // Denied or failed is answered to the next request, then asked again after that.
        else if (r.status === 'denied' || r.status === 'failed') this.#settle({ kind: 'refused', failure: new BridgeFailure(`The Latchkey owner ${r.status === 'denied' ? 'denied' : 'could not complete'} access to this MCP server: ${r.detail}`, r.status) });
        else this.#settle({ kind: 'none' });
        return;
      }
    })().finally(() => { this.#waiting = null; });
  }

  #settle(state: State): void {
    this.#state = state;
    for (const w of [...this.#readyWaiters]) w();
  }

  #pendingError(p: { startUrl: string; scopes: readonly string[] }): ApprovalPending {
    const scopes = p.scopes.length > 0 ? ` (scopes: ${p.scopes.join(' ')})` : '';
    return new ApprovalPending(p.startUrl, `Latchkey is waiting for its owner to approve access to this MCP server${scopes}. Approve it in the Latchkey window or open ${p.startUrl} ; then retry.`);
  }

  #failure(err: unknown): BridgeFailure {
    if (err instanceof BridgeFailure) return err;
    if (err instanceof LatchkeyUnreachableError) return new BridgeFailure(`Latchkey is not running (${err.url} did not answer). Start it with \`${this.#brokerHint}\`, then retry.`, 'broker_unavailable');
    if (err instanceof AgentAuthError) {
      const detail = typeof err.detail === 'string' ? err.detail : JSON.stringify(err.detail);
      return new BridgeFailure(`Latchkey refused the token request (HTTP ${err.status}): ${detail}`, err.status === 401 ? 'bridge_key_refused' : 'broker_error');
    }
    return new BridgeFailure(`Asking Latchkey for a token failed: ${err instanceof Error ? err.message : String(err)}`, 'broker_error');
  }
}
