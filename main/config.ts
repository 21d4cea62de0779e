/**
 * Configuration, parsed once from flags and environment with every problem reported at
 * once. Defaults are documented where they are defined. The bind host is not
 * configurable: Latchkey listens on 127.0.0.1 only (S07).
 */
import { homedir } from 'node:os';
import { join } from 'node:path';
import { z } from 'zod';

/**
 * Default port: outside the ranges dev servers crowd (3000–3999, 4200, 5000–5999,
 * 8000–8999, 9000–9999) and below Linux's ephemeral range (32768+), so outgoing
 * connections never squat it. Redirect URIs registered with providers include it.
 */
export const DEFAULT_PORT = 24817;

export function defaultHome(env: NodeJS.ProcessEnv = process.env, platform: NodeJS.Platform = process.platform): string {
  if (platform === 'darwin') return join(homedir(), 'Library', 'Application Support', 'Latchkey');
  if (platform === 'win32') return join(env.APPDATA ?? join(homedir(), 'AppData', 'Roaming'), 'Latchkey');
  return join(env.XDG_CONFIG_HOME ?? join(homedir(), '.config'), 'latchkey');
}

const schema = z.object({
  port: z.coerce.number().int('port must be a whole number').min(0).max(65535, 'port must be at most 65535'),
  home: z.string().min(1, 'home must not be empty'),
  approval: z.enum(['ask', 'auto-owner']).optional(),
  logLevel: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']),
  headless: z.boolean(),
  allowInsecureEndpoints: z.boolean(),
});

export type LatchkeyConfig = z.infer<typeof schema>;

export interface ConfigInput {
  port?: string | number | undefined;
  home?: string | undefined;
  approval?: string | undefined;
  logLevel?: string | undefined;
  headless?: boolean | undefined;
  allowInsecureEndpoints?: boolean | undefined;
}

export class ConfigError extends Error {
  readonly problems: string[];
  constructor(problems: string[]) {
    super(`Latchkey configuration is invalid:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    this.problems = problems;
  }
}

/** Flags win over environment (LATCHKEY_PORT, LATCHKEY_HOME, LATCHKEY_APPROVAL, LATCHKEY_LOG_LEVEL, LATCHKEY_HEADLESS). */
export function loadConfig(flags: ConfigInput, env: NodeJS.ProcessEnv = process.env): LatchkeyConfig {
  const result = schema.safeParse({
    port: flags.port ?? env.LATCHKEY_PORT ?? DEFAULT_PORT,
    home: flags.home ?? env.LATCHKEY_HOME ?? defaultHome(env),
    approval: flags.approval ?? env.LATCHKEY_APPROVAL,
    logLevel: flags.logLevel ?? env.LATCHKEY_LOG_LEVEL ?? 'info',
    headless: flags.headless ?? env.LATCHKEY_HEADLESS === '1',
    allowInsecureEndpoints: flags.allowInsecureEndpoints ?? env.LATCHKEY_ALLOW_INSECURE_ENDPOINTS === '1',
  });
  if (!result.success) throw new ConfigError(result.error.issues.map((i) => `${i.path.join('.') || 'config'}: ${i.message}`));
  return result.data;
}
