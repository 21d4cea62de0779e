/**
 * The one pipeline every Agent Auth request runs, on either mount: the Express routes
 * (sdk-routes.ts) and the node:http fast path (fast-path.ts) both call `runSdkRoute`, so the
 * order of checks and every answer are the same by construction. The order, cheapest and
 * least revealing first:
 *
 *  1. host        S01: exact loopback Host for our port (403)
 *  2. notBrowser  S02: no Origin / cross-site Sec-Fetch-Site (403)
 *  3. apiKey      S05/S09: the key, before anything about the request is looked at (401, 429);
 *                 an unknown key spends the failed-key budget and leaves a pairing request
 *                 whatever its body holds
 *  4. role        S17: owner-only routes refuse agent keys (403)
 *  4b. pathParams  S34: ids in the path hold no control characters (422)
 *  5. jsonBody    routes with a body: S04 JSON content type (415), UTF-8 and no
 *                 Content-Encoding (415), S06 announced and actual size (413), valid JSON
 *                 without `__proto__` keys (422), an object or array
 *  6. validate    the route's schema from the contract, S34 text rule included (422)
 *  7. handle      one core call; the answer is the route's declared wire type (200)
 *
 * Errors of any step become answers through errorAnswer (error-handler.ts), the same for both
 * mounts. A body left unread by an early refusal is drained, or the connection closed when
 * the body is large or unbounded.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { parse as parseQueryString } from 'node:querystring';
import { UNSAFE_TEXT_MESSAGE, unsafeCharacter } from '../contract/untrusted-text.ts';
import { AGENT_AUTH_ROUTES, parse, type AnswerOf, type BodyOf, type QueryOf, type RouteName, type RouteSpec } from '../contract/agent-auth.ts';
import type { Core } from '../core/core.ts';
import { Forbidden, LatchkeyError, NotFound, ValidationFailed } from '../core/errors.ts';
import type { ApiKey } from '../core/model.ts';
import type { Logger } from '../core/ports.ts';
import { errorAnswer } from './error-handler.ts';
import { MAX_BODY_BYTES, allowedHosts, isAllowedHost, isFromBrowser, isJsonContentType, parseJsonSafely, presentedKey } from './guards.ts';
import { SECURITY_HEADERS } from './security-headers.ts';

/** What a route's handler receives once every check has passed. */
export interface SdkCall<N extends RouteName> {
  key: ApiKey;
  body: BodyOf<N>;
  query: QueryOf<N>;
  params: Readonly<Record<string, string | undefined>>;
  /** Aborts when the caller goes away (long-polls stop waiting). */
  signal: AbortSignal;
}

export type SdkHandlers = { [N in RouteName]: (call: SdkCall<N>) => AnswerOf<N> | Promise<AnswerOf<N>> };

/** A route the table does not have, under an SDK prefix: checked like any other, then 404. */
export const UNKNOWN_ROUTE = Symbol('unknown route');

export type RunSdkRoute = (name: RouteName | typeof UNKNOWN_ROUTE, req: IncomingMessage, res: ServerResponse, params: Readonly<Record<string, string | undefined>>) => void;

const JSON_HEADERS = { ...SECURITY_HEADERS, 'Content-Type': 'application/json; charset=utf-8' };

function send(res: ServerResponse, status: number, body: unknown, headers?: Record<string, string>): void {
  if (res.writableEnded || res.destroyed) return;
  if (status === 204) {
    res.writeHead(204, SECURITY_HEADERS);
    res.end();
    return;
  }
  const text = JSON.stringify(body);
  res.writeHead(status, headers === undefined ? { ...JSON_HEADERS, 'Content-Length': Buffer.byteLength(text) } : { ...JSON_HEADERS, ...headers, 'Content-Length': Buffer.byteLength(text) });
  res.end(text);
}

