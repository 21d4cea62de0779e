/**
 * HTTP clients for the fuzz test (S31). `send` speaks HTTP/1.1 through a keep-alive agent
 * with any method, path and headers (fetch would normalise or refuse many of them); `sendRaw`
 * writes bytes no client library sends (NUL bytes, control characters, broken framing) on a
 * fresh socket. Every call has a deadline, so a hang is reported instead of waited out.
 */
import { Agent, request } from 'node:http';
import { connect } from 'node:net';

export interface FuzzRequest {
  method: string;
  path: string;
  headers: Record<string, string>;
  body?: string | Buffer | undefined;
  /** Send no Host header at all. */
  omitHost?: boolean | undefined;
}

export interface FuzzAnswer {
  status: number;
  /** Lower-case names; repeated headers joined with ', '. */
  headers: Record<string, string>;
  body: string;
  /** An event stream: the client hung up after the headers, as a closing window would. */
  stream: boolean;
}

/** The request went unanswered within the deadline, or the connection died without an answer. */
export class NoAnswer extends Error {}

/** Node's own client refused to send it (e.g. a character it will not put on the wire). */
export class ClientRefused extends Error {}

const MAX_BODY_CHARS = 2_000_000;

export interface FuzzClient {
  send(r: FuzzRequest): Promise<FuzzAnswer>;
  sendRaw(bytes: Buffer): Promise<FuzzAnswer>;
  close(): void;
}

export function fuzzClient(port: number, options: { timeoutMs: number; maxSockets: number }): FuzzClient {
  const agent = new Agent({ keepAlive: true, maxSockets: options.maxSockets });

  const once = (r: FuzzRequest): Promise<FuzzAnswer & { reused: boolean }> => new Promise((resolve, reject) => {
    // HEAD gets its own connection: the answer ends after the headers even when the server's
    // response (say, an event stream) does not, and that socket must not be reused.
    const own = r.method === 'HEAD';
    const headers: Record<string, string> = { ...r.headers };
    if (own) headers.connection = 'close';
    // Node frames a GET/DELETE body neither by length nor by chunks; say its length, or the
    // server reads the body as the next request.
    if (r.body !== undefined) headers['content-length'] = String(Buffer.byteLength(r.body));
    let req: ReturnType<typeof request>;
    try {
      req = request({ host: '127.0.0.1', port, method: r.method, path: r.path, agent: own ? false : agent, headers, setHost: !r.omitHost });
    } catch (err) {
      reject(new ClientRefused(err instanceof Error ? err.message : String(err)));
      return;
    }
    const deadline = setTimeout(() => req.destroy(new NoAnswer(`no answer within ${options.timeoutMs} ms`)), options.timeoutMs);
    req.on('error', (err) => {
      clearTimeout(deadline);
      const reused = req.reusedSocket && (err as NodeJS.ErrnoException).code === 'ECONNRESET';
      if (reused) resolve({ status: -1, headers: {}, body: '', stream: false, reused: true });
      else reject(err instanceof NoAnswer ? err : new NoAnswer(`${(err as NodeJS.ErrnoException).code ?? ''} ${err.message}`));
    });
    req.on('response', (res) => {
      const headers: Record<string, string> = {};
      for (const [k, v] of Object.entries(res.headers)) if (v !== undefined) headers[k] = Array.isArray(v) ? v.join(', ') : v;
      if ((headers['content-type'] ?? '').startsWith('text/event-stream')) {
        clearTimeout(deadline);
        res.destroy();
        req.destroy();
        resolve({ status: res.statusCode ?? 0, headers, body: '', stream: true, reused: false });
        return;
      }
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (d: string) => { if (body.length < MAX_BODY_CHARS) body += d; });
      res.on('end', () => {
        clearTimeout(deadline);
        resolve({ status: res.statusCode ?? 0, headers, body, stream: false, reused: false });
      });
      res.on('error', (err) => {
        clearTimeout(deadline);
        reject(new NoAnswer(`response broke off: ${err.message}`));
      });
    });
    req.end(r.body);
  });

  return {
    async send(r) {
      const first = await once(r);
      // A keep-alive socket the server closed just as we reused it: Node's documented retry case.
      const answer = first.reused ? await once(r) : first;
      if (answer.reused) throw new NoAnswer('connection reset twice');
      return { status: answer.status, headers: answer.headers, body: answer.body, stream: answer.stream };
    },
    sendRaw: (bytes) => rawExchange(port, bytes, options.timeoutMs),
    close: () => agent.destroy(),
  };
}

