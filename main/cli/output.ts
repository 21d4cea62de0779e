/** Terminal output helpers: plain words, no colours when not a TTY. */
export interface Out {
  line(text?: string): void;
  error(text: string): void;
}

export const stdOut: Out = {
  line: (text = '') => process.stdout.write(`${text}\n`),
  error: (text) => process.stderr.write(`${text}\n`),
};

/** Errors the CLI reports in words and exits non-zero with; anything else is a bug. */
export class CliError extends Error {
  readonly exitCode: number;
  constructor(message: string, exitCode = 1) {
    super(message);
    this.exitCode = exitCode;
  }
}
