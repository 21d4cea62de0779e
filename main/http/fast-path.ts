/**
 * The two calls agents make all the time — `POST /v2/auth/authenticate` and
 * `GET /v2/auth/wait/{id}` (also under /api-host) — answered on plain node:http in front of
 * Express. Profiling showed Express's middleware chain cost more per call than all of
 * Latchkey's own work, and ~13 KB of closures per held long-poll.
 *
 * Every check of the Express path runs here too, in the same order, through the same
 * predicates (guards.ts): Host allow-list (S01), no browser requests (S02), JSON content
 * type and the 64 KiB limit (S04, S06), prototype-safe parsing, the API key (S05, S09),
 * zod validation, the same core call, wire mapping, security headers and error answers.
 * Anything this path is not sure about — odd encodings, no Content-Length, a path it does
 * not parse — is left untouched for Express, which answers it as before.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { parse as parseQuery } from 'node:querystring';
import type { Core } from '../core/core.ts';
import type { Logger } from '../core/ports.ts';
import { ValidationFailed } from '../core/errors.ts';
import { errorAnswer } from './error-handler.ts';
import { MAX_BODY_BYTES, allowedHosts, isAllowedHost, isFromBrowser, isJsonContentType, presentedKey, safeJsonReviver } from './guards.ts';
import { SECURITY_HEADERS } from './security-headers.ts';
import { authenticateCall, waitCall } from './sdk-handlers.ts';

const AUTHENTICATE = /^(?:\/api-host)?\/v2\/auth\/authenticate$/;
const WAIT = /^(?:\/api-host)?\/v2\/auth\/wait\/([^/]+)$/;

function send(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  if (res.writableEnded || res.destroyed) return;
  const text = JSON.stringify(body);
  res.writeHead(status, { ...SECURITY_HEADERS, ...headers, 'Content-Type': 'application/json; charset=utf-8', 'Content-Length': Buffer.byteLength(text) });
  res.end(text);
}

function readBody(req: IncomingMessage, length: number): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (c: Buffer) => {
      size += c.length;
      if (size > length) reject(new ValidationFailed([{ loc: ['body'], msg: 'Request body is longer than its Content-Length.', type: 'json_invalid' }]));
      else chunks.push(c);
    });
    req.on('end', () => resolve(Buffer.concat(chunks, size)));
    req.on('error', reject);
  });
}

/** Returns a request listener that answers what it can and returns false for everything else. */
export function sdkFastPath(core: Core, options: { port: () => number; logger: Logger }) {
  let hostsPort = -1;
  let hosts = new Set<string>();

  return (req: IncomingMessage, res: ServerResponse): boolean => {
    const url = req.url ?? '';
    const q = url.indexOf('?');
    const path = q === -1 ? url : url.slice(0, q);
    const isAuthenticate = req.method === 'POST' && AUTHENTICATE.test(path);
    const waitMatch = req.method === 'GET' ? WAIT.exec(path) : null;
    if (!isAuthenticate && !waitMatch) return false;

    if (hostsPort !== options.port()) {
      hostsPort = options.port();
      hosts = allowedHosts(hostsPort);
    }
    if (!isAllowedHost(req.headers.host, hosts) || isFromBrowser(req.headers)) return false;
    let authId = '';
    let length = 0;
    if (isAuthenticate) {
      length = Number(req.headers['content-length']);
      const plain = (req.headers['content-encoding'] === undefined || req.headers['content-encoding'] === 'identity')
        && !/;\s*charset=(?!"?utf-8"?\s*(;|$))/i.test(req.headers['content-type'] ?? '');
      if (!isJsonContentType(req.headers['content-type']) || !plain || !Number.isInteger(length) || length > MAX_BODY_BYTES || req.headers['transfer-encoding'] !== undefined) return false;
    } else {
      try {
        authId = decodeURIComponent(waitMatch?.[1] ?? '');
      } catch {
        return false;
      }
    }

    const where = { method: req.method ?? '', path };
    const fail = (err: unknown): void => {
      const answer = errorAnswer(err, options.logger, where);
      send(res, answer.status, answer.body, answer.headers);
    };
    try {
      const key = core.keys.authenticate(presentedKey(req.headers));
      if (isAuthenticate) {
        readBody(req, length)
          .then((raw) => {
            // body-parser reads an empty body as {}; so does this path.
            if (raw.length === 0) return authenticateCall(core, key, {});
            let body: unknown;
            try {
              body = JSON.parse(raw.toString('utf8'), safeJsonReviver);
            } catch {
              throw new ValidationFailed([{ loc: ['body'], msg: 'Request body is not valid JSON.', type: 'json_invalid' }]);
            }
            // express.json({strict: true}) accepts only objects and arrays; match it.
            if (typeof body !== 'object' || body === null) throw new ValidationFailed([{ loc: ['body'], msg: 'Request body is not valid JSON.', type: 'json_invalid' }]);
            return authenticateCall(core, key, body);
          })
          .then((answer) => send(res, 200, answer), fail);
      } else {
        const closed = new AbortController();
        res.on('close', () => closed.abort());
        waitCall(core, key, authId, parseQuery(q === -1 ? '' : url.slice(q + 1)), closed.signal)
          .then((answer) => { if (!closed.signal.aborted) send(res, 200, answer); }, fail);
      }
    } catch (err) {
      // The key check failed (401/429): drain the body so the connection can be reused.
      req.resume();
      fail(err);
    }
    return true;
  };
}
