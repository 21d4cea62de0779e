/**
 * How the shell recognises the broker's "port taken" failure (S07). Kept in its own file so
 * the controller receives it as a plain function and the shell's logic, and its unit tests,
 * never load the broker (SQLite, Express, the keychain) just to compare an error class.
 */
import { PortInUseError } from '../compose.ts';

/** The port that was taken, or null for any other failure. */
export function portInUse(err: unknown): number | null {
  return err instanceof PortInUseError ? err.port : null;
}
