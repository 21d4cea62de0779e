/**
 * The bridge's message relay: every JSON-RPC message from the MCP client (stdio) goes to
 * the MCP server, and every message from the server goes back, unchanged — requests,
 * responses, notifications (cancellation, progress), server-to-client requests (sampling,
 * elicitation, roots) and streamed results. Framing, sessions (`Mcp-Session-Id`), SSE
 * streams and reconnection are the SDK transports' (server-link.ts); this file only decides
 * what happens when a message cannot pass:
 *   - no token yet (the owner has not decided): a JSON-RPC error naming the `/start` page, or
 *     MCP's URL elicitation error when the client declared `elicitation.url`;
 *   - Latchkey not running, the owner denied, the server unreachable: a JSON-RPC error saying
 *     so (also on stderr);
 * and it keeps the access token out of everything the client receives.
 */
import type { Transport } from '@modelcontextprotocol/sdk/shared/transport.js';
import { isInitializeRequest, isJSONRPCRequest, isJSONRPCResultResponse, type JSONRPCMessage, type RequestId } from '@modelcontextprotocol/sdk/types.js';
import type { BrokerTokens } from './broker-tokens.ts';
import { ApprovalPending, BRIDGE_ERROR, BridgeFailure } from './bridge-errors.ts';

/** The server side as the relay sees it (server-link.ts is the real one). */
export interface ServerSide {
  readonly url: string;
  onmessage?: (message: JSONRPCMessage) => void;
  onerror?: (err: Error) => void;
  onGone?: (reason: string) => void;
  send(message: JSONRPCMessage): Promise<void>;
  setProtocolVersion(version: string): void;
  close(): Promise<void>;
}

export interface RelayDeps {
  /** Toward the MCP client: the SDK's StdioServerTransport (or any Transport in tests). */
  client: Transport;
  server: ServerSide;
  tokens: BrokerTokens;
  /** How long an `initialize` waits for the owner before it is answered with the /start link. */
  approvalWaitMs: number;
  /** A line for stderr (the MCP client's log). */
  log: (line: string) => void;
  /** Called with the client's name from `initialize` (clientInfo.name). */
  onClient?: (name: string) => void;
}

/**
 * The client's name as the request's agent_id: the broker refuses control and format
 * characters (S34), so they are dropped here rather than failing every request of a client
 * with an odd name; the broker's own rule still applies to what is left.
 */
export function agentIdFrom(name: string): string {
  return name.replace(/[\p{Cc}\p{Cf}]/gu, '').trim().slice(0, 128) || 'mcp-client';
}

export class Relay {
  readonly #d: RelayDeps;
  /** Requests sent on to the server and not answered yet: failed, not left hanging, if it goes away. */
  readonly #inFlight = new Set<RequestId>();
  #urlElicitation = false;
  #initializeId: RequestId | null = null;
  #initialized = false;

  constructor(deps: RelayDeps) {
    this.#d = deps;
  }

  async start(): Promise<void> {
    const { client, server } = this.#d;
    client.onmessage = (message) => { void this.#fromClient(message); };
    client.onerror = (err) => this.#d.log(`latchkey mcp: client stream: ${this.#redact(err.message)}`);
    server.onmessage = (message) => this.#fromServer(message);
    server.onerror = (err) => this.#d.log(`latchkey mcp: ${this.#redact(err.message)}`);
    server.onGone = (reason) => this.#failInFlight(reason);
    await client.start();
  }

  async #fromClient(message: JSONRPCMessage): Promise<void> {
    const request = isJSONRPCRequest(message) ? message : null;
    if (request && isInitializeRequest(request)) {
      const name = agentIdFrom(request.params.clientInfo.name);
      this.#d.tokens.setAgent(name);
      this.#d.onClient?.(name);
      this.#urlElicitation = request.params.capabilities.elicitation?.url !== undefined;
      this.#initializeId = request.id;
    }
    try {
      // A token first, so an unanswered approval is reported here and not as an HTTP error.
      await this.#tokenFor(request);
      if (request) this.#inFlight.add(request.id);
      await this.#d.server.send(message);
    } catch (err) {
      if (request) {
        this.#inFlight.delete(request.id);
        await this.#answerError(request.id, err);
      } else {
        this.#d.log(`latchkey mcp: could not pass on a ${'method' in message ? message.method : 'response'} message: ${this.#redact(err instanceof Error ? err.message : String(err))}`);
      }
    }
  }

