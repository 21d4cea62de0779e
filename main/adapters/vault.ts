/**
 * Envelope encryption (design.md §3): one random 256-bit master key; every secret in SQLite is
 * AES-256-GCM ciphertext whose associated data binds it to its row and generation. The master
 * key comes from one of two places:
 *  - the OS keychain (the default): read once at start-up, so the hot path never waits on the
 *    keychain; probed (write, read back, delete) before the key is first created in it;
 *  - a passphrase the owner opted in to (`--vault passphrase`, for boxes without a Secret
 *    Service): the key is derived with scrypt from the passphrase and a random salt; a sealed
 *    check value tells a wrong passphrase from a right one. Only the salt, the scrypt parameters
 *    and the check value are stored — never the passphrase or the key.
 *
 * Layout: version (1 byte) | IV (12) | tag (16) | ciphertext.
 */
import { createCipheriv, createDecipheriv, randomBytes, scryptSync } from 'node:crypto';
import { KeychainUnavailable } from '../core/errors.ts';
import type { KeychainStatus, Vault } from '../core/ports.ts';
import type { KeychainBackend } from './keychain.ts';

const VERSION = 1;
const IV_BYTES = 12;
const TAG_BYTES = 16;

export interface VaultOptions {
  keychain: () => KeychainBackend;
  /** Identifies this home's master key among others in the same keychain. */
  vaultId: string;
}

function describe(err: unknown): string {
  const message = err instanceof Error ? err.message : String(err);
  return message.replace(/\s+/g, ' ').trim().slice(0, 300);
}

/** The account under which a home's master key lives in the keychain. */
export const masterKeyAccount = (vaultId: string): string => `master-key:${vaultId}`;

/** Write, read back and delete a random value: a keychain that accepts writes but cannot read them back is not usable. Throws why not. */
export function probeKeychain(keychain: KeychainBackend, probeId: string): void {
  const probeAccount = `probe:${probeId}`;
  const probeValue = randomBytes(16).toString('hex');
  keychain.set(probeAccount, probeValue);
  const readBack = keychain.get(probeAccount);
  keychain.delete(probeAccount);
  if (readBack !== probeValue) throw new Error('the keychain did not return what was written to it');
}

/** The keychain's name and, when it is not usable, why (`latchkey doctor`). */
export function keychainProbe(keychain: () => KeychainBackend): KeychainStatus {
  let name = 'OS keychain';
  try {
    const k = keychain();
    name = k.name;
    probeKeychain(k, `doctor-${randomBytes(6).toString('hex')}`);
    return { ok: true, backend: name, vault: 'keychain' };
  } catch (err) {
    return { ok: false, backend: name, reason: describe(err), vault: 'keychain' };
  }
}

/** The vault over the OS keychain. Never throws: an unusable keychain shows in `status()` (S24). */
export function openVault(options: VaultOptions): Vault {
  let backendName = 'OS keychain';
  try {
    const keychain = options.keychain();
    backendName = keychain.name;
    const account = masterKeyAccount(options.vaultId);
    let stored = keychain.get(account);
    if (stored === null) {
      // First start on this keychain: it must give back what it is given before it keeps the
      // key. Later starts read the key back, which proves that much; the probe's three D-Bus
      // round trips were a tenth of every start-up (issue 17).
      probeKeychain(keychain, options.vaultId);
      keychain.set(account, randomBytes(32).toString('base64'));
      stored = keychain.get(account);
    }
    const key = stored === null ? null : Buffer.from(stored, 'base64');
    if (!key || key.length !== 32) throw new Error('the master key in the keychain is missing or malformed');
    return sealingVault(key, { ok: true, backend: backendName, vault: 'keychain' });
  } catch (err) {
    return sealingVault(null, { ok: false, backend: backendName, reason: describe(err), vault: 'keychain' });
  }
}

/** What the passphrase vault stores in settings: how to derive the key, and how to recognise it. */
interface PassphraseRecord {
  v: 1;
  kdf: 'scrypt';
  N: number;
  r: number;
  p: number;
  salt: string;
  /** A fixed text sealed with the derived key: it opens only under the right passphrase. */
  check: string;
}

