/**
 * Terminal output. Everything the CLI prints goes through an Out, which makes untrusted text
 * visible instead of letting it drive the terminal (S34) and colours only where colour is
 * wanted: on a TTY, with NO_COLOR unset (https://no-color.org) and a TERM other than `dumb`.
 */
import { visibleLines } from '../core/visible-text.ts';

export type Style = 'ok' | 'warn' | 'fail' | 'bold' | 'dim';

export interface Out {
  /** One or more lines; control characters other than line feeds are shown escaped. */
  line(text?: string, style?: Style): void;
  error(text: string): void;
  /** A check result: a mark (✓ ! ✗) and text, the mark coloured where colour is on. */
  check(level: 'ok' | 'warn' | 'fail', text: string): void;
}

const SGR: Record<Style, string> = { ok: '32', warn: '33', fail: '31', bold: '1', dim: '2' };
const MARK = { ok: '✓', warn: '!', fail: '✗' } as const;

export function colourWanted(stream: { isTTY?: boolean }, env: NodeJS.ProcessEnv = process.env): boolean {
  return stream.isTTY === true && (env.NO_COLOR ?? '') === '' && env.TERM !== 'dumb';
}

/** An Out over two writers; `colour` decides whether styles become SGR sequences. */
export function createOut(write: (text: string) => void, writeError: (text: string) => void, colour: { out: boolean; err: boolean }): Out {
  // Colour codes are added after escaping, so only our own styles reach the terminal.
  const paint = (on: boolean, text: string, style: Style | undefined): string => (on && style ? `\u001b[${SGR[style]}m${text}\u001b[0m` : text);
  return {
    line: (text = '', style) => { write(`${paint(colour.out, visibleLines(text), style)}\n`); },
    error: (text) => { writeError(`${paint(colour.err, visibleLines(text), undefined)}\n`); },
    check: (level, text) => { write(`${paint(colour.out, MARK[level], level)} ${visibleLines(text)}\n`); },
  };
}

export const stdOut: Out = createOut(
  (t) => process.stdout.write(t),
  (t) => process.stderr.write(t),
  { out: colourWanted(process.stdout), err: colourWanted(process.stderr) },
);

/** Errors the CLI reports in words and exits non-zero with; anything else is a bug. */
export class CliError extends Error {
  readonly exitCode: number;
  constructor(message: string, exitCode = 1) {
    super(message);
    this.exitCode = exitCode;
  }
}

/** Wrong usage (unknown command or flag, missing argument): exit code 2 and a pointer to help. */
export class UsageError extends CliError {
  constructor(message: string) {
    super(message, 2);
  }
}
