/**
 * The layer rules in eslint.config.js, checked with deliberate violations (issue 13 §4):
 * each snippet is linted as if it lived at the given path, and must be refused there.
 * A rule that silently stops matching (a pattern that only covers one directory level,
 * say) fails here instead of letting an outer layer leak into core.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { ESLint } from 'eslint';

const root = fileURLToPath(new URL('../../..', import.meta.url));
const eslint = new ESLint({ cwd: root });

async function restrictedImports(path: string, code: string): Promise<string[]> {
  const [result] = await eslint.lintText(code, { filePath: `${root}${path}` });
  return (result?.messages ?? []).filter((m) => m.ruleId === 'no-restricted-imports').map((m) => m.message);
}

const violations: Array<[where: string, code: string]> = [
  ['main/core/mcp/x.ts', "import { openSqliteStore } from '../../adapters/sqlite/sqlite-store.ts';\nexport const a = openSqliteStore;\n"],
  ['main/core/x.ts', "import { openSqliteStore } from '../adapters/sqlite/sqlite-store.ts';\nexport const a = openSqliteStore;\n"],
  ['main/core/templates/x.ts', "import { readFileSync } from 'node:fs';\nexport const a = readFileSync;\n"],
  ['main/core/x.ts', "import { createServer } from 'node:http';\nexport const a = createServer;\n"],
  ['main/core/x.ts', "import { connect } from 'net';\nexport const a = connect;\n"],
  ['main/core/x.ts', "import { spawn } from 'node:child_process';\nexport const a = spawn;\n"],
  ['main/core/x.ts', "import express from 'express';\nexport const a = express;\n"],
  ['main/core/mcp/x.ts', "import { createApp } from '../../http/app.ts';\nexport const a = createApp;\n"],
  ['main/core/x.ts', "import { createBroker } from '../compose.ts';\nexport const a = createBroker;\n"],
  ['main/http/owner-api/x.ts', "import { openSqliteStore } from '../../adapters/sqlite/sqlite-store.ts';\nexport const a = openSqliteStore;\n"],
  ['main/http/x.ts', "import { Entry } from '@napi-rs/keyring';\nexport const a = Entry;\n"],
  ['main/http/x.ts', "import { main } from '../shell/main.ts';\nexport const a = main;\n"],
  ['main/http/x.ts', "import { run } from '../cli/run.ts';\nexport const a = run;\n"],
  ['main/adapters/sqlite/x.ts', "import { createApp } from '../../http/app.ts';\nexport const a = createApp;\n"],
  ['main/cli/x.ts', "import { app } from 'electron';\nexport const a = app;\n"],
  ['renderer/src/x.ts', "import { app } from 'electron';\nexport const a = app;\n"],
];

describe('layer boundaries are enforced by the linter', () => {
  for (const [where, code] of violations) {
    const what = code.split('\n')[0];
    it(`refuses in ${where}: ${what}`, async () => {
      const messages = await restrictedImports(where, code);
      assert.ok(messages.length > 0, `expected a no-restricted-imports error for ${where}`);
    });
  }

  it('allows what the layers are meant to use', async () => {
    assert.deepEqual(await restrictedImports('main/core/x.ts', "import { createHash } from 'node:crypto';\nimport type { Store } from './ports.ts';\nexport const a = createHash;\nexport type S = Store;\n"), []);
    assert.deepEqual(await restrictedImports('main/http/x.ts', "import express from 'express';\nimport { createCore } from '../core/core.ts';\nexport const a = [express, createCore];\n"), []);
    assert.deepEqual(await restrictedImports('main/shell/x.ts', "import { app } from 'electron';\nexport const a = app;\n"), []);
  });
});
