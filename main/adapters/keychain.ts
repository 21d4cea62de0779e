/**
 * The OS keychain through @napi-rs/keyring: macOS Keychain, Windows Credential Manager,
 * Linux Secret Service. On Linux the store is forced to Secret Service — without that the
 * library silently falls back to the kernel keyring, which forgets everything at logout.
 */
import { Entry } from '@napi-rs/keyring';

export interface KeychainBackend {
  /** Human-readable backend name for status reports. */
  readonly name: string;
  get(account: string): string | null;
  set(account: string, secret: string): void;
  delete(account: string): void;
}

export const KEYCHAIN_SERVICE = 'latchkey';

function backendName(): string {
  switch (process.platform) {
    case 'darwin': return 'macOS Keychain';
    case 'win32': return 'Windows Credential Manager';
    default: return 'Secret Service (D-Bus)';
  }
}

export function osKeychain(service = KEYCHAIN_SERVICE): KeychainBackend {
  const entry = (account: string): Entry => new Entry(service, account, { linux: { store: 'secret-service' } });
  return {
    name: backendName(),
    get: (account) => entry(account).getPassword() ?? null,
    set: (account, secret) => { entry(account).setPassword(secret); },
    delete: (account) => { entry(account).deletePassword(); },
  };
}
