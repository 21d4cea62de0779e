/**
 * openHome: the one way into a Latchkey home — its SQLite store and the vault that seals its
 * secrets. createBroker (compose.ts) and every CLI command that needs the home's data open it
 * here, so the vault choice, the passphrase check and the "refuse, never plaintext" rule live in
 * one place.
 *
 * The vault is chosen once and remembered in settings (`vault_kind`): the OS keychain by default,
 * or the passphrase vault the owner opts in to with `--vault passphrase`. Asking for another
 * vault than the remembered one is allowed only while nothing is sealed yet; after that the move
 * is explicit (`latchkey vault switch`, switchVault below), which re-seals every secret.
 */
import { existsSync, mkdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { osKeychain, type KeychainBackend } from './adapters/keychain.ts';
import { openSqliteStore, type SqliteStore } from './adapters/sqlite/sqlite-store.ts';
import { cryptoIds } from './adapters/system.ts';
import { createPassphraseVault, keychainProbe, masterKeyAccount, openVault, PassphraseRecordInvalid, unlockPassphraseVault, WrongPassphrase } from './adapters/vault.ts';
import type { KeychainStatus, Vault, VaultKind } from './core/ports.ts';
import { resealAll, sealedSecretCount } from './core/reseal.ts';
import { HomeError } from './home-error.ts';

export type { VaultKind };
export const VAULT_KINDS: readonly VaultKind[] = ['keychain', 'passphrase'];

/** Asked for the passphrase only when the passphrase vault is in use; `create` for a new vault. */
export type PassphraseSource = (purpose: 'unlock' | 'create') => Promise<string>;

export interface OpenHomeOptions {
  home: string;
  keychain?: (() => KeychainBackend) | undefined;
  /** The vault asked for (`--vault`); otherwise the remembered one, else the keychain. */
  vault?: VaultKind | undefined;
  /** Default: the file named by LATCHKEY_PASSPHRASE_FILE. */
  passphrase?: PassphraseSource | undefined;
  /** For commands other than serve: a home that was never started is an error, not a new home. */
  mustExist?: boolean;
}

export interface Home {
  readonly dir: string;
  readonly store: SqliteStore;
  readonly vault: Vault;
  readonly vaultKind: VaultKind;
  close(): void;
}

export { HomeError };

const KIND_SETTING = 'vault_kind';
const PASSPHRASE_SETTING = 'vault_passphrase';
export const PASSPHRASE_FILE_ENV = 'LATCHKEY_PASSPHRASE_FILE';

export const dbPath = (home: string): string => join(home, 'latchkey.db');

export async function openHome(options: OpenHomeOptions): Promise<Home> {
  const { home } = options;
  if (options.mustExist && !existsSync(dbPath(home))) throw new HomeError(`No Latchkey data in ${home} yet. Start Latchkey once (\`npx latchkey serve\`, or \`npm start\` in a checkout) to create it.`);
  mkdirSync(home, { recursive: true, mode: 0o700 });
  const store = openSqliteStore(dbPath(home));
  try {
    const remembered = rememberedVault(store);
    const kind = options.vault ?? remembered;
    if (kind !== remembered && sealedSecretCount(store) > 0) {
      throw new HomeError(`This home's secrets are sealed by the ${remembered} vault, so --vault ${kind} would leave them unreadable. Move them explicitly: stop Latchkey, then run \`npx latchkey vault switch ${kind}\`.`);
    }
    let vaultId = store.settings.get('vault_id');
    const vault = kind === 'passphrase'
      ? await passphraseVault(store, options.passphrase ?? passphraseFromFile())
      : openVault({ keychain: options.keychain ?? (() => osKeychain()), vaultId: vaultId ?? (vaultId = cryptoIds.uuid()) });
    // Written only once the vault opened: a wrong passphrase changes nothing.
    if (!store.settings.get('vault_id')) store.settings.set('vault_id', vaultId ?? cryptoIds.uuid());
    if (options.vault && options.vault !== store.settings.get(KIND_SETTING)) store.settings.set(KIND_SETTING, options.vault);
    return { dir: home, store, vault, vaultKind: kind, close: () => store.close() };
  } catch (err) {
    store.close();
    throw err;
  }
}

/** Whether the OS keychain works here (write, read back, delete a probe), without touching any home. */
export function probeOsKeychain(keychain: () => KeychainBackend = () => osKeychain()): KeychainStatus {
  return keychainProbe(keychain);
}

/**
 * The store alone, for checks that must not unlock anything (`latchkey doctor`): no vault is
 * opened, so no passphrase is asked and no secret can be read.
 */
export function openHomeStore(home: string): { store: SqliteStore; vaultKind: VaultKind; close(): void } | null {
  if (!existsSync(dbPath(home))) return null;
  const store = openSqliteStore(dbPath(home));
  return { store, vaultKind: rememberedVault(store), close: () => store.close() };
}

function rememberedVault(store: SqliteStore): VaultKind {
  return store.settings.get(KIND_SETTING) === 'passphrase' ? 'passphrase' : 'keychain';
}

async function passphraseVault(store: SqliteStore, source: PassphraseSource): Promise<Vault> {
  const record = store.settings.get(PASSPHRASE_SETTING);
  try {
    if (record) return unlockPassphraseVault(await source('unlock'), record);
    const created = createPassphraseVault(await source('create'));
    store.settings.set(PASSPHRASE_SETTING, created.record);
    return created.vault;
  } catch (err) {
    if (err instanceof WrongPassphrase || err instanceof PassphraseRecordInvalid) throw new HomeError(err.message);
    throw err;
  }
}

/**
 * The passphrase from the file LATCHKEY_PASSPHRASE_FILE names (first line). The file must be
 * readable by this user only, like an SSH key; the variable holds a path, never the passphrase.
 */
export function passphraseFromFile(env: NodeJS.ProcessEnv = process.env): PassphraseSource {
  return async () => {
    const file = env[PASSPHRASE_FILE_ENV];
    if (!file) throw new HomeError(`This home uses the passphrase vault. Start Latchkey in a terminal to type the passphrase, or name a file holding it: ${PASSPHRASE_FILE_ENV}=/path/to/file (mode 0600).`);
    let text: string;
    try {
      if (process.platform !== 'win32' && (statSync(file).mode & 0o077) !== 0) throw new HomeError(`${file} (${PASSPHRASE_FILE_ENV}) is readable by other users; run \`chmod 600 ${file}\` first.`);
      text = readFileSync(file, 'utf8');
    } catch (err) {
      if (err instanceof HomeError) throw err;
      throw new HomeError(`Cannot read the passphrase file ${file} (${PASSPHRASE_FILE_ENV}): ${(err as Error).message}`);
    }
    return text.split(/\r?\n/)[0] ?? '';
  };
}

/**
 * Move every secret to another vault (the broker must be stopped). The new vault is opened
 * first; the re-seal and the new settings commit together, so a failure changes nothing.
 */
export async function switchVault(home: Home, to: VaultKind, options: { keychain?: (() => KeychainBackend) | undefined; passphrase: PassphraseSource }): Promise<{ resealed: number }> {
  if (to === home.vaultKind) throw new HomeError(`This home already uses the ${to} vault.`);
  const from = home.vault.status();
  const count = sealedSecretCount(home.store);
  if (!from.ok && count > 0) throw new HomeError(`The ${home.vaultKind} vault cannot be opened (${from.reason}), so its ${count} secret(s) cannot be moved. Fix it first (\`npx latchkey doctor\`).`);
  const keychain = options.keychain ?? (() => osKeychain());
  const vaultId = home.store.settings.get('vault_id') ?? cryptoIds.uuid();
  let target: Vault;
  let record: string | undefined;
  if (to === 'passphrase') {
    try {
      ({ vault: target, record } = createPassphraseVault(await options.passphrase('create')));
    } catch (err) {
      if (err instanceof PassphraseRecordInvalid) throw new HomeError(err.message);
      throw err;
    }
  } else {
    target = openVault({ keychain, vaultId });
    const status = target.status();
    if (!status.ok) throw new HomeError(`The OS keychain is unavailable (${status.reason}); nothing was moved.`);
  }
  const resealed = resealAll(home.store, home.vault, target, () => {
    home.store.settings.set('vault_id', vaultId);
    home.store.settings.set(KIND_SETTING, to);
    // Leaving the passphrase vault forgets its record: choosing it again starts a new one.
    home.store.settings.set(PASSPHRASE_SETTING, record ?? '');
  });
  // The keychain no longer protects anything of this home: remove its master key.
  if (to === 'passphrase') {
    try { keychain().delete(masterKeyAccount(vaultId)); } catch { /* unavailable keychain: nothing to remove */ }
  }
  return { resealed };
}
