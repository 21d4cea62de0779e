/**
 * The words of a decision, shared by every place a human decides on a request: the
 * window's Pending card (renderer/src/pages/pending-card.tsx) and the browser's /start
 * page (main/http/flow-pages.ts). Pure data with no imports, so the renderer can bundle it.
 */
export type DecisionDuration = 'once' | '1h' | '8h' | '30d' | 'forever';

export interface DecisionChoice { value: DecisionDuration; label: string }

/** "Allow" select: how long an approval lasts (design.md §4). */
export const GRANT_CHOICES: readonly DecisionChoice[] = [
  { value: 'once', label: 'Once' },
  { value: '1h', label: 'For 1 hour' },
  { value: '8h', label: 'For 8 hours' },
  { value: '30d', label: 'For 30 days' },
  { value: 'forever', label: 'Until revoked' },
];

/** "Remember" select next to Deny: how long identical requests are denied without asking. */
export const DENY_CHOICES: readonly DecisionChoice[] = [
  { value: 'once', label: 'Just this request' },
  { value: '1h', label: 'Deny for 1 hour' },
  { value: '8h', label: 'Deny for 8 hours' },
  { value: '30d', label: 'Deny for 30 days' },
  { value: 'forever', label: 'Always deny' },
];

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

export function isDecisionDuration(v: unknown): v is DecisionDuration {
  return typeof v === 'string' && GRANT_CHOICES.some((c) => c.value === v);
}