/** Write `bytes`, read until the server closes (or the deadline), parse one HTTP/1.1 answer. */
function rawExchange(port: number, bytes: Buffer, timeoutMs: number): Promise<FuzzAnswer> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, '127.0.0.1');
    const chunks: Buffer[] = [];
    let settled = false;
    const finish = (): void => {
      if (settled) return;
      settled = true;
      clearTimeout(deadline);
      socket.destroy();
      const data = Buffer.concat(chunks);
      if (data.length === 0) {
        reject(new NoAnswer('the server closed the connection without an answer'));
        return;
      }
      resolve(parseAnswer(data));
    };
    const deadline = setTimeout(() => {
      // Whatever arrived is the answer if it is complete; an event stream never completes.
      if (chunks.length > 0 && Buffer.concat(chunks).includes('\r\n\r\n')) finish();
      else {
        settled = true;
        socket.destroy();
        reject(new NoAnswer(`no answer within ${timeoutMs} ms`));
      }
    }, timeoutMs);
    socket.on('data', (d: Buffer) => {
      chunks.push(d);
      // An event stream stays open: the headers are all there is to check.
      if (/content-type: text\/event-stream/i.test(Buffer.concat(chunks).toString('latin1'))) finish();
    });
    socket.on('end', finish);
    socket.on('close', finish);
    socket.on('error', () => finish());
    // No half-close: Node's server drops the socket (and any answer still being prepared)
    // when the client ends its side first; `Connection: close` makes the server close it.
    socket.write(bytes);
  });
}

function parseAnswer(whole: Buffer): FuzzAnswer {
  let data = whole;
  // Skip interim answers (`100 Continue`) before the real one.
  for (let guard = 0; guard < 10 && /^HTTP\/1\.[01] 1\d\d /.test(data.toString('latin1', 0, 16)); guard++) {
    const end = data.indexOf('\r\n\r\n');
    if (end === -1) break;
    data = data.subarray(end + 4);
  }
  const text = data.toString('latin1');
  const split = text.indexOf('\r\n\r\n');
  const head = split === -1 ? text : text.slice(0, split);
  const [statusLine = '', ...lines] = head.split('\r\n');
  const headers: Record<string, string> = {};
  for (const line of lines) {
    const i = line.indexOf(':');
    if (i <= 0) continue;
    const k = line.slice(0, i).trim().toLowerCase();
    const v = line.slice(i + 1).trim();
    headers[k] = headers[k] === undefined ? v : `${headers[k]}, ${v}`;
  }
  let body = split === -1 ? Buffer.alloc(0) : data.subarray(Buffer.byteLength(head, 'latin1') + 4);
  if (/chunked/i.test(headers['transfer-encoding'] ?? '')) body = dechunk(body);
  return {
    status: Number(/^HTTP\/1\.[01] (\d{3})/.exec(statusLine)?.[1] ?? 0),
    headers,
    body: body.toString('utf8'),
    stream: (headers['content-type'] ?? '').startsWith('text/event-stream'),
  };
}

function dechunk(body: Buffer): Buffer {
  const out: Buffer[] = [];
  let at = 0;
  for (let guard = 0; guard < 100_000 && at < body.length; guard++) {
    const eol = body.indexOf('\r\n', at);
    if (eol === -1) break;
    const size = parseInt(body.subarray(at, eol).toString('latin1'), 16);
    if (!Number.isFinite(size) || size === 0) break;
    out.push(body.subarray(eol + 2, eol + 2 + size));
    at = eol + 2 + size + 2;
  }
  return Buffer.concat(out);
}
