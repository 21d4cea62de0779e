/**
 * `npm start`: the desktop tray app where Electron can run, otherwise the same broker
 * headless in this terminal, saying why in one line.
 */
import { spawn } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ensureUi } from './ensure-ui.ts';
import { checkDesktop } from './desktop-check.ts';
import module from 'node:module';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
// Build the window's UI on first start (or after a change); Latchkey still starts if it cannot.
try { ensureUi(root); } catch (error) { console.error(error instanceof Error ? error.message : String(error)); }
const args = process.argv.slice(2);
const check = checkDesktop({ root, headlessFlag: args.includes('--headless') });

if (check.ok) {
  const child = spawn(check.electronPath, [check.shellEntry, ...args], { stdio: 'inherit' });
  child.on('exit', (code) => { process.exitCode = code ?? 1; });
} else {
  module.enableCompileCache?.();
  const { run } = await import('./run.ts');
  process.exitCode = await run(['serve', ...args.filter((a) => a !== '--headless'), '--headless'], undefined, { headlessReason: check.reason });
}
