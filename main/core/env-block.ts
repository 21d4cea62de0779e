/**
 * The two lines an agent needs (`latchkey env`, the banner, the window's and tray's "copy env
 * block"). When the owner key cannot be shown, the key line is a shell comment naming the command
 * that fixes it — pasted into a shell it sets nothing, rather than a placeholder key.
 */
import type { OwnerKeyProblem } from './keys.ts';

export const OWNER_KEY_HINT: Record<OwnerKeyProblem, string> = {
  vault_unavailable: 'no owner key yet: the keychain is unavailable, so none was made (it could not be stored). `npx latchkey doctor` says how to fix it',
  not_sealed: 'the owner key was never stored (it was made without a keychain). Issue a new one with `npx latchkey keys reissue-owner`',
  not_made: 'no owner key yet: start Latchkey (`npx latchkey serve`) with a working keychain or the passphrase vault and it makes one',
};

export function envBlock(url: string, owner: { key: string | null; problem: OwnerKeyProblem | null }): string {
  return [
    `export LANGSMITH_API_URL=${url}`,
    owner.key !== null ? `export LANGSMITH_API_KEY=${owner.key}` : `# LANGSMITH_API_KEY: ${OWNER_KEY_HINT[owner.problem ?? 'not_sealed']}`,
  ].join('\n');
}
