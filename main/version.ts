/** Latchkey's version, from package.json (read once). */
import { existsSync, readFileSync } from 'node:fs';

// From main/version.ts (sources) package.json is one level up; from dist/main/version.js
// (the build, and app.asar) it is two.
const file = ['../package.json', '../../package.json'].map((p) => new URL(p, import.meta.url)).find((u) => existsSync(u));
if (!file) throw new Error('Latchkey cannot find its package.json next to its code.');

export const VERSION: string = (JSON.parse(readFileSync(file, 'utf8')) as { version: string }).version;
