/**
 * The bridge's own agent key. `latchkey mcp` never uses the owner key and never asks for
 * tokens with the control secret: it holds an ordinary agent key, labelled "latchkey mcp",
 * created once through the owner channel the CLI uses (`POST /ui/api/keys`, recorded in the
 * activity log as `key.created`) and kept in the OS keychain (Secret Service forced on Linux,
 * main/adapters/keychain.ts) — never in a file. One key per Latchkey home, shared by every
 * MCP client; the clients are told apart by `agent_id` (their `initialize` clientInfo name).
 *
 * A key the owner revoked stays revoked: the bridge does not mint itself a new one behind the
 * owner's back, it says so and names `latchkey mcp reset-key`.
 */
import { resolve } from 'node:path';
import type { KeychainBackend } from '../../adapters/keychain.ts';
import type { CreateKeyResponse, KeyView } from '../../http/owner-api-types.ts';
import type { OwnerClient } from '../owner-client.ts';
import { BridgeFailure } from './bridge-errors.ts';

export const BRIDGE_KEY_LABEL = 'latchkey mcp';

interface StoredKey { keyId: string; key: string }

/** The keychain account for a home: a key is only good for the broker that issued it. */
export const bridgeKeyAccount = (home: string): string => `mcp-bridge:${resolve(home)}`;

function readStored(keychain: KeychainBackend, account: string): StoredKey | null {
  const raw = keychain.get(account);
  if (!raw) return null;
  try {
    const parsed = JSON.parse(raw) as Partial<StoredKey>;
    return typeof parsed.keyId === 'string' && typeof parsed.key === 'string' ? { keyId: parsed.keyId, key: parsed.key } : null;
  } catch {
    return null;
  }
}

export async function bridgeKey(owner: OwnerClient, keychain: KeychainBackend, home: string): Promise<string> {
  const account = bridgeKeyAccount(home);
  let stored: StoredKey | null;
  try {
    stored = readStored(keychain, account);
  } catch (err) {
    throw keychainFailure(keychain, err);
  }
  if (stored) {
    const known = (await owner.call<KeyView[]>('GET', '/ui/api/keys')).find((k) => k.id === stored.keyId);
    if (known && known.revoked_at === null) return stored.key;
    if (known) {
      throw new BridgeFailure(`The Latchkey owner revoked the MCP bridge's key ('${BRIDGE_KEY_LABEL}', ${known.revoked_at}). To let MCP clients ask again, run \`latchkey mcp reset-key\`.`, 'bridge_key_revoked');
    }
    // Not this broker's key (a new home, a wiped database): mint one here.
  }
  const created = await owner.call<CreateKeyResponse>('POST', '/ui/api/keys', { label: BRIDGE_KEY_LABEL, role: 'agent' });
  try {
    keychain.set(account, JSON.stringify({ keyId: created.record.id, key: created.key } satisfies StoredKey));
  } catch (err) {
    // Never kept anywhere else: revoke it again rather than leave an unusable key behind.
    await owner.call('DELETE', `/ui/api/keys/${encodeURIComponent(created.record.id)}`).catch(() => undefined);
    throw keychainFailure(keychain, err);
  }
  return created.key;
}

/** `latchkey mcp reset-key`: forget the stored key, so the next bridge start creates a new one. */
export function forgetBridgeKey(keychain: KeychainBackend, home: string): boolean {
  const account = bridgeKeyAccount(home);
  if (!keychain.get(account)) return false;
  keychain.delete(account);
  return true;
}

function keychainFailure(keychain: KeychainBackend, err: unknown): BridgeFailure {
  return new BridgeFailure(`The MCP bridge keeps its Latchkey key in the OS keychain (${keychain.name}), which is unavailable: ${err instanceof Error ? err.message : String(err)}. Unlock or start it (on Linux: a Secret Service such as gnome-keyring), then retry.`, 'keychain_unavailable');
}
