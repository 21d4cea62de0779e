import { createHash } from 'node:crypto';

/** SHA-256 hex digest: how keys, start tokens, states and binding cookies are stored and compared. */
export function sha256(value: string): string {
  return createHash('sha256').update(value, 'utf8').digest('hex');
}
