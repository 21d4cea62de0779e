/**
 * The home directory and the log in it, created private (S40): the home holds the
 * database, the control secret and the log, so it is 0700 and the log 0600 — also when
 * the home comes from --home or LATCHKEY_HOME and did not exist before. Both are created
 * before anything else writes there (the log used to create the home world-readable).
 */
import { chmodSync, closeSync, mkdirSync, openSync } from 'node:fs';
import { join } from 'node:path';
import { pino, type DestinationStream } from 'pino';

export function createHomeDir(home: string): void {
  mkdirSync(home, { recursive: true, mode: 0o700 });
}

export const logPath = (home: string): string => join(home, 'latchkey.log');

/** Appends to `<home>/latchkey.log`, created 0600 (an existing log is narrowed to 0600 first). */
export function openHomeLog(home: string, options: { sync: boolean }): { file: string; destination: DestinationStream } {
  createHomeDir(home);
  const file = logPath(home);
  closeSync(openSync(file, 'a', 0o600));
  chmodSync(file, 0o600);
  return { file, destination: pino.destination({ dest: file, sync: options.sync }) };
}
