import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { formatExpiry, formatLogTime, formatTimestamp, isExpired, relativeAge } from '../../../renderer/src/logic/time.ts';

const NOW = Date.parse('2025-06-01T12:00:00Z');
const ago = (ms: number): string => new Date(NOW - ms).toISOString();
const ahead = (ms: number): string => new Date(NOW + ms).toISOString();

describe('relative age', () => {
  test('reads "just now" for the first ten seconds, then seconds, minutes, hours, days', () => {
    assert.equal(relativeAge(ago(0), NOW), 'just now');
    assert.equal(relativeAge(ago(9_999), NOW), 'just now');
    assert.equal(relativeAge(ago(42_000), NOW), '42 s ago');
    assert.equal(relativeAge(ago(5 * 60_000 + 59_000), NOW), '5 min ago');
    assert.equal(relativeAge(ago(3 * 3_600_000), NOW), '3 h ago');
    assert.equal(relativeAge(ago(26 * 3_600_000), NOW), '1 day ago');
    assert.equal(relativeAge(ago(9 * 86_400_000), NOW), '9 days ago');
  });

  test('a time slightly in the future (clock skew) still reads "just now"; garbage reads "unknown"', () => {
    assert.equal(relativeAge(ahead(3_000), NOW), 'just now');
    assert.equal(relativeAge('not a date', NOW), 'unknown');
  });
});

describe('expiry', () => {
  test('null means a grant without end', () => {
    assert.equal(formatExpiry(null, NOW), 'until revoked');
    assert.equal(isExpired(null, NOW), false);
  });

  test('future expiries count down, past ones say how long ago', () => {
    assert.equal(formatExpiry(ahead(45 * 60_000), NOW), 'in 45 min');
    assert.equal(formatExpiry(ahead(7 * 3_600_000 + 1), NOW), 'in 7 h');
    assert.equal(formatExpiry(ahead(30 * 86_400_000), NOW), 'in 30 days');
    assert.equal(formatExpiry(ago(2_000), NOW), 'expired just now');
    assert.equal(formatExpiry(ago(5 * 60_000), NOW), 'expired 5 min ago');
    assert.equal(isExpired(ago(1), NOW), true);
    assert.equal(isExpired(ahead(1), NOW), false);
  });

  test('timestamps are local, zero-padded and sortable', () => {
    const d = new Date(2025, 0, 2, 3, 4, 5);
    assert.equal(formatTimestamp(d.toISOString()), '2025-01-02 03:04:05');
    assert.equal(formatTimestamp('garbage'), 'garbage');
  });

  test('log times always name the day: today, yesterday, a date this year, a date with the year before', () => {
    const now = new Date(2025, 5, 1, 18, 0, 0).getTime();
    assert.equal(formatLogTime(new Date(2025, 5, 1, 9, 5, 7).toISOString(), now), 'Today 09:05:07');
    assert.equal(formatLogTime(new Date(2025, 4, 31, 23, 59, 59).toISOString(), now), 'Yesterday 23:59:59');
    assert.equal(formatLogTime(new Date(2025, 4, 20, 8, 30, 0).toISOString(), now), '20 May 08:30');
    assert.equal(formatLogTime(new Date(2024, 11, 31, 23, 59, 0).toISOString(), now), '31 Dec 2024 23:59');
    assert.equal(formatLogTime('garbage', now), 'garbage');
  });
});
