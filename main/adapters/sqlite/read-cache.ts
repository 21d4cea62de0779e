/**
 * The hot path's reads served from memory (issue 17): the key row (S37's release-time check),
 * the namespace's default account, an agent's bound account and a subject's live grants.
 * Profiling put each SQLite read at ~5 µs of statement work plus WAL lock syscalls and row
 * mapping — together more than all of Latchkey's other per-call work. With this cache an
 * authenticate call of a known subject runs no SQL at all.
 *
 * A cached answer is never trusted past a change:
 *  - every write this process makes empties it: the table builders get their writing
 *    statements from `TrackedDb.write`, whose `run` clears first, and every transaction's
 *    end (commit or rollback) clears again, so nothing read inside a rolled-back
 *    transaction survives it;
 *  - a commit by another connection (the `latchkey` CLI, a second process on the home)
 *    changes SQLite's `PRAGMA data_version`, read at most once per event-loop turn: a read
 *    is stale by at most the turn in which the other process committed — as if it had
 *    committed a moment later.
 * Callers get copies (the copiers at the end), so a caller that changes an answer changes nobody else's.
 */
import type Database from 'better-sqlite3';
import type { Row } from './rows.ts';

/** Enough for every key, namespace and subject a laptop has; past it the cache starts over. */
const MAX_ENTRIES = 4096;

type Db = Database.Database;

export class ReadCache {
  readonly #version: () => number;
  #seenVersion = -1;
  readonly #entries = new Map<string, unknown>();

  /** `version`: the database's external version (see `versionPerTurn`). */
  constructor(version: () => number) {
    this.#version = version;
  }

  clear(): void {
    this.#entries.clear();
  }

  /** The remembered value for `key`, read with `load` when missing or when another process committed. */
  get<T>(key: string, load: () => T): T {
    const v = this.#version();
    if (v !== this.#seenVersion) {
      this.#seenVersion = v;
      this.#entries.clear();
    }
    if (this.#entries.has(key)) return this.#entries.get(key) as T;
    const value = load();
    if (this.#entries.size >= MAX_ENTRIES) this.#entries.clear();
    this.#entries.set(key, value);
    return value;
  }
}

/**
 * `PRAGMA data_version`, read once per event-loop turn: the read takes a WAL read lock (two
 * fcntl calls), which costs as much as a point query, and every cache (this one, the
 * provider and key caches in core) asks for it on every call.
 */
export function versionPerTurn(db: Db): () => number {
  const read = db.prepare('PRAGMA data_version').pluck();
  let thisTurn: number | undefined;
  const forget = (): void => { thisTurn = undefined; };
  return () => {
    if (thisTurn === undefined) {
      thisTurn = read.get() as number;
      setImmediate(forget).unref();
    }
    return thisTurn;
  };
}

/** A writing statement: only `run`, which empties the read cache before it writes. */
export interface WriteStatement {
  run(...params: unknown[]): Database.RunResult;
}

/** What the table builders (sqlite-store.ts) prepare statements and transactions with. */
export interface TrackedDb {
  /** A read: never changes the cache. */
  read<P extends unknown[]>(sql: string): Database.Statement<P, Row>;
  /** A write: `run` empties the cache first. */
  write(sql: string): WriteStatement;
  /** A transaction whose end, commit or rollback, empties the cache. */
  transaction<T>(fn: () => T): T;
  cache: ReadCache;
}

export function trackedDb(db: Db, cache: ReadCache): TrackedDb {
  return {
    cache,
    read: <P extends unknown[]>(sql: string) => {
      const statement = db.prepare<P, Row>(sql);
      if (!statement.reader) throw new Error(`not a read: ${sql}`);
      return statement;
    },
    write: (sql) => {
      const statement = db.prepare(sql);
      return { run: (...params) => { cache.clear(); return statement.run(...params); } };
    },
    transaction: (fn) => {
      try {
        return db.transaction(fn)();
      } finally {
        cache.clear();
      }
    },
  };
}

/**
 * Copies of cached records, so a caller that changes an answer cannot change the next
 * caller's: each record's arrays and JSON objects (scopes, metadata) are copied too. Buffers
 * (ciphertexts) are shared: nothing writes into one. One copier per record shape — a generic
 * walk over the fields cost the hot path more than the read it saved.
 */
export const copyFlat = <T extends object>(value: T): T => ({ ...value });
export const copyWithScopes = <T extends { scopes: readonly string[] }>(value: T): T => ({ ...value, scopes: [...value.scopes] });
export const copyConnection = <T extends { scopes: readonly string[]; metadata: unknown }>(value: T): T => ({
  ...value, scopes: [...value.scopes], metadata: value.metadata === null ? null : structuredClone(value.metadata),
});
