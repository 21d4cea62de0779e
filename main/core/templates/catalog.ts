/** The built-in provider template catalog (providers.md). */
import type { ProviderTemplate } from './template.ts';

export const TEMPLATES: readonly ProviderTemplate[] = [];

const byId = new Map(TEMPLATES.map((t) => [t.id, t]));

export function findTemplate(id: string | null | undefined): ProviderTemplate | undefined {
  return id ? byId.get(id) : undefined;
}
