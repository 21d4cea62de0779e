/**
 * A failed owner-API call, carrying the HTTP status and the server's `{detail}` sentence.
 * `status` 0 means the broker never answered (stopped, or the port changed).
 */
export class ApiError extends Error {
  readonly status: number;
  readonly detail: string;

  constructor(status: number, detail: string) {
    super(detail);
    this.name = 'ApiError';
    this.status = status;
    this.detail = detail;
  }
}

/** `{detail}` is a sentence, or FastAPI-style issues on a 422; anything else gets a generic text. */
export function detailFrom(status: number, body: unknown): string {
  if (typeof body === 'object' && body !== null && 'detail' in body) {
    const detail = (body as { detail: unknown }).detail;
    if (typeof detail === 'string') return detail;
    if (Array.isArray(detail)) {
      const lines = detail.map((issue: unknown) => {
        if (typeof issue !== 'object' || issue === null) return String(issue);
        const { loc, msg } = issue as { loc?: unknown; msg?: unknown };
        const where = Array.isArray(loc) ? loc.filter((p) => p !== 'body').join('.') : '';
        return where ? `${where}: ${String(msg)}` : String(msg);
      });
      if (lines.length > 0) return lines.join('; ');
    }
  }
  return `Latchkey answered with HTTP ${status}.`;
}
