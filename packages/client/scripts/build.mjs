/* global process */
// Builds dist/esm and dist/cjs with tsc (no bundler), each with its .d.ts files and a
// package.json marking the module format, so Node, TypeScript (node16 and bundler
// resolution) and bundlers read each half the right way.
import { spawnSync } from 'node:child_process';
import { mkdirSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const tsc = createRequire(join(root, 'package.json')).resolve('typescript/bin/tsc');

rmSync(join(root, 'dist'), { recursive: true, force: true });
for (const [config, dir, type] of [['tsconfig.json', 'esm', 'module'], ['tsconfig.cjs.json', 'cjs', 'commonjs']]) {
  const r = spawnSync(process.execPath, [tsc, '-p', join(root, config)], { cwd: root, stdio: 'inherit' });
  if (r.status !== 0) process.exit(r.status ?? 1);
  mkdirSync(join(root, 'dist', dir), { recursive: true });
  writeFileSync(join(root, 'dist', dir, 'package.json'), `${JSON.stringify({ type })}\n`);
  // tsc rewrites `./x.ts` to `./x.js` in JavaScript but not in declarations; consumers'
  // TypeScript (any version, any resolution) expects the .js specifier there too.
  for (const file of readdirSync(join(root, 'dist', dir)).filter((f) => f.endsWith('.d.ts'))) {
    const path = join(root, 'dist', dir, file);
    writeFileSync(path, readFileSync(path, 'utf8').replace(/(from\s+['"]\.{1,2}\/[^'"]+)\.ts(['"])/g, '$1.js$2'));
  }
}
