import { hash } from 'node:crypto';

/**
 * SHA-256 hex digest: how keys, start tokens, states and binding cookies are stored and compared.
 * The one-shot `crypto.hash` (no Hash object) halves its cost; it runs on every Agent Auth call.
 */
export function sha256(value: string): string {
  return hash('sha256', value, 'hex');
}
