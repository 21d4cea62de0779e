/**
 * `latchkey env`: print the two exports an agent needs. When a broker runs for this home it is
 * asked (after proving it is that broker, S40), so another terminal needs no keychain access of
 * its own; otherwise the home is opened directly (openHome). When the owner key cannot be shown
 * the command fails with the command that fixes it, never printing a placeholder key.
 */
import { silentLogger } from '../../adapters/logger.ts';
import { cryptoIds, systemClock } from '../../adapters/system.ts';
import { ActivityLog } from '../../core/activity.ts';
import { OWNER_KEY_HINT } from '../../core/env-block.ts';
import { KeyService } from '../../core/keys.ts';
import { loopbackBaseUrl } from '../../core/links.ts';
import type { EnvView } from '../../http/owner-api-types.ts';
import { openHome } from '../../home.ts';
import { readRuntime } from '../../runtime-file.ts';
import type { CliContext } from '../context.ts';
import type { FlagValues } from '../flags.ts';
import { CliError } from '../output.ts';
import { NotRunning, ownerClient } from '../owner-client.ts';

export async function env(ctx: CliContext, values: FlagValues): Promise<void> {
  const config = ctx.config(values);
  let view: Pick<EnvView, 'url' | 'api_key' | 'hint'>;
  try {
    if (!readRuntime(config.home)) throw new NotRunning('no runtime.json');
    view = await ownerClient(config.home, ctx.fetch).call<EnvView>('GET', '/ui/api/env');
  } catch (err) {
    if (!(err instanceof NotRunning)) throw err;
    view = await fromHome(ctx, config.home, loopbackBaseUrl(config.port));
  }
  if (view.api_key === null) throw new CliError(`Cannot print LANGSMITH_API_KEY: ${view.hint ?? 'the owner key is not available'}.`);
  ctx.out.line(`export LANGSMITH_API_URL=${view.url}`);
  ctx.out.line(`export LANGSMITH_API_KEY=${view.api_key}`);
}

async function fromHome(ctx: CliContext, home: string, url: string): Promise<Pick<EnvView, 'url' | 'api_key' | 'hint'>> {
  const opened = await openHome({ home, mustExist: true, passphrase: ctx.passphrase });
  try {
    // Reads only; the activity log is required by KeyService for the changes it can make.
    const activity = new ActivityLog({ store: opened.store, clock: systemClock, logger: silentLogger });
    const owner = new KeyService({ store: opened.store, vault: opened.vault, clock: systemClock, ids: cryptoIds, activity }).ownerKeyStatus();
    return { url, api_key: owner.key, hint: owner.problem ? OWNER_KEY_HINT[owner.problem] : null };
  } finally {
    opened.close();
  }
}
