/**
 * Each command declares its flags once, in a small table: the same table parses the command
 * line, prints `--help`, and suggests the nearest flag for a typo.
 */
import { parseArgs } from 'node:util';
import { UsageError } from './output.ts';
import { didYouMean } from './suggest.ts';

export interface Flag {
  type: 'string' | 'boolean';
  /** Shown in help: `--label <NAME>`. */
  value?: string;
  help: string;
  multiple?: true;
  short?: string;
}

export type FlagTable = Readonly<Record<string, Flag>>;

export type FlagValues = Record<string, string | boolean | string[] | undefined>;

/** Flags every command takes. */
export const GLOBAL_FLAGS: FlagTable = {
  home: { type: 'string', value: 'DIR', help: 'Latchkey home (default: LATCHKEY_HOME or the per-user config directory)' },
  help: { type: 'boolean', short: 'h', help: 'show this help' },
};

/**
 * Parse `args` against `table` (plus the global flags). Unknown flags, missing values and values
 * given to switches are usage errors that name the flag and the nearest known one.
 */
export function parseFlags(args: readonly string[], table: FlagTable, where: string): { values: FlagValues; positionals: string[] } {
  const all: FlagTable = { ...GLOBAL_FLAGS, ...table };
  const options = Object.fromEntries(Object.entries(all).map(([name, f]) => [name, { type: f.type, ...(f.multiple ? { multiple: true } : {}), ...(f.short ? { short: f.short } : {}) }]));
  const { values, positionals, tokens } = parseArgs({ args: [...args], options, allowPositionals: true, strict: false, tokens: true });
  for (const t of tokens) {
    if (t.kind !== 'option') continue;
    const spec = all[t.name];
    if (!spec) throw new UsageError(`Unknown flag '${t.rawName}' for ${where}.${didYouMean(t.name, Object.keys(all)).replace(/'(\S+)'\?$/, "'--$1'?")} See \`latchkey ${where} --help\`.`);
    if (spec.type === 'string' && t.value === undefined) throw new UsageError(`${t.rawName} needs a value: ${t.rawName} <${spec.value ?? 'VALUE'}>.`);
    if (spec.type === 'boolean' && t.inlineValue) throw new UsageError(`${t.rawName} is a switch and takes no value.`);
  }
  return { values: values as FlagValues, positionals };
}

export const str = (v: FlagValues, name: string): string | undefined => (typeof v[name] === 'string' ? v[name] : undefined);
export const bool = (v: FlagValues, name: string): boolean => v[name] === true;
export const list = (v: FlagValues, name: string): string[] => (Array.isArray(v[name]) ? v[name] : []);
