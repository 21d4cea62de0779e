/**
 * API keys. The SDK sends one with every call (`x-api-key`). Keys are stored as SHA-256
 * digests only and looked up by digest, so comparison never depends on the key's bytes
 * (S05). The owner key is created at first run; its plaintext is kept sealed by the vault
 * so `latchkey env` can print it again.
 */
import { byActor, type ActivityLog, type Actor } from './activity.ts';
import { BadRequest, KeychainUnavailable, NotFound, Unauthorized } from './errors.ts';
import type { EventBus } from './events.ts';
import { sha256 } from './hash.ts';
import type { ApiKey, Pairing, Role } from './model.ts';
import type { Clock, Ids, Store, Vault } from './ports.ts';
import { FAILED_KEY_BUDGET, RateLimiter } from './rate-limits.ts';

/**
 * Pairing requests kept at most (S40). A new unknown key evicts the least recently seen
 * request rather than being dropped, so a flood of probes can delay but never silence a
 * legitimate key (which shows up again on its next call); requests expire after a day.
 */
export const MAX_PAIRINGS = 50;
export const PAIRING_TTL_MS = 24 * 3_600_000;

export const OWNER_KEY_SETTING = 'owner_key_sealed';
export const OWNER_KEY_AAD = 'settings:owner_key';
/** The label ensureOwnerKey gives the home's own owner key (the one `latchkey env` prints). */
const OWNER_LABEL = 'owner';

/**
 * Why the owner key cannot be shown: the vault is unavailable (fix the keychain, or opt in to
 * the passphrase vault), an owner key exists whose plaintext was never stored (made by an
 * older version without a keychain: `latchkey keys reissue-owner` replaces it), or none was made
 * yet (the broker makes it at its first start with a working vault).
 */
export type OwnerKeyProblem = 'vault_unavailable' | 'not_sealed' | 'not_made';

/** One body for missing, unknown and revoked keys (S05), telling the developer what to do. */
export const UNAUTHORIZED_DETAIL =
  'Missing or unknown API key. Send the key printed by `npx latchkey env` as the x-api-key header (export LANGSMITH_API_KEY=<key>). To use another key, ask the Latchkey owner to approve it: an unknown key shows up under pairing requests (`npx latchkey keys pairings`, then `npx latchkey keys pair <id> --label <name>`), or they can create one with `npx latchkey keys create --label <name>`.';

export class KeyService {
  readonly #store: Store;
  readonly #vault: Vault;
  readonly #clock: Clock;
  readonly #ids: Ids;
  readonly #events: EventBus | undefined;
  readonly #activity: ActivityLog;
  readonly #failures: RateLimiter;
  readonly #allFailures: RateLimiter;
  /**
   * Digest → key: the hot path never touches SQLite for key lookups. Our own writes reload
   * it; a key created or revoked by another process (the `latchkey` CLI) changes the store's
   * external version, which reloads it on the next call.
   */
  #byHash = new Map<string, ApiKey>();
  #byHashVersion = -1;

  constructor(deps: { store: Store; vault: Vault; clock: Clock; ids: Ids; activity: ActivityLog; events?: EventBus }) {
    this.#activity = deps.activity;
    this.#store = deps.store;
    this.#vault = deps.vault;
    this.#clock = deps.clock;
    this.#ids = deps.ids;
    this.#events = deps.events;
    const slowDown = 'Too many requests with a missing or unknown API key; wait a minute. Check LANGSMITH_API_KEY (npx latchkey env).';
    this.#failures = new RateLimiter(deps.clock, FAILED_KEY_BUDGET, slowDown);
    // Every caller is 127.0.0.1: a spray of random keys is limited as a whole too (S09).
    this.#allFailures = new RateLimiter(deps.clock, { capacity: FAILED_KEY_BUDGET.capacity * 10, refillPerMinute: FAILED_KEY_BUDGET.refillPerMinute * 10 }, slowDown);
    this.#reload();
  }