const notJson = (): ValidationFailed => new ValidationFailed([{ loc: ['body'], msg: 'Request body is not valid JSON.', type: 'json_invalid' }]);
const tooLarge = (): LatchkeyError => new LatchkeyError('body_too_large', 413, `Request body too large (limit ${MAX_BODY_BYTES / 1024} KiB).`);

// ---- the steps ----------------------------------------------------------------------------

function checkHost(req: IncomingMessage, hosts: Set<string>): void {
  if (!isAllowedHost(req.headers.host, hosts)) throw new Forbidden('Requests must be addressed to Latchkey on 127.0.0.1, localhost or [::1] with its port (Host header refused).', 'bad_host');
}

function checkNotBrowser(req: IncomingMessage): void {
  if (isFromBrowser(req.headers)) throw new Forbidden('Browser requests to the Agent Auth API are refused. Call it from your agent process (SDK or HTTP client).', 'browser_request');
}

function checkRole(spec: RouteSpec, key: ApiKey): void {
  if (spec.ownerOnly !== undefined && key.role !== 'owner') {
    throw new Forbidden(`This API key has the agent role and cannot ${spec.ownerOnly}. Use the owner key (npx latchkey env) or the Latchkey window.`, 'role_forbidden');
  }
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** Upstream types these path parameters as UUIDs: anything else is a 422 naming the parameter. */
function checkUuidParams(spec: RouteSpec, params: Readonly<Record<string, string | undefined>>): void {
  const bad = (spec.uuidParams ?? []).filter((p) => !UUID.test(params[p] ?? ''));
  if (bad.length > 0) throw new ValidationFailed(bad.map((p) => ({ loc: ['path', p.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`)], msg: 'must be a UUID (an id from GET /v2/auth/tokens)', type: 'uuid_parsing' })));
}

/**
 * S34 for path parameters: an id in the path is echoed in answers (`Unknown provider '…'`)
 * and may be stored, so it follows the same text rule as body fields. `loc` uses the wire
 * name (`provider_id`), as FastAPI would.
 */
function checkPathParams(params: Readonly<Record<string, string | undefined>>): void {
  for (const name in params) {
    const value = params[name];
    const bad = value === undefined ? undefined : unsafeCharacter(value);
    if (bad !== undefined) {
      throw new ValidationFailed([{ loc: ['path', name.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`)], msg: `${UNSAFE_TEXT_MESSAGE} (found ${bad})`, type: 'unsafe_text' }]);
    }
  }
}

/** S04 and what this reader can decode: JSON, UTF-8, not compressed. */
function checkJsonHeaders(req: IncomingMessage): void {
  const type = req.headers['content-type'];
  if (!isJsonContentType(type)) throw new LatchkeyError('unsupported_media_type', 415, 'Send the request body as JSON with Content-Type: application/json.');
  const charset = /;\s*charset\s*=\s*"?([^";\s]*)/i.exec(type!)?.[1]?.toLowerCase();
  const encoding = req.headers['content-encoding'];
  if ((charset !== undefined && charset !== 'utf-8' && charset !== 'utf8') || (encoding !== undefined && encoding.toLowerCase() !== 'identity')) {
    throw new LatchkeyError('unsupported_media_type', 415, 'Send the request body as uncompressed UTF-8 JSON.');
  }
  // S06: refuse an announced oversize body before reading any of it.
  if (Number(req.headers['content-length'] ?? 0) > MAX_BODY_BYTES) throw tooLarge();
}

/** S06: at most MAX_BODY_BYTES, whatever the framing says. */
function readBody(req: IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    let first: Buffer | undefined;
    let chunks: Buffer[] | undefined;
    let size = 0;
    const onData = (c: Buffer): void => {
      size += c.length;
      if (size > MAX_BODY_BYTES) {
        req.off('data', onData);
        reject(tooLarge());
      } else if (first === undefined) first = c;
      else (chunks ??= [first]).push(c);
    };
    req.on('data', onData);
    req.on('end', () => resolve(chunks ? Buffer.concat(chunks, size) : first ?? Buffer.alloc(0)));
    req.on('aborted', () => reject(new LatchkeyError('aborted', 400, 'The request was aborted.')));
    req.on('error', reject);
  });
}

