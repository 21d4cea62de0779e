/**
 * Turns a failed call into words for the owner: what happened and what to do about it.
 * A missing session is its own case: the window switches to the "sign in again" screen.
 */
import { ApiError } from '../api/api-error.ts';

export interface Explained {
  message: string;
  fix: string | null;
  signedOut: boolean;
  /** The broker never answered (stopped, or the port changed). */
  unreachable: boolean;
}

export const SIGN_IN_COMMAND = 'npx latchkey ui';

export function explainError(error: unknown): Explained {
  if (!(error instanceof ApiError)) {
    const message = error instanceof Error ? error.message : String(error);
    return { message: message || 'Something went wrong.', fix: 'Reload the page; if it happens again, check Latchkey\'s log.', signedOut: false, unreachable: false };
  }
  const { status, detail } = error;
  if (status === 0) {
    return { message: 'Latchkey is not answering.', fix: 'Check that Latchkey is still running (npm start in its folder); this window reconnects by itself.', signedOut: false, unreachable: true };
  }
  if (status === 401) return { message: detail, fix: `Run ${SIGN_IN_COMMAND} for a fresh sign-in link.`, signedOut: true, unreachable: false };
  if (status === 403 && /csrf|origin/i.test(detail)) return { message: detail, fix: 'Reload the page and try again.', signedOut: false, unreachable: false };
  if (status === 404) return { message: detail, fix: 'It may have been removed elsewhere; the list has been refreshed.', signedOut: false, unreachable: false };
  if (status === 429) return { message: detail, fix: 'Wait a moment and try again.', signedOut: false, unreachable: false };
  if (status >= 500 && status !== 502 && status !== 503) return { message: detail, fix: 'Details are in Latchkey\'s log.', signedOut: false, unreachable: false };
  return { message: detail, fix: null, signedOut: false, unreachable: false };
}
