/** The choices the owner has when deciding on a request (design.md §4). */
import type { DenyDurationWire, GrantDurationWire } from '../../../main/http/owner-api-types.ts';

export const GRANT_CHOICES: ReadonlyArray<{ value: GrantDurationWire; label: string }> = [
  { value: 'once', label: 'Once' },
  { value: '1h', label: 'For 1 hour' },
  { value: '8h', label: 'For 8 hours' },
  { value: '30d', label: 'For 30 days' },
  { value: 'forever', label: 'Until revoked' },
];

export const DENY_CHOICES: ReadonlyArray<{ value: DenyDurationWire; label: string }> = [
  { value: 'once', label: 'Just this request' },
  { value: '1h', label: 'Deny for 1 hour' },
  { value: '8h', label: 'Deny for 8 hours' },
  { value: '30d', label: 'Deny for 30 days' },
  { value: 'forever', label: 'Always deny' },
];

export const DEFAULT_GRANT: GrantDurationWire = '1h';
