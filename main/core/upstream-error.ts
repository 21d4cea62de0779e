/**
 * What can go wrong talking to a provider, classified for the refresh and callback rules:
 * `invalid_grant` means the refresh token or code is dead (S22); `transient` covers 5xx,
 * timeouts and network errors, which are retried with backoff and never revoke (S23).
 */
export type UpstreamErrorKind = 'invalid_grant' | 'oauth_error' | 'transient' | 'protocol';

export class UpstreamError extends Error {
  readonly kind: UpstreamErrorKind;
  /** The provider's `error` code when it sent one (RFC 6749 §5.2). */
  readonly oauthError: string | null;

  constructor(kind: UpstreamErrorKind, message: string, oauthError: string | null = null, cause?: unknown) {
    super(message, cause === undefined ? undefined : { cause });
    this.name = 'UpstreamError';
    this.kind = kind;
    this.oauthError = oauthError;
  }
}
