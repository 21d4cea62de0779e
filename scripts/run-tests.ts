/**
 * `npm test`: the whole suite on Node's test runner. On Linux the run happens inside a
 * throwaway D-Bus session with an unlocked gnome-keyring (scripts/with-test-keyring.sh),
 * so tests exercise a real Secret Service and never touch the developer's own keychain.
 * Pass file globs to run a subset: `npm test -- test/unit`.
 */
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ensureUi } from '../main/cli/ensure-ui.ts';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const args = process.argv.slice(2);
const globs = args.length > 0 ? args.map((a) => (a.endsWith('.ts') ? a : `${a.replace(/\/$/, '')}/**/*.test.ts`)) : ['test/**/*.test.ts'];
const testCommand = [process.execPath, '--test', '--test-concurrency=1', '--test-timeout=180000', ...globs];

const haveKeyring = (cmd: string): boolean => spawnSync('sh', ['-c', `command -v ${cmd}`]).status === 0;
let command = testCommand;
if (process.platform === 'linux' && !process.env.LATCHKEY_TEST_KEYRING) {
  if (!haveKeyring('dbus-run-session') || !haveKeyring('gnome-keyring-daemon')) {
    console.error('npm test needs a Secret Service for the keychain tests: apt-get install -y --no-install-recommends dbus gnome-keyring (see README).');
    process.exit(2);
  }
  command = [join(root, 'scripts', 'with-test-keyring.sh'), ...testCommand];
}
if (!existsSync(join(root, 'node_modules'))) {
  console.error('Run `npm install` first.');
  process.exit(2);
}
// The window's tests (and the broker's `/`) serve renderer/dist: build it if missing or stale.
try {
  ensureUi(root);
} catch (error) {
  console.error(error instanceof Error ? error.message : String(error));
  process.exit(2);
}
const result = spawnSync(command[0] ?? '', command.slice(1), { stdio: 'inherit', cwd: root, env: { ...process.env, LATCHKEY_TEST_KEYRING: '1' } });
process.exit(result.status ?? 1);
