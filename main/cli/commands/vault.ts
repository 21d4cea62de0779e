/**
 * `latchkey vault status|switch`: which vault seals this home's secrets, and the explicit move
 * from one to the other (every secret re-sealed in one transaction; see home.ts switchVault).
 */
import type { SessionView } from '../../http/owner-api-types.ts';
import { openHome, switchVault, VAULT_KINDS, type VaultKind } from '../../home.ts';
import type { CliContext } from '../context.ts';
import type { FlagValues } from '../flags.ts';
import { CliError, UsageError } from '../output.ts';
import { NotRunning, ownerClient, verifiedBroker } from '../owner-client.ts';

export async function vaultStatus(ctx: CliContext, values: FlagValues): Promise<void> {
  const { home } = ctx.config(values);
  let status: SessionView['keychain'];
  try {
    status = (await ownerClient(home, ctx.fetch).call<SessionView>('GET', '/ui/api/session')).keychain;
  } catch (err) {
    if (!(err instanceof NotRunning)) throw err;
    const opened = await openHome({ home, mustExist: true, passphrase: ctx.passphrase });
    const s = opened.vault.status();
    opened.close();
    status = { ok: s.ok, backend: s.backend, reason: s.ok ? null : s.reason, vault: opened.vaultKind };
  }
  ctx.out.line(`Vault: ${status.vault} (${status.backend})`);
  if (status.ok) ctx.out.check('ok', 'it opens: secrets can be sealed and read');
  else ctx.out.check('fail', `unavailable: ${status.reason}. \`latchkey doctor\` says how to fix it.`);
}

export async function vaultSwitch(ctx: CliContext, values: FlagValues, target: string): Promise<void> {
  if (!(VAULT_KINDS as readonly string[]).includes(target)) throw new UsageError(`latchkey vault switch takes keychain or passphrase (got '${target}').`);
  const { home } = ctx.config(values);
  const running = await verifiedBroker(home, ctx.fetch).then((r) => r, (err: unknown) => {
    if (err instanceof NotRunning) return null;
    throw err;
  });
  if (running) throw new CliError(`Latchkey is running for ${home} (pid ${running.pid}, ${running.url}). Stop it first: the vault is switched with the home closed.`);
  const opened = await openHome({ home, mustExist: true, passphrase: ctx.passphrase });
  try {
    const { resealed } = await switchVault(opened, target as VaultKind, { passphrase: ctx.passphrase });
    ctx.out.line(`Switched ${home} to the ${target} vault; re-sealed ${resealed} secret(s).`);
    ctx.out.line(target === 'passphrase'
      ? 'Start Latchkey in a terminal to type the passphrase, or with LATCHKEY_PASSPHRASE_FILE naming a mode-0600 file that holds it.'
      : 'The master key now lives in the OS keychain; Latchkey starts without a passphrase.');
  } finally {
    opened.close();
  }
}
