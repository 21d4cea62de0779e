/**
 * S34: text an agent or SDK sends — identifiers, scopes, labels, provider ids and names — is
 * later printed in terminals, notifications, the tray menu and the window. Control characters
 * (C0, DEL, C1: ANSI escapes, carriage returns that overwrite a line) and bidirectional
 * controls (which reorder what a reader sees) can make `admin:org delete_repo` show as
 * `read:docs`. They have no business in an identifier, so the API refuses them with a 422 that
 * names the field, before anything is stored. Terminal and notification output escapes on its
 * own as well (defence in depth, see main/cli and main/shell).
 */
import { z } from 'zod';

/**
 * C0 and DEL, C1, the Arabic letter mark, LRM/RLM, the line and paragraph separators, the
 * embeddings and overrides U+202A–U+202E and the isolates U+2066–U+2069.
 */
// eslint-disable-next-line no-control-regex -- matching control characters is the point
const UNSAFE = /[\u0000-\u001f\u007f-\u009f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069]/u;

/** The first unsafe character of `s` as `U+XXXX`, or undefined when `s` is plain text. */
export function unsafeCharacter(s: string): string | undefined {
  const m = UNSAFE.exec(s);
  return m ? `U+${m[0].codePointAt(0)!.toString(16).toUpperCase().padStart(4, '0')}` : undefined;
}

export const UNSAFE_TEXT_MESSAGE = 'must not contain control characters or bidirectional overrides';

/** A string of at most `max` characters that is safe to show (S34). */
export function safeText(max: number) {
  return z.string().max(max).superRefine((s, ctx) => {
    const bad = unsafeCharacter(s);
    if (bad !== undefined) ctx.addIssue({ code: 'custom', message: `${UNSAFE_TEXT_MESSAGE} (found ${bad})`, params: { type: 'unsafe_text' } });
  });
}
