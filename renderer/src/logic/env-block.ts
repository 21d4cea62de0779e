/**
 * The "connect an agent" block holds the owner key itself. On screen it is masked (its
 * first characters stay, to recognise it) until the owner presses Reveal; Copy always
 * copies the real block.
 */
const SECRET_LINE = /^(\s*(?:export\s+)?(?:LANGSMITH_API_KEY|LATCHKEY_API_KEY|[A-Z_]*API_KEY)\s*=\s*)(["']?)([^"'\s]+)(["']?)\s*$/;
const KEEP = 8;

export function maskSecret(secret: string): string {
  if (secret.length <= KEEP) return '•'.repeat(secret.length);
  return `${secret.slice(0, KEEP)}${'•'.repeat(Math.min(12, secret.length - KEEP))}`;
}

export function maskEnvBlock(block: string): string {
  return block.split('\n').map((line) => {
    const m = SECRET_LINE.exec(line);
    return m ? `${m[1] ?? ''}${m[2] ?? ''}${maskSecret(m[3] ?? '')}${m[4] ?? ''}` : line;
  }).join('\n');
}

export function hasSecret(block: string): boolean {
  return block.split('\n').some((line) => SECRET_LINE.test(line));
}
