/**
 * Issue 15 §3 "CLI that helps", in-process: --version, per-command --help from the flag table,
 * "did you mean" for commands, subcommands and flags, a clear word for a missing argument or
 * value, colour only where wanted (TTY, NO_COLOR unset), secrets from standard input.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { COMMANDS } from '../../../main/cli/commands.ts';
import { colourWanted } from '../../../main/cli/output.ts';
import type { Input } from '../../../main/cli/prompt.ts';
import { readSecret, readSecretLines } from '../../../main/cli/prompt.ts';
import { run } from '../../../main/cli/run.ts';
import { VERSION } from '../../../main/version.ts';
import { captureOut } from '../../helpers/capture-out.ts';

async function cli(args: string[]) {
  const out = captureOut();
  const code = await run(args, out);
  return { code, out: out.text(), err: out.errors() };
}

const piped = (text: string): Input => ({ isTTY: false, readAll: async () => text, hidden: async () => { throw new Error('not a terminal'); } });

describe('the command line', () => {
  test('--version prints the package version', async () => {
    assert.deepEqual(await cli(['--version']), { code: 0, out: `latchkey ${VERSION}\n`, err: '' });
  });

  test('every command and subcommand has --help with its flags and an example', async () => {
    for (const entry of COMMANDS) {
      const subs = 'subcommands' in entry ? entry.subcommands.map((s) => [entry.name, s.name]) : [[entry.name]];
      for (const path of subs) {
        const r = await cli([...path, '--help']);
        assert.equal(r.code, 0, path.join(' '));
        assert.match(r.out, new RegExp(`^Usage: latchkey ${path.join(' ')}`), path.join(' '));
        assert.match(r.out, /\nFlags:\n(.|\n)*--home <DIR>(.|\n)*\nExamples?:\n {2}\S/, path.join(' '));
      }
    }
    const create = await cli(['keys', 'create', '--help']);
    assert.match(create.out, /--label <NAME> +what the key is for \(required\)/);
    assert.match((await cli(['keys', '--help'])).out, /reissue-owner +a new owner key/);
  });

  test('typos get "did you mean", with exit code 2', async () => {
    assert.deepEqual(await cli(['servee']), { code: 2, out: '', err: "Unknown command 'servee'. Did you mean 'serve'? Run `latchkey --help` for the list.\n" });
    assert.match((await cli(['keys', 'creat', '--label', 'x'])).err, /Unknown keys command 'creat'\. Did you mean 'create'\?/);
    const flag = await cli(['keys', 'create', '--lable', 'x']);
    assert.equal(flag.code, 2);
    assert.match(flag.err, /Unknown flag '--lable' for keys create\. Did you mean '--label'\? See `latchkey keys create --help`\./);
    assert.match((await cli(['doctor', '--ofline'])).err, /Did you mean '--offline'\?/);
    assert.doesNotMatch((await cli(['frobnicate'])).err, /Did you mean/, 'no suggestion when nothing is close');
  });

  test('a missing argument or flag value is named, with the usage line', async () => {
    const missing = await cli(['approvals', 'approve']);
    assert.equal(missing.code, 2);
    assert.equal(missing.err, 'latchkey approvals approve needs <auth_id>.\nUsage: latchkey approvals approve <auth_id> [flags]\n');
    assert.match((await cli(['keys', 'create', '--label'])).err, /^--label needs a value: --label <NAME>\./);
    assert.match((await cli(['grants', 'revoke', 'a', 'b'])).err, /Unexpected argument 'b'/);
    assert.match((await cli(['serve', '--vault', 'plaintext'])).err, /--vault must be keychain or passphrase \(got 'plaintext'\)/);
    assert.match((await cli(['vault'])).out + (await cli(['vault', 'switch'])).err, /needs <keychain\|passphrase>/);
  });

  test('colour only on a terminal, and never with NO_COLOR or TERM=dumb', () => {
    assert.equal(colourWanted({ isTTY: true }, {}), true);
    assert.equal(colourWanted({ isTTY: false }, {}), false);
    assert.equal(colourWanted({ isTTY: true }, { NO_COLOR: '1' }), false);
    assert.equal(colourWanted({ isTTY: true }, { NO_COLOR: '' }), true, 'an empty NO_COLOR does not count (no-color.org)');
    assert.equal(colourWanted({ isTTY: true }, { TERM: 'dumb' }), false);
    const coloured = captureOut(true);
    coloured.check('ok', 'fine');
    assert.equal(coloured.text(), '\u001b[32m✓\u001b[0m fine\n');
    const plain = captureOut(false);
    plain.check('ok', 'fine');
    assert.equal(plain.text(), '✓ fine\n');
  });

  test('secrets come from standard input (never required on the command line)', async () => {
    assert.equal(await readSecret(piped('s3cret\n'), 'Client secret: ', 'client secret'), 's3cret');
    await assert.rejects(readSecret(piped('\n'), 'q', 'client secret'), /No client secret was given on standard input/);
    assert.deepEqual(await readSecretLines(piped('a=1\n\nb=2\n'), 'q'), ['a=1', 'b=2']);
    const typed: Input = { isTTY: true, readAll: async () => '', hidden: async (q) => (q.startsWith('API key') ? 'typed-key' : '') };
    assert.equal(await readSecret(typed, 'API key for x: ', 'API key'), 'typed-key', 'prompted without echo on a terminal');
    assert.match((await cli(['providers', 'add', '--help'])).out, /--client-secret-stdin +read the client secret from standard input/);
    assert.match((await cli(['providers', 'import', '--help'])).out, /--client-secrets-stdin/);
  });
});