  /** `initialize` may wait a little for the owner: a prompt answered quickly costs no retry. */
  async #tokenFor(request: { method: string } | null): Promise<void> {
    try {
      await this.#d.tokens.token();
    } catch (err) {
      if (!(err instanceof ApprovalPending) || request?.method !== 'initialize') throw err;
      this.#d.log(`latchkey mcp: ${err.message}`);
      await this.#d.tokens.untilReady(this.#d.approvalWaitMs);
      await this.#d.tokens.token();
    }
  }

  #fromServer(message: JSONRPCMessage): void {
    if ('id' in message && !('method' in message) && message.id !== undefined) this.#inFlight.delete(message.id);
    if (isJSONRPCResultResponse(message) && message.id === this.#initializeId) {
      this.#initialized = true;
      // The transport sends MCP-Protocol-Version on every later request (as the SDK's Client does).
      const version = (message.result as { protocolVersion?: unknown }).protocolVersion;
      if (typeof version === 'string') this.#d.server.setProtocolVersion(version);
    }
    void this.#toClient(message);
  }

  async #toClient(message: JSONRPCMessage): Promise<void> {
    try {
      await this.#d.client.send(this.#scrubbed(message));
    } catch (err) {
      this.#d.log(`latchkey mcp: could not write to the MCP client: ${err instanceof Error ? err.message : String(err)}`);
    }
  }

  async #answerError(id: RequestId, err: unknown): Promise<void> {
    const error = this.#errorFor(err);
    this.#d.log(`latchkey mcp: ${error.message}`);
    await this.#toClient({ jsonrpc: '2.0', id, error });
  }

  #errorFor(err: unknown): { code: number; message: string; data?: Record<string, unknown> } {
    if (err instanceof ApprovalPending) {
      // URL elicitation needs an initialized session: not for `initialize` itself.
      if (this.#urlElicitation && this.#initialized) {
        return {
          code: BRIDGE_ERROR.urlElicitationRequired, message: err.message,
          data: { elicitations: [{ mode: 'url', elicitationId: err.startUrl.split('/').pop() ?? 'latchkey', url: err.startUrl, message: 'Approve access in Latchkey' }] },
        };
      }
      return { code: BRIDGE_ERROR.approvalPending, message: err.message, data: { start_url: err.startUrl } };
    }
    if (err instanceof BridgeFailure) return { code: BRIDGE_ERROR.latchkey, message: err.message, data: { reason: err.code } };
    const text = err instanceof Error ? err.message : String(err);
    return { code: BRIDGE_ERROR.server, message: this.#redact(`The MCP server ${this.#d.server.url} could not be reached or refused the request: ${text}`) };
  }

  #failInFlight(reason: string): void {
    for (const id of [...this.#inFlight]) {
      this.#inFlight.delete(id);
      void this.#answerError(id, new Error(reason));
    }
  }

  /** Defence in depth: a server that echoes the Authorization header must not leak the token. */
  #scrubbed(message: JSONRPCMessage): JSONRPCMessage {
    const token = this.#d.tokens.current();
    if (!token) return message;
    const text = JSON.stringify(message);
    return text.includes(token) ? (JSON.parse(text.split(token).join('[token withheld by Latchkey]')) as JSONRPCMessage) : message;
  }

  #redact(text: string): string {
    const token = this.#d.tokens.current();
    return token ? text.split(token).join('[token withheld by Latchkey]') : text;
  }

  async close(): Promise<void> {
    this.#d.tokens.stop();
    await this.#d.server.close();
  }
}
