/**
 * The words of a decision, shared by every place a human decides on a request: the
 * window's Pending card (renderer/src/pages/pending-card.tsx) and the browser's /start
 * page (main/http/flow-pages.ts). Pure data (a type import only), so the renderer can bundle it.
 */
import type { GrantDuration } from './model.ts';

export type DecisionDuration = GrantDuration;

export interface DecisionChoice { value: DecisionDuration; label: string }

/** Keyed by duration, so a duration added to the model fails to compile until it has a label here. */
const GRANT_LABELS: Readonly<Record<DecisionDuration, string>> = {
  once: 'Once', '1h': 'For 1 hour', '8h': 'For 8 hours', '30d': 'For 30 days', forever: 'Until revoked',
};
const DENY_LABELS: Readonly<Record<DecisionDuration, string>> = {
  once: 'Just this request', '1h': 'Deny for 1 hour', '8h': 'Deny for 8 hours', '30d': 'Deny for 30 days', forever: 'Always deny',
};

const choices = (labels: Readonly<Record<DecisionDuration, string>>): readonly DecisionChoice[] =>
  (Object.keys(labels) as DecisionDuration[]).map((value) => ({ value, label: labels[value] }));

/** "Allow" select: how long an approval lasts (design.md §4), shortest first. */
export const GRANT_CHOICES: readonly DecisionChoice[] = choices(GRANT_LABELS);

/** "Remember" select next to Deny: how long identical requests are denied without asking. */
export const DENY_CHOICES: readonly DecisionChoice[] = choices(DENY_LABELS);

export const DEFAULT_GRANT: DecisionDuration = '1h';
export const DEFAULT_DENY: DecisionDuration = 'once';

export const DECISION_WORDS = {
  allowLabel: 'Allow',
  rememberLabel: 'Remember',
  approve: 'Approve',
  /** The approve button when the provider's consent page comes next. */
  approveWithConsent: 'Approve and open consent',
  deny: 'Deny',
  consentNeeded: 'Provider consent needed',
  alreadyConnected: 'Already connected',
  scopesHeading: 'Scopes',
  newScope: 'new',
  noDescription: 'No description in the provider template',
} as const;
