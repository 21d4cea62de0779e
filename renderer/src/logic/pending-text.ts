/**
 * A pending request in the owner's terms: which scopes are new against what the agent
 * already holds, which of them are risky, and whether anyone still waits for the answer.
 */
import type { PendingRequestView } from '../../../main/http/owner-api-types.ts';
import { DECISION_WORDS } from './durations.ts';
import { describeScopes } from './scopes.ts';

export interface RequestedScope {
  scope: string;
  /** The template's words, or a sentence saying it has none (never a bare dash). */
  description: string;
  described: boolean;
  /** Not in what this key/agent/user already holds at the provider. */
  isNew: boolean;
  risky: boolean;
}

/**
 * Scopes that write, administer, delete, or reach a whole account or every repository. A
 * name check first (`write`, `admin`, `delete`, `manage`, GitHub's bare `repo`, `…:all`,
 * `full`), then the template's description ("full control", "all repositories").
 */
const RISKY_NAME = /(^|[^a-z])(write|admin|delete|manage|full|sudo|owner)([^a-z]|$)|^repo$|:all$|^\*$/i;
const RISKY_WORDS = /\b(write|delete|admin(ister|istration)?|full (control|access)|all (repositories|repos|files|data)|modify|manage)\b/i;

export function isRiskyScope(scope: string, description: string | null): boolean {
  return RISKY_NAME.test(scope) || (description !== null && RISKY_WORDS.test(description));
}

export function requestedScopes(item: Pick<PendingRequestView, 'scopes' | 'scope_descriptions' | 'held_scopes'>): RequestedScope[] {
  const held = new Set(item.held_scopes);
  return describeScopes(item.scopes, item.scope_descriptions).map(({ scope, description }) => ({
    scope,
    description: description ?? DECISION_WORDS.noDescription,
    described: description !== null,
    isNew: held.size > 0 && !held.has(scope),
    risky: isRiskyScope(scope, description),
  }));
}

/** True when the template describes none of the scopes: then the list says so once, not per row. */
export function noneDescribed(scopes: readonly RequestedScope[]): boolean {
  return scopes.length > 0 && scopes.every((s) => !s.described);
}

/** One sentence over the list: what is new, or that this agent holds nothing here yet. */
export function scopeSummary(item: Pick<PendingRequestView, 'scopes' | 'held_scopes' | 'provider_name'>): string {
  if (item.held_scopes.length === 0) return `Nothing held at ${item.provider_name} yet: every scope below would be new.`;
  const fresh = item.scopes.filter((s) => !item.held_scopes.includes(s));
  if (fresh.length === 0) return `Already holds all of these at ${item.provider_name}; only your approval is missing.`;
  return `Already holds ${item.held_scopes.join(', ')}. New in this request: ${fresh.join(', ')}.`;
}

/** The toast topic of "sign in to X in the page that opened", withdrawn when the connection is made. */
export function reconnectTopic(providerId: string, userId: string): string {
  return `reconnect:${providerId}:${userId}`;
}

/** The toast topic of "finish on the consent page", withdrawn when consent completes. */
export function consentTopic(authId: string): string {
  return `consent:${authId}`;
}
