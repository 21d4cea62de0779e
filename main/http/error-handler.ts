/**
 * The one place errors become HTTP responses. LatchkeyErrors keep their status and,
 * when exposed, their sentence; body-parser errors map to 413/422 in FastAPI's shape;
 * anything else is a 500 with a generic text (its details go to the log only).
 */
import type { NextFunction, Request, Response } from 'express';
import { LatchkeyError, ValidationFailed } from '../core/errors.ts';
import type { Logger } from '../core/ports.ts';
import { MAX_BODY_BYTES } from './guards.ts';

interface BodyParserError { type?: string; status?: number; statusCode?: number; expose?: boolean }

function fromBodyParser(err: unknown): LatchkeyError | undefined {
  if (typeof err !== 'object' || err === null) return undefined;
  const e = err as BodyParserError;
  if (!('type' in err)) {
    // S31 (found by the fuzz test): client errors from Express's own layers that carry no
    // body-parser `type` — a malformed %-escape in a path parameter (the router's URIError,
    // status 400) or a corrupt gzip/deflate body (body-parser's http-error wrapping the zlib
    // error) — are the caller's mistake: a 400 in the documented shape, never a 500.
    if (err instanceof URIError && e.status === 400) return new LatchkeyError('bad_path', 400, 'The request path contains a malformed percent-encoding.');
    return e.expose === true && e.status !== undefined && e.status >= 400 && e.status < 500 ? new LatchkeyError('bad_request', e.status, 'The request could not be read.') : undefined;
  }
  switch (e.type) {
    case 'entity.too.large': return new LatchkeyError('body_too_large', 413, `Request body too large (limit ${MAX_BODY_BYTES / 1024} KiB).`);
    case 'entity.parse.failed': return new ValidationFailed([{ loc: ['body'], msg: 'Request body is not valid JSON.', type: 'json_invalid' }]);
    case 'encoding.unsupported':
    case 'charset.unsupported': return new LatchkeyError('unsupported_media_type', 415, 'Send the request body as UTF-8 JSON.');
    case 'request.aborted': return new LatchkeyError('aborted', 400, 'The request was aborted.');
    default: return e.status && e.status < 500 ? new LatchkeyError('bad_request', e.status, 'The request could not be read.') : undefined;
  }
}

export interface ErrorAnswer { status: number; headers: Record<string, string>; body: unknown }

/** The one mapping from a thrown value to an answer; the Express handler and the SDK fast path both use it. */
export function errorAnswer(err: unknown, log: Logger, where: { method: string; path: string }): ErrorAnswer {
  const known = err instanceof LatchkeyError ? err : fromBodyParser(err);
  if (!known || !known.expose) {
    log.error('http.unhandled', { method: where.method, path: where.path, error: err instanceof Error ? `${err.name}: ${err.message}` : String(err) });
    return { status: known?.status ?? 500, headers: {}, body: { detail: 'Latchkey hit an internal error. Details are in its log; please report it.' } };
  }
  return { status: known.status, headers: { ...known.headers }, body: { detail: known instanceof ValidationFailed ? known.issues : known.message } };
}

export function errorHandler(log: Logger) {
  // Express recognises error handlers by their four parameters.
  return (err: unknown, req: Request, res: Response, _next: NextFunction): void => {
    if (res.headersSent) {
      res.destroy();
      return;
    }
    const answer = errorAnswer(err, log, { method: req.method, path: req.path });
    res.set(answer.headers).status(answer.status).json(answer.body);
  };
}
