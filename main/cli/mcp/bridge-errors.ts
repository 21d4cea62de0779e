/**
 * What goes wrong in the bridge, and how the MCP client hears of it: a JSON-RPC error on
 * the request that could not be relayed. Codes are in the JSON-RPC "server error" range
 * (-32000…-32099) except the URL elicitation the MCP spec defines (-32042).
 * @see https://modelcontextprotocol.io/specification/2025-11-25/client/elicitation#url-elicitation-required-error
 */

export const BRIDGE_ERROR = {
  /** The owner has not decided yet; `data.start_url` is the page to decide on. */
  approvalPending: -32010,
  /** Latchkey refused, is not running, or the owner denied. */
  latchkey: -32011,
  /** The MCP server could not be reached or answered with an HTTP error. */
  server: -32012,
  /** MCP's URLElicitationRequiredError, for clients that declared `elicitation.url`. */
  urlElicitationRequired: -32042,
} as const;

/** Waiting for the owner: the message names the `/start` page. */
export class ApprovalPending extends Error {
  readonly startUrl: string;
  constructor(startUrl: string, message: string) {
    super(message);
    this.name = 'ApprovalPending';
    this.startUrl = startUrl;
  }
}

/** Anything else that stops a message on its way: a sentence for the MCP client and stderr. */
export class BridgeFailure extends Error {
  readonly code: string;
  constructor(message: string, code: string) {
    super(message);
    this.name = 'BridgeFailure';
    this.code = code;
  }
}
