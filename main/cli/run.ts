/**
 * The `latchkey` command line (entry: latchkey.ts): find the command in the table
 * (commands.ts), parse its flags, run it, and turn known failures into a sentence and an exit
 * code — 2 for wrong usage, 1 for everything else the user can fix.
 */
import { ConfigError } from '../config.ts';
import { HomeError } from '../home-error.ts';
import { VERSION } from '../version.ts';
import { overview, resolve } from './command-table.ts';
import { COMMANDS, FOOTER } from './commands.ts';
import { cliContext } from './context.ts';
import { CliError, stdOut, type Out } from './output.ts';
import { processInput, type Input } from './prompt.ts';

export const USAGE = overview(COMMANDS, FOOTER);

export interface RunOptions {
  headlessReason?: string | undefined;
  input?: Input;
  env?: NodeJS.ProcessEnv;
  fetch?: typeof fetch;
}

export async function run(argv: string[], out: Out = stdOut, options: RunOptions = {}): Promise<number> {
  const [first] = argv;
  if (first === '--version' || first === '-V' || first === 'version') {
    out.line(`latchkey ${VERSION}`);
    return 0;
  }
  if (first === undefined || first === '--help' || first === '-h' || first === 'help') {
    out.line(USAGE);
    return first === undefined ? 2 : 0;
  }
  try {
    const resolved = resolve(COMMANDS, argv);
    if (resolved.kind === 'help') {
      out.line(resolved.text);
      return 0;
    }
    const ctx = cliContext({ out, input: options.input ?? processInput, env: options.env, headlessReason: options.headlessReason, ...(options.fetch ? { fetch: options.fetch } : {}) });
    const code = await resolved.command.run(ctx, { values: resolved.values, args: resolved.args });
    return typeof code === 'number' ? code : 0;
  } catch (err) {
    return reportFailure(err, out);
  }
}

function reportFailure(err: unknown, out: Out): number {
  if (err instanceof CliError) {
    out.error(err.message);
    return err.exitCode;
  }
  if (err instanceof ConfigError) {
    out.error(err.message);
    return 2;
  }
  if (err instanceof HomeError) {
    out.error(err.message);
    return 1;
  }
  throw err;
}
