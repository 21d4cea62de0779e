/**
 * `latchkey env`: print the two exports an agent needs. Reads the owner key from this
 * home's keychain-sealed store; works whether or not the broker is running.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { osKeychain } from '../../adapters/keychain.ts';
import { silentLogger } from '../../adapters/logger.ts';
import { openSqliteStore } from '../../adapters/sqlite/sqlite-store.ts';
import { cryptoIds, systemClock } from '../../adapters/system.ts';
import { openVault } from '../../adapters/vault.ts';
import { ActivityLog } from '../../core/activity.ts';
import { KeyService } from '../../core/keys.ts';
import type { LatchkeyConfig } from '../../config.ts';
import { readRuntime } from '../../runtime-file.ts';
import { CliError, type Out } from '../output.ts';
import { loopbackBaseUrl } from '../../core/links.ts';

export function env(config: LatchkeyConfig, out: Out): void {
  const dbPath = join(config.home, 'latchkey.db');
  if (!existsSync(dbPath)) throw new CliError(`No Latchkey data in ${config.home} yet. Run \`npm start\` once to create the owner key.`);
  const store = openSqliteStore(dbPath);
  try {
    const vaultId = store.settings.get('vault_id');
    if (!vaultId) throw new CliError(`The Latchkey data in ${config.home} has no vault id; start Latchkey once to initialise it.`);
    const vault = openVault({ keychain: () => osKeychain(), vaultId });
    const status = vault.status();
    if (!status.ok) throw new CliError(`Cannot read the owner key: the OS keychain is unavailable (${status.reason}).`);
    // Reads only; the activity log is required by KeyService for the changes it can make.
    const activity = new ActivityLog({ store, clock: systemClock, logger: silentLogger });
    const key = new KeyService({ store, vault, clock: systemClock, ids: cryptoIds, activity }).readOwnerKey();
    if (!key) throw new CliError('The owner key is not sealed in this keychain (it was shown once at creation). Create a new key with `npx latchkey keys create --label me`.');
    const url = readRuntime(config.home)?.url ?? loopbackBaseUrl(config.port);
    out.line(`export LANGSMITH_API_URL=${url}`);
    out.line(`export LANGSMITH_API_KEY=${key}`);
  } finally {
    store.close();
  }
}
