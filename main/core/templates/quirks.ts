import type { Provider } from '../model.ts';
import { findTemplate } from './catalog.ts';
import type { ProviderQuirks } from './template.ts';

const NONE: ProviderQuirks = {};

/** The quirks that apply to a provider: its template's, or none for a hand-configured one. */
export function quirksFor(p: Provider): ProviderQuirks {
  return findTemplate(p.templateId)?.quirks ?? NONE;
}
