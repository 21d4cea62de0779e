/** The two ways a call fails: Latchkey answered with an error, or it could not be reached. */

/** A non-200 answer. The message matches the Python SDK's `HTTP <code>: <body>`. */
export class AgentAuthError extends Error {
  readonly status: number;
  /** The answer's `detail`: a sentence, or FastAPI's list of `{loc, msg, type}` for a 422. */
  readonly detail: unknown;
  constructor(status: number, body: string) {
    super(`HTTP ${status}: ${body}`);
    this.name = 'AgentAuthError';
    this.status = status;
    let detail: unknown = body;
    try { detail = (JSON.parse(body) as { detail?: unknown }).detail ?? body; } catch { /* raw text */ }
    this.detail = detail;
  }
}

export type UnreachableReason = 'refused' | 'timeout' | 'network';

/**
 * No answer at all. `reason` says what happened: `refused` means nothing listens at that
 * address — Latchkey is not running there; `timeout` means something accepted the connection
 * but did not answer in time; `network` is anything else (DNS, reset, TLS, …).
 */
export class LatchkeyUnreachableError extends Error {
  readonly url: string;
  readonly reason: UnreachableReason;
  constructor(url: string, reason: UnreachableReason, what: string, options: { cause?: unknown } = {}) {
    super(unreachableSentence(url, reason, what), options);
    this.name = 'LatchkeyUnreachableError';
    this.url = url;
    this.reason = reason;
  }
}

function unreachableSentence(url: string, reason: UnreachableReason, what: string): string {
  const origin = (() => { try { return new URL(url).origin; } catch { return url; } })();
  const fix = 'Start it with `npx latchkey serve` (or open the Latchkey app), and check LANGSMITH_API_URL (`npx latchkey env` prints it).';
  if (reason === 'refused') return `Latchkey is not running at ${origin}: ${url} refused the connection. ${fix}`;
  if (reason === 'timeout') return `Latchkey at ${origin} did not answer ${url} within ${what}. Is it running and responsive? ${fix}`;
  return `Could not reach Latchkey at ${url} (${what}); Latchkey is probably not running there. ${fix}`;
}

/** Node (undici), Deno and Bun report a refused connection differently; all of them are "not running". */
export function isConnectionRefused(err: unknown): boolean {
  for (let e: unknown = err, depth = 0; e !== null && typeof e === 'object' && depth < 4; e = (e as { cause?: unknown }).cause, depth++) {
    const { code, message } = e as { code?: unknown; message?: unknown };
    if (code === 'ECONNREFUSED' || code === 'ConnectionRefused') return true;
    if (typeof message === 'string' && /ECONNREFUSED|connection refused/i.test(message)) return true;
    const errors = (e as { errors?: unknown }).errors;
    if (Array.isArray(errors) && errors.some(isConnectionRefused)) return true;
  }
  return false;
}

/** The innermost readable message of an error chain (Node 18.0's fetch wraps an unreadable `[object Object]`). */
export function rootMessage(err: unknown): string {
  let message = err instanceof Error ? err.message : String(err);
  let e: unknown = err;
  for (let depth = 0; depth < 4 && e !== null && typeof e === 'object'; depth++) {
    const m = (e as { message?: unknown }).message;
    if (typeof m === 'string' && m !== '' && m !== '[object Object]') message = m;
    e = (e as { cause?: unknown }).cause;
  }
  return message;
}
