/**
 * The built-in provider template catalog (providers.md, design.md §6). The data lives in
 * the catalog-*.ts files; this module is the index the rest of Latchkey reads.
 */
import { DEVELOPER_TEMPLATES } from './catalog-developer.ts';
import { SOCIAL_TEMPLATES } from './catalog-social.ts';
import { WORKSPACE_TEMPLATES } from './catalog-workspace.ts';
import type { ProviderTemplate } from './template.ts';

/** Every template, sorted by display name for pickers. */
export const TEMPLATES: readonly ProviderTemplate[] = [...WORKSPACE_TEMPLATES, ...DEVELOPER_TEMPLATES, ...SOCIAL_TEMPLATES]
  .sort((a, b) => a.name.localeCompare(b.name, 'en'));

const byId = new Map(TEMPLATES.map((t) => [t.id, t]));

export function findTemplate(id: string | null | undefined): ProviderTemplate | undefined {
  return id ? byId.get(id) : undefined;
}
