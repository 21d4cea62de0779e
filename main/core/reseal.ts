/**
 * Moving a home's secrets from one vault to another (`latchkey vault switch`): every sealed
 * value — client secrets, token sets, the owner key — is opened with the old vault and sealed
 * with the new one, in one transaction, so a failure leaves every secret where it was. Half-done
 * OAuth flows (their PKCE verifiers are sealed too) are dropped: they expire in minutes anyway.
 */
import { connectionAad } from './connections.ts';
import { OWNER_KEY_AAD, OWNER_KEY_SETTING } from './keys.ts';
import type { Store, Vault } from './ports.ts';
import { secretAad } from './providers.ts';

/** How many sealed values this home holds (flows aside). Zero means a vault can be chosen freely. */
export function sealedSecretCount(store: Store): number {
  return store.providers.list().filter((p) => p.clientSecretCiphertext !== null).length
    + store.connections.listAll().filter((c) => c.tokenCiphertext !== null).length
    + (store.settings.get(OWNER_KEY_SETTING) ? 1 : 0);
}

/** Re-seal everything under `to`; `commit` runs inside the same transaction (it records the new vault). */
export function resealAll(store: Store, from: Vault, to: Vault, commit: () => void): number {
  return store.transaction(() => {
    let count = 0;
    for (const p of store.providers.list()) {
      if (p.clientSecretCiphertext === null) continue;
      const aad = secretAad(p.id);
      store.providers.update({ ...p, clientSecretCiphertext: to.seal(from.open(p.clientSecretCiphertext, aad), aad) });
      count++;
    }
    for (const c of store.connections.listAll()) {
      if (c.tokenCiphertext === null) continue;
      const aad = connectionAad(c.id, c.generation);
      store.connections.upsert({ ...c, tokenCiphertext: to.seal(from.open(c.tokenCiphertext, aad), aad) });
      count++;
    }
    const owner = store.settings.get(OWNER_KEY_SETTING);
    if (owner) {
      store.settings.set(OWNER_KEY_SETTING, to.seal(from.open(Buffer.from(owner, 'base64'), OWNER_KEY_AAD), OWNER_KEY_AAD).toString('base64'));
      count++;
    }
    store.flows.prune(Number.MAX_SAFE_INTEGER);
    commit();
    return count;
  });
}
