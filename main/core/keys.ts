/**
 * API keys. The SDK sends one with every call (`x-api-key`). Keys are stored as SHA-256
 * digests only and looked up by digest, so comparison never depends on the key's bytes
 * (S05). The owner key is created at first run; its plaintext is kept sealed by the vault
 * so `latchkey env` can print it again.
 */
import { Unauthorized } from './errors.ts';
import { sha256 } from './hash.ts';
import type { ApiKey, Role } from './model.ts';
import type { Clock, Ids, Store, Vault } from './ports.ts';

const OWNER_KEY_SETTING = 'owner_key_sealed';
const OWNER_KEY_AAD = 'settings:owner_key';

/** One body for missing, unknown and revoked keys (S05), telling the developer what to do. */
export const UNAUTHORIZED_DETAIL =
  'Missing or unknown API key. Send the key printed by `npx latchkey env` as the x-api-key header (export LANGSMITH_API_KEY=<key>), or ask the Latchkey owner to create one with `npx latchkey keys create --label <name>`.';

export class KeyService {
  readonly #store: Store;
  readonly #vault: Vault;
  readonly #clock: Clock;
  readonly #ids: Ids;
  /** Digest → key: the hot path never touches SQLite for key lookups. */
  #byHash = new Map<string, ApiKey>();

  constructor(deps: { store: Store; vault: Vault; clock: Clock; ids: Ids }) {
    this.#store = deps.store;
    this.#vault = deps.vault;
    this.#clock = deps.clock;
    this.#ids = deps.ids;
    this.#reload();
  }

  #reload(): void {
    this.#byHash = new Map(this.#store.keys.list().filter((k) => k.revokedAt === null).map((k) => [k.hash, k]));
  }

  /**
   * Make sure an owner key exists. Returns the plaintext when it can be shown: freshly
   * created, or unsealed from the keychain. `sealed: false` means the keychain was
   * unavailable at creation and the key is shown this once only.
   */
  ensureOwnerKey(): { key: string | null; created: boolean; sealed: boolean } {
    const existing = this.#store.keys.list().find((k) => k.role === 'owner' && k.revokedAt === null);
    if (existing) return { key: this.readOwnerKey(), created: false, sealed: true };
    const key = this.#newKeyValue();
    let sealed: Buffer | null = null;
    if (this.#vault.status().ok) sealed = this.#vault.seal(key, OWNER_KEY_AAD);
    this.#store.transaction(() => {
      this.#store.keys.insert({ id: this.#ids.uuid(), label: 'owner', role: 'owner', hash: sha256(key), createdAt: this.#clock.now(), revokedAt: null });
      if (sealed) this.#store.settings.set(OWNER_KEY_SETTING, sealed.toString('base64'));
    });
    this.#reload();
    return { key, created: true, sealed: sealed !== null };
  }

  /** The owner key's plaintext, or null when it is not sealed or the keychain is unavailable. */
  readOwnerKey(): string | null {
    const sealed = this.#store.settings.get(OWNER_KEY_SETTING);
    if (!sealed || !this.#vault.status().ok) return null;
    try {
      const key = this.#vault.open(Buffer.from(sealed, 'base64'), OWNER_KEY_AAD);
      return this.#byHash.has(sha256(key)) ? key : null;
    } catch {
      return null;
    }
  }

  create(label: string, role: Role): { key: string; record: ApiKey } {
    const key = this.#newKeyValue();
    const record: ApiKey = { id: this.#ids.uuid(), label, role, hash: sha256(key), createdAt: this.#clock.now(), revokedAt: null };
    this.#store.keys.insert(record);
    this.#reload();
    return { key, record };
  }

  revoke(id: string): void {
    this.#store.keys.revoke(id, this.#clock.now());
    this.#reload();
  }

  list(): ApiKey[] {
    return this.#store.keys.list();
  }

  byId(id: string): ApiKey | undefined {
    return this.#store.keys.byId(id);
  }

  /** Resolve the key presented by a caller, or throw the one 401 body (S05). */
  authenticate(presented: string | undefined): ApiKey {
    const key = presented ? this.#byHash.get(sha256(presented)) : undefined;
    if (!key) throw new Unauthorized(UNAUTHORIZED_DETAIL);
    return key;
  }

  #newKeyValue(): string {
    // Prefix makes leaked keys greppable by secret scanners; 32 bytes of entropy.
    return `lk_${this.#ids.token(32)}`;
  }
}