function parseJson(raw: Buffer): unknown {
  // An empty body reads as {} (what body-parser did, and what the old clients rely on).
  if (raw.length === 0) return {};
  let body: unknown;
  try {
    body = parseJsonSafely(raw.toString('utf8'));
  } catch {
    throw notJson();
  }
  // Only objects and arrays are JSON bodies here (express.json's `strict`).
  if (typeof body !== 'object' || body === null) throw notJson();
  return body;
}

/** The path as the caller sent it (Express's mount strips its prefix from `url`). */
function pathOf(req: IncomingMessage): string {
  const url = (req as { originalUrl?: string }).originalUrl ?? req.url ?? '';
  const q = url.indexOf('?');
  return q === -1 ? url : url.slice(0, q);
}

function queryOf(url: string): Record<string, unknown> {
  const q = url.indexOf('?');
  return parseQueryString(q === -1 ? '' : url.slice(q + 1));
}

/**
 * A refused request whose body was never read: drain a small one so the connection can be
 * reused, close the connection after the answer when it is large or of unknown length.
 */
function skipBody(req: IncomingMessage, res: ServerResponse): void {
  if (req.readableEnded || req.listenerCount('data') > 0) return;
  const length = req.headers['content-length'];
  if (length === undefined ? req.headers['transfer-encoding'] !== undefined : Number(length) > MAX_BODY_BYTES) res.shouldKeepAlive = false;
  req.resume();
}

// ---- the pipeline -------------------------------------------------------------------------

export function sdkPipeline(core: Core, handlers: SdkHandlers, options: { port: () => number; logger: Logger }): RunSdkRoute {
  let hostsPort = -1;
  let hosts = new Set<string>();

  const fail = (err: unknown, req: IncomingMessage, res: ServerResponse): void => {
    skipBody(req, res);
    const answer = errorAnswer(err, options.logger, { method: req.method ?? '', path: pathOf(req) });
    send(res, answer.status, answer.body, answer.headers);
  };

  async function run(name: RouteName | typeof UNKNOWN_ROUTE, req: IncomingMessage, res: ServerResponse, params: Readonly<Record<string, string | undefined>>): Promise<void> {
    if (hostsPort !== options.port()) {
      hostsPort = options.port();
      hosts = allowedHosts(hostsPort);
    }
    checkHost(req, hosts);
    checkNotBrowser(req);
    const key = core.keys.authenticate(presentedKey(req.headers));
    if (name === UNKNOWN_ROUTE) throw new NotFound(`No route for ${req.method} ${pathOf(req)}.`);
    const spec: RouteSpec = AGENT_AUTH_ROUTES[name];
    checkRole(spec, key);
    checkPathParams(params);
    checkUuidParams(spec, params);
    let body: unknown;
    if (spec.body !== undefined) {
      checkJsonHeaders(req);
      body = parse(spec.body, parseJson(await readBody(req)), 'body');
    }
    const query = spec.query === undefined ? undefined : parse(spec.query, queryOf(req.url ?? ''), 'query');
    let signal: AbortSignal;
    if (spec.longPoll === true) {
      const closed = new AbortController();
      res.on('close', () => closed.abort());
      signal = closed.signal;
    } else signal = NEVER;
    const handler = handlers[name] as (call: SdkCall<RouteName>) => unknown;
    const answer = await handler({ key, body: body as never, query: query as never, params, signal });
    if (!signal.aborted) send(res, spec.status ?? 200, answer);
  }

  return (name, req, res, params) => {
    run(name, req, res, params).catch((err: unknown) => fail(err, req, res));
  };
}

const NEVER = new AbortController().signal;
