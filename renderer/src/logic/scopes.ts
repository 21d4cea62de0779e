/**
 * Scopes as the owner reads them: the raw scope next to what the provider's template says
 * it allows. Unknown scopes keep a null description rather than a guess.
 */
export interface DescribedScope {
  scope: string;
  description: string | null;
}

export function describeScopes(scopes: readonly string[], descriptions: Readonly<Record<string, string>>): DescribedScope[] {
  return scopes.map((scope) => {
    const description = Object.hasOwn(descriptions, scope) ? descriptions[scope] : undefined;
    return { scope, description: description && description.trim() ? description : null };
  });
}

/** A lookup table from a template's scope list (GET /templates). */
export function descriptionsFromTemplate(scopes: ReadonlyArray<{ scope: string; description: string }>): Record<string, string> {
  const table: Record<string, string> = Object.create(null) as Record<string, string>;
  for (const { scope, description } of scopes) table[scope] = description;
  return table;
}

/** "repo, read:org" from free text separated by spaces or commas; duplicates dropped, order kept. */
export function parseScopeList(text: string): string[] {
  const seen = new Set<string>();
  for (const piece of text.split(/[\s,]+/)) if (piece) seen.add(piece);
  return [...seen];
}
