/** What every command gets: where to print, where to read secrets, and the home it works on. */
import { loadConfig, type LatchkeyConfig } from '../config.ts';
import type { PassphraseSource } from '../home.ts';
import { bool, str, type FlagValues } from './flags.ts';
import type { Out } from './output.ts';
import type { OwnerClient } from './owner-client.ts';
import { promptPassphrase, readSecret, type Input } from './prompt.ts';

export interface CliContext {
  out: Out;
  input: Input;
  env: NodeJS.ProcessEnv;
  /** Why `serve` runs headless, shown in the banner (e.g. "no display"). */
  headlessReason?: string | undefined;
  fetch: typeof fetch;
  /** Configuration from this command's flags and the environment, parsed once. */
  config(values: FlagValues): LatchkeyConfig;
  /** The running broker for this home, as its owner (verified before first use: S40). */
  owner(values: FlagValues): OwnerClient;
  /** A secret from standard input, prompted for without echo on a terminal. */
  secret(question: string, what: string): Promise<string>;
  /** The passphrase vault's passphrase: LATCHKEY_PASSPHRASE_FILE, else a terminal prompt. */
  passphrase: PassphraseSource;
}

export function cliContext(deps: { out: Out; input: Input; env?: NodeJS.ProcessEnv | undefined; headlessReason?: string | undefined; fetch?: typeof fetch }): CliContext {
  const env = deps.env ?? process.env;
  const fetchImpl = deps.fetch ?? fetch;
  const config = (values: FlagValues): LatchkeyConfig => loadConfig({
    port: str(values, 'port'), home: str(values, 'home'), approval: str(values, 'approval'), logLevel: str(values, 'log-level'),
    headless: values.headless === undefined ? undefined : bool(values, 'headless'),
    allowInsecureEndpoints: values['allow-insecure-endpoints'] === undefined ? undefined : bool(values, 'allow-insecure-endpoints'),
  }, env);
  return {
    out: deps.out, input: deps.input, env, headlessReason: deps.headlessReason, fetch: fetchImpl, config,
    owner: (values) => {
      const home = config(values).home;
      // Loaded on the first call: --help and --version pay nothing for it.
      let client: Promise<OwnerClient> | undefined;
      return {
        call: async <T>(method: Parameters<OwnerClient['call']>[0], path: string, body?: unknown): Promise<T> =>
          (await (client ??= import('./owner-client.ts').then((m) => m.ownerClient(home, fetchImpl)))).call<T>(method, path, body),
      };
    },
    secret: (question, what) => readSecret(deps.input, question, what),
    // home.ts (SQLite, the keychain) loads only when a command opens the home.
    passphrase: async (purpose) => {
      const { PASSPHRASE_FILE_ENV, passphraseFromFile } = await import('../home.ts');
      return env[PASSPHRASE_FILE_ENV] ? passphraseFromFile(env)(purpose) : promptPassphrase(deps.input, purpose);
    },
  };
}
