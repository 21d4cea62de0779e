import type { Tone } from '../logic/connection-status.ts';

export function StatusBadge({ tone, children, title }: { tone: Tone; children: string; title?: string }) {
  return <span className={`badge ${tone}`} title={title}>{children}</span>;
}
