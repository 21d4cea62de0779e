/**
 * S40: before the CLI sends its control secret or trusts an answer (or opens a URL it returned),
 * it checks that the server on the port in `runtime.json` is the broker that wrote that file.
 * The CLI sends a fresh random nonce; the broker answers HMAC-SHA256(control secret, nonce and
 * the port it listens on). Only a holder of the secret can answer, the secret itself never
 * travels, and binding the port stops a squatter from relaying the question to the real broker
 * on another port.
 */
import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';

export const PROOF_PATH = '/ui/broker-proof';
/** A nonce is 32 random bytes, base64url; the broker refuses anything else (no oracle for chosen text). */
const NONCE = /^[A-Za-z0-9_-]{43}$/;

export const newNonce = (): string => randomBytes(32).toString('base64url');

export function brokerProof(controlSecret: string, nonce: string, port: number): string | null {
  if (!NONCE.test(nonce)) return null;
  return createHmac('sha256', controlSecret).update(`latchkey-broker-proof\n${port}\n${nonce}`).digest('base64url');
}

export function proofMatches(controlSecret: string, nonce: string, port: number, presented: unknown): boolean {
  const expected = brokerProof(controlSecret, nonce, port);
  if (expected === null || typeof presented !== 'string' || presented.length !== expected.length) return false;
  return timingSafeEqual(Buffer.from(expected), Buffer.from(presented));
}
