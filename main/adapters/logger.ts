/**
 * Structured logging with pino. Core never logs secrets on purpose; redaction here is the
 * second line of defence for any field that could carry one (S15).
 */
import { pino, type DestinationStream } from 'pino';
import type { Logger } from '../core/ports.ts';

export const REDACTED_FIELDS = [
  'token', 'accessToken', 'access_token', 'refreshToken', 'refresh_token', 'idToken', 'id_token', 'code', 'code_verifier',
  'codeVerifier', 'clientSecret', 'client_secret', 'apiKey', 'api_key', 'key', 'password', 'state', 'cookie', 'authorization',
];

export function createLogger(options: { level?: string; destination?: DestinationStream } = {}): Logger & { flush(): void } {
  const paths = REDACTED_FIELDS.flatMap((f) => [f, `*.${f}`]);
  const log = pino(
    { level: options.level ?? 'info', base: null, redact: { paths, censor: '[redacted]' }, timestamp: pino.stdTimeFunctions.isoTime },
    options.destination ?? pino.destination({ dest: 2, sync: false }),
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
