/**
 * `<home>/runtime.json` tells the CLI where the running broker listens and holds the
 * control secret that makes the CLI the owner. Only the broker holding the home's lock
 * (home-lock.ts) writes it: first a claim (pid, no address) the moment it takes the lock,
 * so a refused second start can name it, then the full record once it listens.
 *
 * Every write goes to a fresh 0600 file that is renamed over the old one (S40): the secret
 * never lands in an older runtime.json whatever that file's mode was, and a reader never
 * sees half a file.
 */
import { closeSync, openSync, readFileSync, renameSync, rmSync, writeSync } from 'node:fs';
import { join } from 'node:path';

export interface RuntimeInfo {
  pid: number;
  port: number;
  url: string;
  control: string;
  startedAt: string;
}

/** What a file may hold: a claim carries only who holds the home. */
export type RuntimeRecord = Pick<RuntimeInfo, 'pid' | 'startedAt'> & Partial<RuntimeInfo>;

export const runtimePath = (home: string): string => join(home, 'runtime.json');

function replaceRuntime(home: string, record: RuntimeRecord): void {
  // One fixed name: only the lock holder writes, and a crash's leftover is replaced here.
  const tmp = `${runtimePath(home)}.tmp`;
  rmSync(tmp, { force: true });
  const fd = openSync(tmp, 'wx', 0o600);
  try {
    writeSync(fd, JSON.stringify(record, null, 2));
  } finally {
    closeSync(fd);
  }
  renameSync(tmp, runtimePath(home));
}

/** The lock holder says it holds the home (no address or secret yet). */
export function claimRuntime(home: string, claim: Pick<RuntimeInfo, 'pid' | 'startedAt'>): void {
  replaceRuntime(home, claim);
}

export function writeRuntime(home: string, info: RuntimeInfo): void {
  replaceRuntime(home, info);
}

export function readRuntimeRecord(home: string): RuntimeRecord | undefined {
  try {
    const v = JSON.parse(readFileSync(runtimePath(home), 'utf8')) as RuntimeRecord;
    return Number.isInteger(v.pid) && typeof v.startedAt === 'string' ? v : undefined;
  } catch {
    return undefined;
  }
}

/** A broker that can be reached: a claim without an address does not count. */
export function readRuntime(home: string): RuntimeInfo | undefined {
  const v = readRuntimeRecord(home);
  return v && typeof v.url === 'string' && typeof v.control === 'string' && typeof v.port === 'number' ? (v as RuntimeInfo) : undefined;
}

/** Removes the file only if it is this broker's (same pid and start), never another's. */
export function removeRuntime(home: string, mine: Pick<RuntimeInfo, 'pid' | 'startedAt'>): void {
  const v = readRuntimeRecord(home);
  if (v?.pid === mine.pid && v.startedAt === mine.startedAt) rmSync(runtimePath(home), { force: true });
}
