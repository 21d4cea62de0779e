/**
 * `latchkey serve`: run the broker headless in this terminal until Ctrl-C, SIGTERM or
 * SIGHUP — what a terminal closing, `kill <pid>`, systemd or launchd send. Each stops it
 * gracefully (S30: open waits answered, SQLite closed, the port released) and the command
 * exits 0. Exit codes: 2 bad input or a taken port, 3 another broker holds this home.
 */
import { createLogger } from '../../adapters/logger.ts';
import { AlreadyRunningError, PortInUseError, createBroker, type Broker } from '../../compose.ts';
import { openHomeLog } from '../../home-files.ts';
import type { LatchkeyConfig } from '../../config.ts';
import type { PassphraseSource, VaultKind } from '../../home.ts';
import { keychainFixes } from '../vault-advice.ts';
import { CliError, type Out } from '../output.ts';

export interface ServeOptions {
  config: LatchkeyConfig;
  /** Why we run headless, shown in the banner (e.g. "no display"). */
  headlessReason?: string | undefined;
  out: Out;
  /** `--vault`; by default the one the home remembers. */
  vault?: VaultKind | undefined;
  passphrase?: PassphraseSource | undefined;
}

export function banner(b: Broker, logFile: string, headlessReason?: string): string[] {
  const lines = [
    `Latchkey is running${headlessReason ? ` headless (${headlessReason})` : ''}.`,
    `  Broker:    ${b.url}   (listening on 127.0.0.1 only)`,
    `  Home:      ${b.home}`,
    b.vaultKind === 'passphrase'
      ? `  Vault:     ${b.keychain.backend} — secrets are sealed with a key derived from your passphrase`
      : `  Keychain:  ${b.keychain.ok ? `${b.keychain.backend} — secrets are sealed` : `UNAVAILABLE (${b.keychain.backend}): ${b.keychain.reason}`}`,
    `  Approval:  ${b.core.policy.get().mode}${b.core.policy.get().mode === 'auto-owner' ? ' (the owner key skips approval questions)' : ' (you approve each new agent request)'}`,
    `  Log:       ${logFile}`,
    '',
    `Sign in to the Latchkey page (one-time link, valid 10 minutes):`,
    `  ${b.loginUrl()}`,
    '',
    'Point the Agent Auth SDK at Latchkey:',
    ...b.envBlock().split('\n').map((l) => `  ${l}`),
  ];
  if (!b.keychain.ok) lines.push('', 'Latchkey will not store any token, nor make an owner key, until a keychain is available (it never falls back to plaintext).', ...keychainFixes());
  lines.push('', 'Press Ctrl-C to stop.');
  return lines;
}

export async function serve(options: ServeOptions): Promise<void> {
  const { config, out } = options;
  const { file: logFile, destination } = openHomeLog(config.home, { sync: false });
  const logger = createLogger({ level: config.logLevel, destination });
  let broker: Broker;
  try {
    broker = await createBroker({ port: config.port, home: config.home, approval: config.approval, allowInsecureEndpoints: config.allowInsecureEndpoints, logger, vault: options.vault, passphrase: options.passphrase });
  } catch (err) {
    if (err instanceof PortInUseError) throw new CliError(err.message, 2);
    if (err instanceof AlreadyRunningError) throw new CliError(err.message, 3);
    throw err;
  }
  for (const l of banner(broker, logFile, options.headlessReason)) out.line(l);

  await new Promise<void>((resolve) => {
    let stopping = false;
    const stop = (signal: string): void => {
      if (stopping) return;
      stopping = true;
      out.line(`\n${signal} received: answering open waits and closing…`);
      const force = setTimeout(() => { out.error('Shutdown took longer than 5 s; exiting.'); process.exit(1); }, 5_000);
      force.unref();
      void broker.close().then(() => {
        logger.flush();
        out.line('Latchkey stopped.');
        resolve();
      });
    };
    for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) process.on(signal, () => stop(signal));
  });
}
