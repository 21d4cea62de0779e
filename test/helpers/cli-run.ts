/** Run the `latchkey` CLI as a child process without blocking this process (servers in the test keep answering). */
import { spawn } from 'node:child_process';
import { CLI } from './serve-process.ts';

export function runCli(args: string[], options: { env?: NodeJS.ProcessEnv; stdin?: string } = {}): Promise<{ code: number | null; out: string; err: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [CLI, ...args], { env: { ...process.env, LATCHKEY_NO_OPEN: '1', DISPLAY: '', WAYLAND_DISPLAY: '', ...options.env }, stdio: ['pipe', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    child.stdout.on('data', (d) => { out += String(d); });
    child.stderr.on('data', (d) => { err += String(d); });
    child.on('close', (code) => resolve({ code, out, err }));
    child.stdin.end(options.stdin ?? '');
  });
}
