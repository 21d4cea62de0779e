/**
 * `npm run build` (and `prepack`, so `npm pack`/`npm publish` and installs from git always
 * ship a fresh build): compiles main/ (and whatever it imports) and preload/ to dist/ with
 * tsc, then builds the window's UI into renderer/dist when it is missing or stale. The
 * compiled output is cleaned first so a deleted source never lingers in a tarball;
 * dist/installers (electron-builder's output) is left alone.
 */
import { spawnSync } from 'node:child_process';
import { readdirSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ensureUi } from '../main/cli/ensure-ui.ts';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const dist = join(root, 'dist');

let entries: string[] = [];
try { entries = readdirSync(dist); } catch { /* no dist yet */ }
for (const entry of entries.filter((e) => e !== 'installers')) rmSync(join(dist, entry), { recursive: true, force: true });

const tsc = createRequire(import.meta.url).resolve('typescript/bin/tsc');
const compiled = spawnSync(process.execPath, [tsc, '-p', join(root, 'tsconfig.build.json')], { cwd: root, stdio: 'inherit' });
if (compiled.status !== 0) process.exit(compiled.status ?? 1);

try {
  ensureUi(root, (line) => console.log(line));
} catch (error) {
  console.error(error instanceof Error ? error.message : String(error));
  process.exit(1);
}
