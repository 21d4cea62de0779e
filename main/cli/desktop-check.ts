/**
 * Can the Electron desktop app run here? `npm start` asks this before choosing between the
 * tray app and the headless broker. Answers with the reason in words when it cannot.
 */
import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { hasDisplay } from './open-url.ts';

export type DesktopCheck = { ok: true; electronPath: string; shellEntry: string } | { ok: false; reason: string };

export function checkDesktop(options: { root: string; env?: NodeJS.ProcessEnv; platform?: NodeJS.Platform; headlessFlag?: boolean }): DesktopCheck {
  const env = options.env ?? process.env;
  if (options.headlessFlag || env.LATCHKEY_HEADLESS === '1') return { ok: false, reason: '--headless requested' };
  if (!hasDisplay(env, options.platform ?? process.platform)) return { ok: false, reason: 'no display: DISPLAY and WAYLAND_DISPLAY are unset' };
  let electronDir: string;
  try {
    electronDir = dirname(createRequire(join(options.root, 'package.json')).resolve('electron/package.json'));
  } catch {
    return { ok: false, reason: 'the electron package is not installed' };
  }
  // Read electron's path.txt ourselves: requiring 'electron' would start a download.
  const pathFile = join(electronDir, 'path.txt');
  const binary = existsSync(pathFile) ? join(electronDir, 'dist', readFileSync(pathFile, 'utf8').trim()) : null;
  if (!binary || !existsSync(binary)) {
    return { ok: false, reason: 'the Electron binary is not available (it downloads on first use; run `npx install-electron` where its download host is reachable)' };
  }
  const shellEntry = join(options.root, 'dist', 'main', 'shell', 'main.js');
  if (!existsSync(shellEntry)) return { ok: false, reason: 'the desktop shell is not built (run `npm run build`)' };
  return { ok: true, electronPath: binary, shellEntry };
}
