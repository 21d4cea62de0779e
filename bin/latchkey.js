#!/usr/bin/env node
// The `latchkey` command. It runs the CLI in this very process — no child, so the pid a
// user or a supervisor started is the broker, and SIGTERM/SIGINT/SIGHUP reach it — after
// one check that this Node can run it. Plain JavaScript that even an old Node parses, so the
// refusal is one line and not a stack trace.
//
// What it runs: the compiled CLI (dist/, what the npm package ships); in a checkout whose
// Node strips types, the sources directly, so an edit needs no build.
import { existsSync } from 'node:fs';
import { URL } from 'node:url';

const MIN = [22, 12];
const [major = 0, minor = 0] = process.versions.node.split('.').map(Number);
if (major < MIN[0] || (major === MIN[0] && minor < MIN[1])) {
  console.error(`Latchkey needs Node.js ${MIN.join('.')} or newer; this is Node.js ${process.versions.node} (${process.execPath}). Install a current Node.js from https://nodejs.org and run latchkey again.`);
  process.exit(1);
}

const source = new URL('../main/cli/latchkey.ts', import.meta.url);
const compiled = new URL('../dist/main/cli/latchkey.js', import.meta.url);
const entry = existsSync(source) && process.features.typescript ? source : existsSync(compiled) ? compiled : null;
if (!entry) {
  console.error('Latchkey is not built: run `npm run build` in its checkout (this Node.js does not run TypeScript sources).');
  process.exit(1);
}
await import(entry.href);
