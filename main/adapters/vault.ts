/**
 * Envelope encryption (design.md §3): one random 256-bit master key in the OS keychain;
 * every secret in SQLite is AES-256-GCM ciphertext whose associated data binds it to its
 * row and generation. The keychain is probed (write, read back, delete) at start-up and the
 * master key is read once, so the hot path never waits on the keychain.
 *
 * Layout: version (1 byte) | IV (12) | tag (16) | ciphertext.
 */
import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
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

export function openVault(options: VaultOptions): Vault {
  let status: KeychainStatus;
  let masterKey: Buffer | null = null;
  let backendName = 'OS keychain';
  try {
    const keychain = options.keychain();
    backendName = keychain.name;
    const account = `master-key:${options.vaultId}`;
    // Probe: a keychain that accepts writes but cannot read them back is not usable.
    const probeAccount = `probe:${options.vaultId}`;
    const probeValue = randomBytes(16).toString('hex');
    keychain.set(probeAccount, probeValue);
    const readBack = keychain.get(probeAccount);
    keychain.delete(probeAccount);
    if (readBack !== probeValue) throw new Error('the keychain did not return what was written to it');

    let stored = keychain.get(account);
    if (stored === null) {
      keychain.set(account, randomBytes(32).toString('base64'));
      stored = keychain.get(account);
    }
    const key = stored === null ? null : Buffer.from(stored, 'base64');
    if (!key || key.length !== 32) throw new Error('the master key in the keychain is missing or malformed');
    masterKey = key;
    status = { ok: true, backend: backendName };
  } catch (err) {
    status = { ok: false, backend: backendName, reason: describe(err) };
  }

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
