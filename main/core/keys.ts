/**
 * API keys. The SDK sends one with every call (`x-api-key`). Keys are stored as SHA-256
 * digests only and looked up by digest, so comparison never depends on the key's bytes
 * (S05). The owner key is created at first run; its plaintext is kept sealed by the vault
 * so `latchkey env` can print it again.
 */
import { BadRequest, KeychainUnavailable, NotFound, Unauthorized } from './errors.ts';
import type { EventBus } from './events.ts';
import { sha256 } from './hash.ts';
import type { ApiKey, Pairing, Role } from './model.ts';
import type { Clock, Ids, Store, Vault } from './ports.ts';
import { FAILED_KEY_BUDGET, RateLimiter } from './rate-limits.ts';

/** Pairing requests kept at most; beyond it unknown keys are refused without a new request. */
const MAX_PAIRINGS = 50;

export const OWNER_KEY_SETTING = 'owner_key_sealed';
export const OWNER_KEY_AAD = 'settings:owner_key';
/** The label ensureOwnerKey gives the home's own owner key (the one `latchkey env` prints). */
const OWNER_LABEL = 'owner';

/**
 * Why the owner key cannot be shown: the vault is unavailable (fix the keychain, or opt in to
 * the passphrase vault), or an owner key exists whose plaintext was never stored (made by an
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
  readonly #failures: RateLimiter;
  readonly #allFailures: RateLimiter;
  /** Digest → key: the hot path never touches SQLite for key lookups. */
  #byHash = new Map<string, ApiKey>();

  constructor(deps: { store: Store; vault: Vault; clock: Clock; ids: Ids; events?: EventBus }) {
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
    return { key: this.#mintOwnerKey([]), created: true, problem: null };
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
   * one ensureOwnerKey made): the old ones are revoked in the same transaction. Owner keys the
   * owner created by hand stay. Refused while the vault is unavailable: the new key could not be
   * stored either.
   */
  reissueOwner(): { key: string; record: ApiKey; revoked: ApiKey[] } {
    const status = this.#vault.status();
    if (!status.ok) throw new KeychainUnavailable(status.reason);
    const current = this.ownerKeyStatus().key;
    const replaced = this.#store.keys.list().filter((k) => k.role === 'owner' && k.revokedAt === null
      && (k.label === OWNER_LABEL || (current !== null && k.hash === sha256(current))));
    const key = this.#mintOwnerKey(replaced);
    const record = this.#store.keys.byHash(sha256(key));
    if (!record) throw new Error('the new owner key was not stored');
    return { key, record, revoked: replaced };
  }

  #mintOwnerKey(revoke: readonly ApiKey[]): string {
    const key = this.#newKeyValue();
    const sealed = this.#vault.seal(key, OWNER_KEY_AAD);
    const now = this.#clock.now();
    this.#store.transaction(() => {
      this.#store.keys.insert({ id: this.#ids.uuid(), label: OWNER_LABEL, role: 'owner', hash: sha256(key), createdAt: now, revokedAt: null });
      this.#store.settings.set(OWNER_KEY_SETTING, sealed.toString('base64'));
      for (const k of revoke) this.#store.keys.revoke(k.id, now);
    });
    this.#reload();
    return key;
  }

  create(label: string, role: Role): { key: string; record: ApiKey } {
    if (!label.trim()) throw new BadRequest('Give the key a label, e.g. the agent\'s name.', 'missing_label');
    const key = this.#newKeyValue();
    const record: ApiKey = { id: this.#ids.uuid(), label: label.trim(), role, hash: sha256(key), createdAt: this.#clock.now(), revokedAt: null };
    this.#store.keys.insert(record);
    this.#reload();
    return { key, record };
  }

  revoke(id: string): void {
    const key = this.#store.keys.byId(id);
    if (!key || key.revokedAt !== null) throw new NotFound(`No active key '${id}'.`);
    if (key.role === 'owner' && this.#store.keys.list().filter((k) => k.role === 'owner' && k.revokedAt === null).length === 1) {
      throw new BadRequest('This is the only owner key; create another owner key before revoking it.', 'last_owner_key');
    }
    this.#store.keys.revoke(id, this.#clock.now());
    this.#reload();
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
    if (this.#store.pairings.list().length >= MAX_PAIRINGS) return;
    const pairing: Pairing = { id: this.#ids.token(9), keyHash: hash, keyHint: `${presented.slice(0, 8)}…`, firstSeenAt: now, lastSeenAt: now, attempts: 1 };
    this.#store.pairings.upsert(pairing);
    this.#events?.emit('key.pairing_requested', { pairingId: pairing.id, keyHint: pairing.keyHint });
  }

  pairings(): Pairing[] {
    return this.#store.pairings.list();
  }

  /** Adopt a key an agent already uses (an existing LANGSMITH_API_KEY): only its digest was kept. */
  acceptPairing(id: string, label: string, role: Role): ApiKey {
    const pairing = this.#store.pairings.byId(id);
    if (!pairing) throw new NotFound(`No pairing request '${id}'. List them with \`npx latchkey keys pairings\`.`);
    if (!label.trim()) throw new BadRequest('Give the key a label, e.g. the agent\'s name.', 'missing_label');
    const record: ApiKey = { id: this.#ids.uuid(), label: label.trim(), role, hash: pairing.keyHash, createdAt: this.#clock.now(), revokedAt: null };
    this.#store.transaction(() => {
      this.#store.keys.insert(record);
      this.#store.pairings.delete(id);
    });
    this.#reload();
    return record;
  }

  rejectPairing(id: string): void {
    if (!this.#store.pairings.byId(id)) throw new NotFound(`No pairing request '${id}'.`);
    this.#store.pairings.delete(id);
  }

  #newKeyValue(): string {
    // Prefix makes leaked keys greppable by secret scanners; 32 bytes of entropy.
    return `lk_${this.#ids.token(32)}`;
  }
}
