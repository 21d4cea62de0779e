/**
 * Structured logging with pino. Core never logs secrets on purpose; redaction here is the
 * second line of defence for any field that could carry one (S15).
 */
import { pino, type DestinationStream } from 'pino';
import type { Logger } from '../core/ports.ts';
import { visibleLines } from '../core/visible-text.ts';

export const REDACTED_FIELDS = [
  'token', 'accessToken', 'access_token', 'refreshToken', 'refresh_token', 'idToken', 'id_token', 'code', 'code_verifier',
  'codeVerifier', 'clientSecret', 'client_secret', 'apiKey', 'api_key', 'key', 'password', 'state', 'cookie', 'authorization',
];

/**
 * Log lines are JSON, which escapes C0 controls but not C1 controls or bidi overrides: where the
 * lines go to a terminal (`terminal`, by default when they go to a TTY's stderr) those are
 * escaped too, so an agent-chosen value in a log line cannot drive the terminal (S34).
 */
export function forTerminal(destination: DestinationStream): DestinationStream {
  const flush = (destination as { flush?: (cb?: (err?: Error) => void) => void }).flush?.bind(destination);
  return Object.assign({ write: (line: string) => destination.write(visibleLines(line)) }, flush ? { flush } : {});
}

export function createLogger(options: { level?: string; destination?: DestinationStream; terminal?: boolean } = {}): Logger & { flush(): void } {
  const paths = REDACTED_FIELDS.flatMap((f) => [f, `*.${f}`]);
  const raw = options.destination ?? pino.destination({ dest: 2, sync: false });
  const terminal = options.terminal ?? (options.destination === undefined && process.stderr.isTTY === true);
  const log = pino(
    { level: options.level ?? 'info', base: null, redact: { paths, censor: '[redacted]' }, timestamp: pino.stdTimeFunctions.isoTime },
    terminal ? forTerminal(raw) : raw,
  );
  return {
    info: (event, fields) => log.info({ event, ...fields }),
    warn: (event, fields) => log.warn({ event, ...fields }),
    error: (event, fields) => log.error({ event, ...fields }),
    flush: () => log.flush(),
  };
}

/** For tests and embedding: drop everything. */
export const silentLogger: Logger = { info: () => {}, warn: () => {}, error: () => {} };
