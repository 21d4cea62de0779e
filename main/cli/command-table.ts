/**
 * The shape of a command: its name, what it does, its arguments, its flag table and an
 * example. `resolve` finds the command a command line names (with "did you mean" for typos and a
 * clear word for a missing argument); `commandHelp` and `overview` print help from the same data.
 */
import { GLOBAL_FLAGS, parseFlags, type Flag, type FlagTable, type FlagValues } from './flags.ts';
import { UsageError } from './output.ts';
import { didYouMean } from './suggest.ts';

export interface Arg {
  name: string;
  optional?: true;
}

export interface Command<Ctx> {
  name: string;
  summary: string;
  args?: readonly Arg[];
  flags?: FlagTable;
  examples: readonly string[];
  run(ctx: Ctx, input: { values: FlagValues; args: string[] }): Promise<number | void>;
}

export interface CommandGroup<Ctx> {
  name: string;
  summary: string;
  /** The subcommand run when none is named (e.g. `list`). */
  default?: string;
  subcommands: readonly Command<Ctx>[];
}

export type Entry<Ctx> = Command<Ctx> | CommandGroup<Ctx>;

const isGroup = <Ctx>(e: Entry<Ctx>): e is CommandGroup<Ctx> => 'subcommands' in e;

export type Resolved<Ctx> =
  | { kind: 'run'; path: string; command: Command<Ctx>; values: FlagValues; args: string[] }
  | { kind: 'help'; text: string };

export function resolve<Ctx>(table: readonly Entry<Ctx>[], argv: readonly string[]): Resolved<Ctx> {
  const [name, ...rest] = argv;
  const entry = table.find((e) => e.name === name);
  if (!entry) throw new UsageError(`Unknown command '${name}'.${didYouMean(name ?? '', table.map((e) => e.name))} Run \`latchkey --help\` for the list.`);
  let command: Command<Ctx>;
  let path = entry.name;
  let tail = rest;
  if (isGroup(entry)) {
    const [sub, ...after] = rest;
    const named = sub !== undefined && !sub.startsWith('-') ? sub : undefined;
    if (named === undefined && (rest.includes('--help') || rest.includes('-h') || !entry.default)) {
      if (rest.includes('--help') || rest.includes('-h')) return { kind: 'help', text: groupHelp(entry) };
      throw new UsageError(`latchkey ${entry.name} needs a subcommand: ${entry.subcommands.map((s) => s.name).join(', ')}.\n\n${groupHelp(entry)}`);
    }
    const found = entry.subcommands.find((s) => s.name === (named ?? entry.default));
    if (!found) throw new UsageError(`Unknown ${entry.name} command '${named}'.${didYouMean(named ?? '', entry.subcommands.map((s) => s.name))} Run \`latchkey ${entry.name} --help\`.`);
    command = found;
    path = `${entry.name} ${found.name}`;
    tail = named === undefined ? rest : after;
  } else {
    command = entry;
  }
  if (tail.includes('--help') || tail.includes('-h')) return { kind: 'help', text: commandHelp(path, command) };
  const { values, positionals } = parseFlags(tail, command.flags ?? {}, path);
  const args = command.args ?? [];
  const missing = args.slice(positionals.length).find((a) => !a.optional);
  if (missing) throw new UsageError(`latchkey ${path} needs <${missing.name}>.\nUsage: ${usageLine(path, command)}`);
  if (positionals.length > args.length) throw new UsageError(`Unexpected argument '${positionals[args.length]}' for latchkey ${path}.\nUsage: ${usageLine(path, command)}`);
  return { kind: 'run', path, command, values, args: positionals };
}

function flagName(name: string, f: Flag): string {
  return `${f.short ? `-${f.short}, ` : ''}--${name}${f.type === 'string' ? ` <${f.value ?? 'VALUE'}>` : ''}${f.multiple ? ' …' : ''}`;
}

function usageLine(path: string, c: Command<unknown>): string {
  const args = (c.args ?? []).map((a) => (a.optional ? `[${a.name}]` : `<${a.name}>`)).join(' ');
  return `latchkey ${path}${args ? ` ${args}` : ''} [flags]`;
}

const sentence = (s: string): string => `${s.charAt(0).toUpperCase()}${s.slice(1)}.`;

function columns(rows: readonly (readonly [string, string])[]): string[] {
  const width = Math.max(...rows.map(([a]) => a.length));
  return rows.map(([a, b]) => `  ${a.padEnd(width)}  ${b}`);
}

export function commandHelp(path: string, c: Command<unknown>): string {
  const flags = Object.entries({ ...(c.flags ?? {}), ...GLOBAL_FLAGS }).map(([n, f]) => [flagName(n, f), f.help] as const);
  return [
    `Usage: ${usageLine(path, c)}`, '', sentence(c.summary), '', 'Flags:', ...columns(flags), '',
    c.examples.length > 1 ? 'Examples:' : 'Example:', ...c.examples.map((e) => `  ${e}`),
  ].join('\n');
}

function groupHelp(g: CommandGroup<unknown>): string {
  return [
    `Usage: latchkey ${g.name} <${g.subcommands.map((s) => s.name).join('|')}> [flags]`, '', sentence(g.summary), '',
    'Commands:', ...columns(g.subcommands.map((s) => [`${s.name}${(s.args ?? []).map((a) => ` <${a.name}>`).join('')}`, s.summary])), '',
    `${g.default ? `Without a command: ${g.default}. ` : ''}Run \`latchkey ${g.name} <command> --help\` for its flags and an example.`,
  ].join('\n');
}

export function overview<Ctx>(table: readonly Entry<Ctx>[], footer: string): string {
  return [
    'Usage: latchkey <command> [flags]', '', 'Commands:', ...columns(table.map((e) => [e.name, e.summary])), '',
    'Run `latchkey <command> --help` for its flags and an example; `latchkey --version` for the version.', footer,
  ].join('\n');
}
