/**
 * One error hierarchy for the whole broker. Core code throws these; exactly one HTTP
 * middleware (main/http/error-handler.ts) maps them to responses. `expose` says whether
 * `message` may be shown to the caller: anything unexposed becomes a generic 500 text.
 * Messages are sentences that say what to do, because the Agent Auth SDK shows the raw
 * body to the developer (agent-auth-api.md §1).
 */
export class LatchkeyError extends Error {
  readonly code: string;
  readonly status: number;
  readonly expose: boolean;
  /** Extra response headers, e.g. Retry-After for 429/503. */
  readonly headers: Readonly<Record<string, string>>;

  constructor(code: string, status: number, message: string, options: { expose?: boolean; headers?: Record<string, string>; cause?: unknown } = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = new.target.name;
    this.code = code;
    this.status = status;
    this.expose = options.expose ?? (status < 500 || status === 502 || status === 503);
    this.headers = options.headers ?? {};
  }
}

export class BadRequest extends LatchkeyError {
  constructor(message: string, code = 'bad_request') { super(code, 400, message); }
}
export class Unauthorized extends LatchkeyError {
  constructor(message: string) { super('unauthorized', 401, message); }
}
export class Forbidden extends LatchkeyError {
  constructor(message: string, code = 'forbidden') { super(code, 403, message); }
}
export class NotFound extends LatchkeyError {
  constructor(message: string) { super('not_found', 404, message); }
}
export class Conflict extends LatchkeyError {
  constructor(message: string) { super('conflict', 409, message); }
}
export class ValidationFailed extends LatchkeyError {
  /** FastAPI-style issues: the SDK shows them as-is. */
  readonly issues: ReadonlyArray<{ loc: (string | number)[]; msg: string; type: string }>;
  constructor(issues: ReadonlyArray<{ loc: (string | number)[]; msg: string; type: string }>) {
    super('validation_failed', 422, issues.map((i) => `${i.loc.join('.')}: ${i.msg}`).join('; '));
    this.issues = issues;
  }
}
export class RateLimited extends LatchkeyError {
  constructor(message: string, retryAfterSeconds: number) {
    super('rate_limited', 429, message, { headers: { 'Retry-After': String(Math.max(1, Math.ceil(retryAfterSeconds))) } });
  }
}
export class UpstreamFailed extends LatchkeyError {
  constructor(message: string, cause?: unknown) { super('upstream_failed', 502, message, { cause }); }
}
export class Unavailable extends LatchkeyError {
  constructor(message: string, code = 'unavailable', retryAfterSeconds?: number) {
    super(code, 503, message, retryAfterSeconds === undefined ? {} : { headers: { 'Retry-After': String(Math.max(1, Math.ceil(retryAfterSeconds))) } });
  }
}

/** Raised by the vault when no usable OS keychain protects the master key (S24). */
export class KeychainUnavailable extends Unavailable {
  constructor(reason: string) {
    super(`Latchkey cannot store or read secrets because the OS keychain is unavailable: ${reason}. Unlock or start your keychain (on Linux, a Secret Service such as gnome-keyring: \`npx latchkey doctor\` prints the command), or opt in to the passphrase vault (\`npx latchkey serve --vault passphrase\`), then restart Latchkey. Nothing was stored in plaintext.`, 'keychain_unavailable');
  }
}
