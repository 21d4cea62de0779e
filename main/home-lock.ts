/**
 * One broker per home (issue 12 §2): `<home>/latchkey.lock` is held with an exclusive OS
 * file lock for the broker's whole life, taken before the port or the database is touched.
 *
 * The primitive is SQLite's own file locking (better-sqlite3 is already a dependency):
 * the lock file is a tiny database opened in `locking_mode=EXCLUSIVE`, and its first write
 * takes an exclusive byte-range lock (fcntl on POSIX, LockFileEx on Windows) that this
 * connection never gives back until it closes. Why this and not a pid file:
 *  - The kernel drops the lock when the process dies, however it dies (SIGKILL, a crash, a
 *    power cut), so a stale lock cannot exist: a crashed broker's lock file is simply free.
 *  - Nothing compares pids, so pid reuse cannot make a dead broker look alive.
 *  - Taking it is one atomic system call; two starts racing for a free (or formerly stale)
 *    lock cannot both win, and nobody ever deletes a lock file another process may hold.
 * SQLite also refuses a second connection inside the same process, so two brokers in one
 * test process are refused too. The file's contents mean nothing; who holds it is in
 * runtime.json, which only the holder writes.
 */
import Database from 'better-sqlite3';
import { join } from 'node:path';
import { readRuntimeRecord, type RuntimeRecord } from './runtime-file.ts';

export const lockPath = (home: string): string => join(home, 'latchkey.lock');

export class AlreadyRunningError extends Error {
  readonly home: string;
  readonly pid: number | null;
  readonly url: string | null;
  constructor(home: string, holder: RuntimeRecord | undefined) {
    const where = holder ? `pid ${holder.pid}${holder.url ? `, ${holder.url}` : ', still starting'}` : 'it is still starting';
    super(`Latchkey is already running for ${home} (${where}).`);
    this.home = home;
    this.pid = holder?.pid ?? null;
    this.url = holder?.url ?? null;
  }
}

export interface HomeLock {
  release(): void;
}

const isBusy = (err: unknown): boolean => (err as { code?: string }).code?.startsWith('SQLITE_BUSY') === true;

/** A record left by a crashed broker names a dead pid. */
function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * Who holds the lock, for the refusal message. The holder claims runtime.json right after
 * taking the lock and adds its address once it listens; a start that loses a race looks
 * in between, so it waits a moment for the address (a record naming a dead pid is a
 * crashed broker's leftover, not the holder).
 */
function holderOf(home: string): RuntimeRecord | undefined {
  const until = Date.now() + 2_000;
  let best: RuntimeRecord | undefined;
  for (;;) {
    const record = readRuntimeRecord(home);
    if (record && alive(record.pid)) {
      best = record;
      if (record.url) return record;
    }
    if (Date.now() > until) return best;
    Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 20);
  }
}

/** Takes the home's lock or throws AlreadyRunningError naming the broker that holds it. */
export function lockHome(home: string): HomeLock {
  const db = new Database(lockPath(home), { timeout: 0 });
  try {
    // No journal file beside the lock: the file's contents are never worth recovering.
    db.pragma('journal_mode = MEMORY');
    db.pragma('locking_mode = EXCLUSIVE');
    // A write is what takes (and, in exclusive mode, keeps) the exclusive lock.
    db.exec('BEGIN EXCLUSIVE; PRAGMA user_version = 1; COMMIT;');
  } catch (err) {
    db.close();
    if (isBusy(err)) throw new AlreadyRunningError(home, holderOf(home));
    throw err;
  }
  let held = true;
  return {
    release() {
      if (!held) return;
      held = false;
      db.close();
    },
  };
}
