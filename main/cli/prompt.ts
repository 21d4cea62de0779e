/**
 * Secrets never have to be typed on the command line (where shell history and `ps` see them):
 * they are read from standard input — typed at a prompt without echo when it is a terminal,
 * or piped (`… --client-secret-stdin < file`).
 */
import { CliError } from './output.ts';

export interface Input {
  isTTY: boolean;
  /** The whole of a piped standard input. */
  readAll(): Promise<string>;
  /** A line typed at the terminal without echo; the question goes to standard error. */
  hidden(question: string): Promise<string>;
}

export const processInput: Input = {
  get isTTY() { return process.stdin.isTTY === true; },
  async readAll() {
    const chunks: Buffer[] = [];
    for await (const chunk of process.stdin) chunks.push(Buffer.from(chunk as Uint8Array));
    return Buffer.concat(chunks).toString('utf8');
  },
  hidden: (question) => new Promise((resolve, reject) => {
    const stdin = process.stdin;
    process.stderr.write(question);
    let typed = '';
    const done = (err?: Error): void => {
      stdin.setRawMode(false);
      stdin.pause();
      stdin.off('data', onData);
      process.stderr.write('\n');
      if (err) reject(err);
      else resolve(typed);
    };
    const onData = (data: Buffer): void => {
      for (const ch of data.toString('utf8')) {
        if (ch === '\r' || ch === '\n') return done();
        if (ch === '\u0003' || ch === '\u0004') return done(new CliError('Cancelled.', 130));
        if (ch === '\u007f' || ch === '\b') typed = typed.slice(0, -1);
        else if (ch >= ' ') typed += ch;
      }
    };
    stdin.setRawMode(true);
    stdin.resume();
    stdin.on('data', onData);
  }),
};

/** Standard input is read once, whichever secret asks first. */
const pipedText = new WeakMap<Input, Promise<string>>();
const piped = (input: Input): Promise<string> => {
  let text = pipedText.get(input);
  if (!text) pipedText.set(input, text = input.readAll());
  return text;
};

/** One secret: prompted for on a terminal, else the first line of standard input. */
export async function readSecret(input: Input, question: string, what: string): Promise<string> {
  const value = input.isTTY ? await input.hidden(question) : ((await piped(input)).split(/\r?\n/)[0] ?? '');
  if (!value.trim()) throw new CliError(`No ${what} was given on standard input.`, 2);
  return value.trim();
}

/** Several lines (e.g. `provider_id=secret` pairs): everything piped in, or typed until an empty line. */
export async function readSecretLines(input: Input, question: string): Promise<string[]> {
  if (!input.isTTY) return (await piped(input)).split(/\r?\n/).map((l) => l.trim()).filter(Boolean);
  const lines: string[] = [];
  for (;;) {
    const line = (await input.hidden(lines.length === 0 ? question : '> ')).trim();
    if (!line) return lines;
    lines.push(line);
  }
}

/** The passphrase vault's passphrase at a terminal; a new one is typed twice. */
export async function promptPassphrase(input: Input, purpose: 'unlock' | 'create'): Promise<string> {
  if (!input.isTTY) throw new CliError('This home uses the passphrase vault: run Latchkey in a terminal to type the passphrase, or name a file holding it with LATCHKEY_PASSPHRASE_FILE=/path/to/file (mode 0600).', 2);
  if (purpose === 'unlock') return input.hidden('Latchkey vault passphrase: ');
  const first = await input.hidden('New Latchkey vault passphrase (at least 8 characters): ');
  if ((await input.hidden('Type it again: ')) !== first) throw new CliError('The two passphrases differ; nothing was changed.', 2);
  return first;
}
