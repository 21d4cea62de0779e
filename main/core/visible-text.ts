/**
 * Untrusted text made safe to show (S34). Agents choose scopes, agent and user ids, labels and
 * provider names; a terminal or a notification must show exactly those characters, never obey
 * them. C0 and C1 control characters (ANSI escapes start with ESC or CSI), DEL, and the Unicode
 * bidirectional overrides and isolates (which can reorder `admin:org` into something else), and
 * the line and paragraph separators — the set the API refuses (main/contract/untrusted-text.ts) — are
 * replaced by a visible `\uXXXX`. The same spelling is a valid JSON escape, so `--json`
 * output passed through it still parses to the original string.
 */
// Matching control characters is the point here.
// eslint-disable-next-line no-control-regex
const UNSAFE = /[\u0000-\u001f\u007f-\u009f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069]/g;
/** The same set without line feed: for whole lines of our own text that may hold several lines. */
// eslint-disable-next-line no-control-regex
const UNSAFE_KEEP_NEWLINE = /[\u0000-\u0009\u000b-\u001f\u007f-\u009f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069]/g;

const escape = (c: string): string => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`;

/** One value (a table cell, a label, a scope): every control character becomes visible, line feeds too. */
export function visibleText(text: string): string {
  return text.replace(UNSAFE, escape);
}

/** Text that may span lines: line feeds stay, every other control character becomes visible. */
export function visibleLines(text: string): string {
  return text.replace(UNSAFE_KEEP_NEWLINE, escape);
}