  #reload(): void {
    this.#byHashVersion = this.#store.externalVersion();
    this.#byHash = new Map(this.#store.keys.list().filter((k) => k.revokedAt === null).map((k) => [k.hash, k]));
  }

  /**
   * Make sure an owner key exists, sealed by the vault. An owner key is never minted when it
   * cannot be stored: with the vault unavailable, none is made until it is. Returns the
   * plaintext when it can be shown (created now, or unsealed).
   */
  ensureOwnerKey(): { key: string | null; created: boolean; problem: OwnerKeyProblem | null } {
    const existing = this.#store.keys.list().find((k) => k.role === 'owner' && k.revokedAt === null);
    if (existing) return { ...this.ownerKeyStatus(), created: false };
    if (!this.#vault.status().ok) return { key: null, created: false, problem: 'vault_unavailable' };
    return { key: this.#mintOwnerKey([], { channel: 'system' }, 'role owner (first run)').key, created: true, problem: null };
  }

  /** The owner key's plaintext, or null when it is not sealed or the keychain is unavailable. */
  readOwnerKey(): string | null {
    return this.ownerKeyStatus().key;
  }

  ownerKeyStatus(): { key: string | null; problem: OwnerKeyProblem | null } {
    if (!this.#vault.status().ok) return { key: null, problem: 'vault_unavailable' };
    const sealed = this.#store.settings.get(OWNER_KEY_SETTING);
    const anyOwner = this.#store.keys.list().some((k) => k.role === 'owner' && k.revokedAt === null);
    if (!sealed) return { key: null, problem: anyOwner ? 'not_sealed' : 'not_made' };
    try {
      const key = this.#vault.open(Buffer.from(sealed, 'base64'), OWNER_KEY_AAD);
      return this.#byHash.has(sha256(key)) ? { key, problem: null } : { key: null, problem: 'not_sealed' };
    } catch {
      return { key: null, problem: 'not_sealed' };
    }
  }

  /**
   * A new owner key, sealed, replacing the home's owner key (the sealed one, and any unsealed
   * one ensureOwnerKey made): the old rows are revoked in the same transaction. Owner keys the
   * owner created by hand stay. Refused while the vault is unavailable: the new key could not be
   * stored either. use-cases/manage-keys.ts ends what hangs off the replaced keys (S37).
   */
  reissueOwner(actor: Actor): { key: string; record: ApiKey; revoked: ApiKey[] } {
    const status = this.#vault.status();
    if (!status.ok) throw new KeychainUnavailable(status.reason);
    const current = this.ownerKeyStatus().key;
    const replaced = this.#store.keys.list().filter((k) => k.role === 'owner' && k.revokedAt === null
      && (k.label === OWNER_LABEL || (current !== null && k.hash === sha256(current))));
    const { key, record } = this.#mintOwnerKey(replaced, actor, 'role owner; reissued owner key');
    return { key, record, revoked: replaced };
  }

  #mintOwnerKey(revoke: readonly ApiKey[], actor: Actor, detail: string): { key: string; record: ApiKey } {
    const key = this.#newKeyValue();
    const sealed = this.#vault.seal(key, OWNER_KEY_AAD);
    const now = this.#clock.now();
    const record: ApiKey = { id: this.#ids.uuid(), label: OWNER_LABEL, role: 'owner', hash: sha256(key), createdAt: now, revokedAt: null };
    this.#store.transaction(() => {
      this.#store.keys.insert(record);
      this.#store.settings.set(OWNER_KEY_SETTING, sealed.toString('base64'));
      for (const k of revoke) this.#store.keys.revoke(k.id, now);
      this.#activity.record({ type: 'key.created', ...byActor(actor), keyId: record.id, keyLabel: record.label, detail });
      for (const k of revoke) this.#activity.record({ type: 'key.revoked', ...byActor(actor), keyId: k.id, keyLabel: k.label, detail: 'replaced by a reissued owner key' });
    });
    this.#reload();
    return { key, record };
  }

  create(label: string, role: Role, actor: Actor): { key: string; record: ApiKey } {
    if (!label.trim()) throw new BadRequest('Give the key a label, e.g. the agent\'s name.', 'missing_label');
    const key = this.#newKeyValue();
    const record: ApiKey = { id: this.#ids.uuid(), label: label.trim(), role, hash: sha256(key), createdAt: this.#clock.now(), revokedAt: null };
    this.#store.keys.insert(record);
    this.#reload();
    this.#activity.record({ type: 'key.created', ...byActor(actor), keyId: record.id, keyLabel: record.label, detail: `role ${record.role}` });
    return { key, record };
  }

  /** The key row only; use-cases/manage-keys.ts ends what hangs off it (S37). */
  revoke(id: string, actor: Actor): ApiKey {
    const key = this.#store.keys.byId(id);
    if (!key || key.revokedAt !== null) throw new NotFound(`No active key '${id}'.`);
    if (key.role === 'owner' && this.#store.keys.list().filter((k) => k.role === 'owner' && k.revokedAt === null).length === 1) {
      throw new BadRequest('This is the only owner key; create another owner key before revoking it.', 'last_owner_key');
    }
    this.#store.keys.revoke(id, this.#clock.now());
    this.#reload();
    this.#activity.record({ type: 'key.revoked', ...byActor(actor), keyId: key.id, keyLabel: key.label });
    return key;
  }

  /** Whether a key may still act: the release-time check of S37. */
  isActive(id: string): boolean {
    const key = this.#store.keys.byId(id);
    return key !== undefined && key.revokedAt === null;
  }

  list(): ApiKey[] {
    return this.#store.keys.list();
  }

  byId(id: string): ApiKey | undefined {
    return this.#store.keys.byId(id);
  }

  /**
   * Resolve the key presented by a caller, or throw the one 401 body (S05). An unknown key
   * becomes a pairing request the owner can accept; failures spend a budget (S09 → 429).
   */
  authenticate(presented: string | undefined): ApiKey {
    const hash = presented ? sha256(presented) : undefined;
    if (this.#store.externalVersion() !== this.#byHashVersion) this.#reload();
    const key = hash ? this.#byHash.get(hash) : undefined;
    if (key) return key;
    this.#failures.take(hash ?? 'missing');
    this.#allFailures.take('all');
    if (presented && hash) this.#notePairing(presented, hash);
    throw new Unauthorized(UNAUTHORIZED_DETAIL);
  }

  #notePairing(presented: string, hash: string): void {
    // Keys shorter than this are typos or probes, not keys worth adopting.
    if (presented.length < 16 || presented.length > 512) return;
    const now = this.#clock.now();
    const existing = this.#store.pairings.byHash(hash);
    if (existing) {
      this.#store.pairings.upsert({ ...existing, lastSeenAt: now, attempts: existing.attempts + 1 });
      return;
    }
    const live = this.pairings();
    // Least recently seen first out (the list is newest first).
    for (const old of live.slice(MAX_PAIRINGS - 1)) this.#store.pairings.delete(old.id);
    const pairing: Pairing = { id: this.#ids.token(9), keyHash: hash, keyHint: `${presented.slice(0, 8)}…`, firstSeenAt: now, lastSeenAt: now, attempts: 1 };
    this.#store.pairings.upsert(pairing);
    this.#events?.emit('key.pairing_requested', { pairingId: pairing.id, keyHint: pairing.keyHint });
  }

  /** Live pairing requests, newest first; expired ones are deleted on the way. */
  pairings(): Pairing[] {
    const cutoff = this.#clock.now() - PAIRING_TTL_MS;
    const all = this.#store.pairings.list();
    for (const p of all) if (p.lastSeenAt <= cutoff) this.#store.pairings.delete(p.id);
    return all.filter((p) => p.lastSeenAt > cutoff);
  }

  /** Adopt a key an agent already uses (an existing LANGSMITH_API_KEY): only its digest was kept. */
  acceptPairing(id: string, label: string, role: Role, actor: Actor): ApiKey {
    const pairing = this.pairings().find((p) => p.id === id);
    if (!pairing) throw new NotFound(`No pairing request '${id}'. List them with \`npx latchkey keys pairings\`.`);
    if (!label.trim()) throw new BadRequest('Give the key a label, e.g. the agent\'s name.', 'missing_label');
    const record: ApiKey = { id: this.#ids.uuid(), label: label.trim(), role, hash: pairing.keyHash, createdAt: this.#clock.now(), revokedAt: null };
    this.#store.transaction(() => {
      this.#store.keys.insert(record);
      this.#store.pairings.delete(id);
    });
    this.#reload();
    this.#activity.record({ type: 'key.paired', ...byActor(actor), keyId: record.id, keyLabel: record.label, detail: `role ${record.role}, key ${pairing.keyHint}` });
    return record;
  }

  rejectPairing(id: string, actor: Actor): void {
    const pairing = this.#store.pairings.byId(id);
    if (!pairing) throw new NotFound(`No pairing request '${id}'.`);
    this.#store.pairings.delete(id);
    this.#activity.record({ type: 'key.pairing_rejected', ...byActor(actor), detail: `key ${pairing.keyHint}` });
  }

  #newKeyValue(): string {
    // Prefix makes leaked keys greppable by secret scanners; 32 bytes of entropy.
    return `lk_${this.#ids.token(32)}`;
  }
}
