/** `latchkey serve` from the command table: reads --vault and hands the passphrase prompt to serve.ts. */
import { VAULT_KINDS, type VaultKind } from '../../home.ts';
import type { CliContext } from '../context.ts';
import { str, type FlagValues } from '../flags.ts';
import { UsageError } from '../output.ts';

export function vaultFlag(values: FlagValues): VaultKind | undefined {
  const v = str(values, 'vault');
  if (v === undefined) return undefined;
  if (!(VAULT_KINDS as readonly string[]).includes(v)) throw new UsageError(`--vault must be keychain or passphrase (got '${v}').`);
  return v as VaultKind;
}

export async function serveCommand(ctx: CliContext, values: FlagValues): Promise<number> {
  const { serve } = await import('./serve.ts');
  await serve({ config: ctx.config(values), out: ctx.out, headlessReason: ctx.headlessReason, vault: vaultFlag(values), passphrase: ctx.passphrase });
  return 0;
}