/** scrypt cost: N = 2^17, r = 8 (128 MiB, a fraction of a second), the OWASP recommendation. */
const SCRYPT = { N: 2 ** 17, r: 8, p: 1 } as const;
const CHECK_TEXT = 'latchkey passphrase vault';
const CHECK_AAD = 'vault:passphrase-check';
export const PASSPHRASE_BACKEND = 'passphrase vault (scrypt)';
const MIN_PASSPHRASE = 8;

export class WrongPassphrase extends Error {
  constructor() {
    super('The passphrase is wrong: it does not open this home\'s passphrase vault. Nothing was changed. Check LATCHKEY_PASSPHRASE_FILE or type it again.');
  }
}

export class PassphraseRecordInvalid extends Error {}

function derive(passphrase: string, salt: Buffer, cost: { N: number; r: number; p: number }): Buffer {
  return scryptSync(passphrase.normalize('NFC'), salt, 32, { ...cost, maxmem: 256 * cost.N * cost.r + 1024 * 1024 });
}

/** A new passphrase vault: returns the vault and the record to remember in settings. */
export function createPassphraseVault(passphrase: string): { vault: Vault; record: string } {
  if (passphrase.length < MIN_PASSPHRASE) throw new PassphraseRecordInvalid(`The passphrase must have at least ${MIN_PASSPHRASE} characters.`);
  const salt = randomBytes(16);
  const vault = sealingVault(derive(passphrase, salt, SCRYPT), { ok: true, backend: PASSPHRASE_BACKEND, vault: 'passphrase' });
  const record: PassphraseRecord = { v: 1, kdf: 'scrypt', ...SCRYPT, salt: salt.toString('base64'), check: vault.seal(CHECK_TEXT, CHECK_AAD).toString('base64') };
  return { vault, record: JSON.stringify(record) };
}

/** Open the passphrase vault a home remembers; a wrong passphrase throws WrongPassphrase. */
export function unlockPassphraseVault(passphrase: string, recordJson: string): Vault {
  let record: PassphraseRecord;
  try {
    record = JSON.parse(recordJson) as PassphraseRecord;
    if (record.v !== 1 || record.kdf !== 'scrypt' || ![record.N, record.r, record.p].every(Number.isSafeInteger)) throw new Error('unknown format');
  } catch {
    throw new PassphraseRecordInvalid('The passphrase vault record in this home is unreadable; restore latchkey.db from a backup.');
  }
  const vault = sealingVault(derive(passphrase, Buffer.from(record.salt, 'base64'), record), { ok: true, backend: PASSPHRASE_BACKEND, vault: 'passphrase' });
  try {
    if (vault.open(Buffer.from(record.check, 'base64'), CHECK_AAD) !== CHECK_TEXT) throw new Error('check mismatch');
  } catch {
    throw new WrongPassphrase();
  }
  return vault;
}

/** AES-256-GCM under `masterKey`; with no key every seal/open refuses with the status's reason. */
function sealingVault(masterKey: Buffer | null, status: KeychainStatus): Vault {
  const requireKey = (): Buffer => {
    if (!masterKey) throw new KeychainUnavailable(status.ok ? 'unknown error' : status.reason);
    return masterKey;
  };
  return {
    status: () => status,
    seal(plaintext, aad) {
      const iv = randomBytes(IV_BYTES);
      const cipher = createCipheriv('aes-256-gcm', requireKey(), iv);
      cipher.setAAD(Buffer.from(aad, 'utf8'));
      const body = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()]);
      return Buffer.concat([Buffer.from([VERSION]), iv, cipher.getAuthTag(), body]);
    },
    open(ciphertext, aad) {
      const key = requireKey();
      if (ciphertext.length < 1 + IV_BYTES + TAG_BYTES || ciphertext[0] !== VERSION) throw new Error('unknown ciphertext format');
      const iv = ciphertext.subarray(1, 1 + IV_BYTES);
      const tag = ciphertext.subarray(1 + IV_BYTES, 1 + IV_BYTES + TAG_BYTES);
      const decipher = createDecipheriv('aes-256-gcm', key, iv);
      decipher.setAAD(Buffer.from(aad, 'utf8'));
      decipher.setAuthTag(tag);
      return Buffer.concat([decipher.update(ciphertext.subarray(1 + IV_BYTES + TAG_BYTES)), decipher.final()]).toString('utf8');
    },
  };
}
