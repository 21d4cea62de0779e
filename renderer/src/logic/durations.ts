/** The choices the owner has when deciding on a request (design.md §4), shortest first. */
import type { DenyDurationWire, GrantDurationWire } from '../../../main/http/owner-api-types.ts';

/** Keyed by duration, so a duration added to the owner API fails to compile until it has a label here. */
const GRANT_LABELS: Readonly<Record<GrantDurationWire, string>> = {
  once: 'Once', '1h': 'For 1 hour', '8h': 'For 8 hours', '30d': 'For 30 days', forever: 'Until revoked',
};
const DENY_LABELS: Readonly<Record<DenyDurationWire, string>> = {
  once: 'Just this request', '1h': 'Deny for 1 hour', '8h': 'Deny for 8 hours', '30d': 'Deny for 30 days', forever: 'Always deny',
};

const choices = <D extends string>(labels: Readonly<Record<D, string>>): ReadonlyArray<{ value: D; label: string }> =>
  (Object.keys(labels) as D[]).map((value) => ({ value, label: labels[value] }));

export const GRANT_CHOICES = choices(GRANT_LABELS);
export const DENY_CHOICES = choices(DENY_LABELS);

export const DEFAULT_GRANT: GrantDurationWire = '1h';
