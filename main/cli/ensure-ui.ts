/**
 * Builds the Latchkey window (renderer/ → renderer/dist) when the build is missing or older
 * than its sources, so `npm start` and `npm test` never serve a stale UI. Cheap when the
 * build is fresh: one walk over renderer/src comparing modification times.
 * Run directly (`node main/cli/ensure-ui.ts`) or call `ensureUi(root)`.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

export interface EnsureUiResult {
  built: boolean;
  reason: string;
}

function newestMtime(path: string): number {
  const stat = statSync(path);
  if (!stat.isDirectory()) return stat.mtimeMs;
  let newest = stat.mtimeMs;
  for (const entry of readdirSync(path)) newest = Math.max(newest, newestMtime(join(path, entry)));
  return newest;
}

/** Why the UI needs a build, or null when renderer/dist is up to date. */
export function staleReason(root: string): string | null {
  const index = join(root, 'renderer', 'dist', 'index.html');
  if (!existsSync(index)) return 'renderer/dist is missing';
  const builtAt = statSync(index).mtimeMs;
  const inputs = ['renderer/src', 'renderer/index.html', 'renderer/vite.config.ts', 'renderer/tsconfig.json'].map((p) => join(root, p)).filter((p) => existsSync(p));
  const changed = inputs.find((p) => newestMtime(p) > builtAt);
  return changed ? `${changed.slice(root.length + 1)} changed since the last build` : null;
}

export function ensureUi(root: string, log: (line: string) => void = (line) => console.error(line)): EnsureUiResult {
  const reason = staleReason(root);
  if (reason === null) return { built: false, reason: 'up to date' };
  const vite = join(root, 'node_modules', 'vite', 'bin', 'vite.js');
  if (!existsSync(vite)) throw new Error(`The Latchkey window needs a build (${reason}) but Vite is not installed: run \`npm install\`, then \`npm run build:ui\`.`);
  log(`Building the Latchkey window (${reason})…`);
  const result = spawnSync(process.execPath, [vite, 'build', 'renderer', '--logLevel', 'warn'], { cwd: root, stdio: ['ignore', 'inherit', 'inherit'] });
  if (result.status !== 0) throw new Error(`Building the Latchkey window failed (exit ${result.status ?? result.signal}); run \`npm run build:ui\` to see why.`);
  return { built: true, reason };
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  try {
    ensureUi(join(dirname(fileURLToPath(import.meta.url)), '..', '..'));
  } catch (error) {
    console.error(error instanceof Error ? error.message : String(error));
    process.exitCode = 1;
  }
}
