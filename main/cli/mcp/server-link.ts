/**
 * The bridge's side toward the MCP server: the SDK's StreamableHTTPClientTransport, or its
 * SSEClientTransport (the older HTTP+SSE transport) when the server answers the first POST
 * with a 4xx — the backwards-compatibility rule of the MCP spec and the SDK docs.
 * @see https://modelcontextprotocol.io/specification/2025-06-18/basic/transports#backwards-compatibility
 */
import { SSEClientTransport } from '@modelcontextprotocol/sdk/client/sse.js';
import { StreamableHTTPClientTransport, StreamableHTTPError } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import type { FetchLike, Transport } from '@modelcontextprotocol/sdk/shared/transport.js';
import { isInitializeRequest, isJSONRPCRequest, type JSONRPCMessage } from '@modelcontextprotocol/sdk/types.js';

export type TransportKind = 'streamable-http' | 'sse';

/** Errors the SDK reports when a stream to the server broke: then the server may be gone. */
const STREAM_BROKE = /SSE stream disconnected|Maximum reconnection attempts|Failed to reconnect|fetch failed|ECONNREFUSED|terminated/i;

export class ServerLink {
  readonly url: string;
  readonly #fetch: FetchLike;
  #transport: Transport | null = null;
  #kind: TransportKind = 'streamable-http';
  onmessage?: (message: JSONRPCMessage) => void;
  onerror?: (err: Error) => void;
  /** The server stopped answering while requests were open: they get an error instead of a hang. */
  onGone?: (reason: string) => void;

  constructor(url: string, fetchImpl: FetchLike) {
    this.url = url;
    this.#fetch = fetchImpl;
  }

  get kind(): TransportKind {
    return this.#kind;
  }

  get sessionId(): string | undefined {
    return this.#transport?.sessionId;
  }

  async send(message: JSONRPCMessage): Promise<void> {
    const transport = this.#transport ?? await this.#open('streamable-http');
    try {
      await transport.send(message);
    } catch (err) {
      if (!this.#fallsBack(err, message)) throw err;
      await transport.close().catch(() => undefined);
      await (await this.#open('sse')).send(message);
    }
  }

  setProtocolVersion(version: string): void {
    const t = this.#transport;
    if (t instanceof StreamableHTTPClientTransport) t.setProtocolVersion(version);
  }

  /** The first POST (initialize) refused with a 4xx other than auth: an HTTP+SSE-only server. */
  #fallsBack(err: unknown, message: JSONRPCMessage): boolean {
    if (this.#kind !== 'streamable-http' || !isJSONRPCRequest(message) || !isInitializeRequest(message)) return false;
    const status = err instanceof StreamableHTTPError ? err.code : undefined;
    return status !== undefined && status >= 400 && status < 500 && status !== 401 && status !== 403;
  }

  async #open(kind: TransportKind): Promise<Transport> {
    const url = new URL(this.url);
    const transport: Transport = kind === 'sse'
      ? new SSEClientTransport(url, { fetch: this.#fetch })
      : new StreamableHTTPClientTransport(url, { fetch: this.#fetch });
    transport.onmessage = (m) => this.onmessage?.(m);
    transport.onerror = (err) => {
      this.onerror?.(err);
      if (STREAM_BROKE.test(err.message)) void this.#checkGone(err.message);
    };
    transport.onclose = () => { if (this.#transport === transport) this.onGone?.(`The connection to the MCP server ${this.url} closed.`); };
    await transport.start();
    this.#transport = transport;
    this.#kind = kind;
    return transport;
  }

  /** A broken stream may be a hiccup: only a server that no longer answers at all fails open requests. */
  async #checkGone(why: string): Promise<void> {
    try {
      const res = await fetch(this.url, { method: 'HEAD', signal: AbortSignal.timeout(3_000) });
      await res.body?.cancel();
    } catch {
      this.onGone?.(`The MCP server ${this.url} went away (${why}).`);
    }
  }

  async close(): Promise<void> {
    const t = this.#transport;
    this.#transport = null;
    if (!t) return;
    if (t instanceof StreamableHTTPClientTransport && t.sessionId) await t.terminateSession().catch(() => undefined);
    await t.close();
  }
}
