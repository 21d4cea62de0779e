/**
 * `latchkey serve` as a child process, the way a user runs it headless: resolves once the
 * banner is printed, with the URL, control secret and owner key it announced.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { readRuntime } from '../../main/runtime-file.ts';

export const CLI = join(process.cwd(), 'main', 'cli', 'latchkey.ts');

export interface ServeProcess {
  child: ChildProcess;
  /** stdout and stderr so far. */
  output(): string;
  url: string;
  control: string;
  /** The broker's own pid (from runtime.json): `child` may be a wrapper such as dbus-run-session. */
  pid: number;
  /** The owner key from the banner's `export LANGSMITH_API_KEY=` line. */
  ownerKey: string;
  exited: Promise<number | null>;
  /** SIGTERM to the broker and wait for the exit code. */
  stop(): Promise<number | null>;
}

/**
 * @param command the program and its leading arguments; by default this Node running the CLI.
 *   Pass e.g. `['dbus-run-session', '--', process.execPath, CLI]` to run it in another session.
 */
export async function startServe(home: string, options: { args?: string[]; env?: NodeJS.ProcessEnv; command?: string[]; timeoutMs?: number } = {}): Promise<ServeProcess> {
  const [program = process.execPath, ...lead] = options.command ?? [process.execPath, CLI];
  const child = spawn(program, [...lead, 'serve', '--port', '0', '--home', home, ...(options.args ?? [])], {
    env: { ...process.env, LATCHKEY_NO_OPEN: '1', DISPLAY: '', WAYLAND_DISPLAY: '', ...options.env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout!.on('data', (d) => { output += String(d); });
  child.stderr!.on('data', (d) => { output += String(d); });
  const exited = new Promise<number | null>((r) => child.on('exit', (code) => r(code)));
  const t0 = Date.now();
  while (!output.includes('Press Ctrl-C to stop.')) {
    if (child.exitCode !== null || child.signalCode !== null) throw new Error(`serve exited early: ${output}`);
    if (Date.now() - t0 > (options.timeoutMs ?? 20_000)) {
      child.kill('SIGKILL');
      throw new Error(`serve printed no banner in time: ${output}`);
    }
    await new Promise((r) => setTimeout(r, 20));
  }
  const runtime = readRuntime(home);
  if (!runtime) throw new Error('serve wrote no runtime.json');
  return {
    child, output: () => output, url: runtime.url, control: runtime.control, pid: runtime.pid,
    ownerKey: /LANGSMITH_API_KEY=(\S+)/.exec(output)?.[1] ?? '',
    exited,
    async stop() {
      if (child.exitCode === null && child.signalCode === null) process.kill(runtime.pid, 'SIGTERM');
      return exited;
    },
  };
}
