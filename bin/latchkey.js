#!/usr/bin/env node
// Launcher for `npx latchkey`: runs the TypeScript CLI on the project's Node 22 (the
// `node` devDependency) whatever Node started this script, because better-sqlite3 13
// and type stripping need Node >= 22.12.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const bundled = join(root, 'node_modules', '.bin', process.platform === 'win32' ? 'node.cmd' : 'node');
const [major, minor] = process.versions.node.split('.').map(Number);
const nodeOk = major > 22 || (major === 22 && minor >= 18);
const node = nodeOk ? process.execPath : existsSync(bundled) ? bundled : null;
if (!node) {
  console.error(`Latchkey needs Node >= 22.18 (this is ${process.version}). Run \`npm install\` in ${root} to get it.`);
  process.exit(1);
}
const result = spawnSync(node, [join(root, 'main', 'cli', 'latchkey.ts'), ...process.argv.slice(2)], { stdio: 'inherit' });
process.exit(result.status ?? 1);
