/** The real Clock and Ids. */
import { randomBytes, randomUUID } from 'node:crypto';
import type { Clock, Ids } from '../core/ports.ts';

export const systemClock: Clock = { now: () => Date.now() };

export const cryptoIds: Ids = {
  uuid: () => randomUUID(),
  token: (bytes) => randomBytes(bytes).toString('base64url'),
};
