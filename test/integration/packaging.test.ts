/**
 * Offline packaging check (toolchain.md): compile main/ and preload/ to dist/, run
 * `electron-builder --dir` with a stub Electron (a file carrying a real fuse wire, so the
 * fuse flipping runs too), then open the resulting app.asar with @electron/asar and check
 * what a user would install: the compiled broker and shell, the preload, icons, production
 * dependencies with their native binaries unpacked, and nothing else — no sources, tests,
 * dev dependencies or secrets. Finally the packaged broker is started from the extracted
 * archive, which proves its imports and native modules resolve.
 *
 * Real installers (dmg, nsis, AppImage, deb) need Electron and tools from the network:
 * `npm run dist` on a machine that has it.
 */
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join, posix } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { extractAll, extractFile, listPackage, statFile } from '@electron/asar';
import { alive, processTree } from '../helpers/process-tree.ts';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const require = createRequire(import.meta.url);

/** @electron/fuses' marker; the two bytes after it are the wire version (1) and length. */
const FUSE_SENTINEL = 'dL7pKGdnNz796PbbjQWNKmHXBZaB9tsX';
/** Electron's shipped defaults, in FuseV1Options order (RunAsNode … GrantFileProtocolExtraPrivileges). */
const STOCK_WIRE = '10110001';

interface Packed {
  work: string;
  asarPath: string;
  entries: Set<string>;
  appDir: string;
}

function run(args: string[], what: string): string {
  const r = spawnSync(process.execPath, args, {
    cwd: root, encoding: 'utf8', timeout: 170_000,
    // No code signing identity lookups: this is a layout check, not a release.
    env: { ...process.env, CSC_IDENTITY_AUTO_DISCOVERY: 'false' },
  });
  assert.equal(r.status, 0, `${what} failed:\n${r.stdout}\n${r.stderr}`);
  return r.stdout;
}

function pack(): Packed {
  const work = mkdtempSync(join(tmpdir(), 'latchkey-pack-'));
  run([require.resolve('typescript/bin/tsc'), '-p', 'tsconfig.build.json'], 'npm run build');

  const stub = join(work, 'electron-dist');
  const out = join(work, 'out');
  mkdirSync(stub);
  writeFileSync(join(stub, 'electron'), Buffer.concat([
    Buffer.from('#!/bin/sh\n# stub Electron for the offline packaging check\n'),
    Buffer.from(FUSE_SENTINEL), Buffer.from([1, STOCK_WIRE.length]), Buffer.from(STOCK_WIRE), Buffer.from('\n'),
  ]), { mode: 0o755 });
  run([require.resolve('electron-builder/cli.js'), '--dir', '--linux', `--${process.arch}`, '--config', 'electron-builder.yml',
    `-c.electronDist=${stub}`, `-c.directories.output=${out}`], 'electron-builder --dir');

  const appDir = readdirSync(out).map((d) => join(out, d)).find((d) => d.endsWith('-unpacked') && statSync(d).isDirectory());
  assert.ok(appDir, `no unpacked app in ${out}`);
  const asarPath = join(appDir, 'resources', 'app.asar');
  return { work, asarPath, appDir, entries: new Set(listPackage(asarPath, { isPack: false }).map((p) => p.replace(/\\/g, '/'))) };
}

describe('packaging (electron-builder --dir, offline)', { timeout: 180_000 }, () => {
  let packed: Packed;
  before(() => { packed = pack(); });
  after(() => { if (packed) rmSync(packed.work, { recursive: true, force: true }); });

  const has = (p: string): boolean => packed.entries.has(p);
  const text = (p: string): string => extractFile(packed.asarPath, p.replace(/^\//, '')).toString('utf8');

  it('starts the compiled shell: package.json main points at it and it is inside', () => {
    const pkg = JSON.parse(text('/package.json')) as { main?: string; scripts?: unknown; devDependencies?: unknown };
    assert.equal(pkg.main, 'dist/main/shell/main.js');
    assert.equal(pkg.scripts, undefined, 'scripts are stripped');
    for (const f of ['/dist/main/shell/main.js', '/dist/main/shell/lifecycle.js', '/dist/main/compose.js', '/dist/main/core/core.js', '/dist/main/http/app.js', '/dist/preload/preload.js']) {
      assert.ok(has(f), f);
    }
  });

  it('the preload is CommonJS, as a sandboxed preload must be', () => {
    const src = text('/dist/preload/preload.js');
    assert.match(src, /require\('electron'\)/);
    assert.doesNotMatch(src, /^\s*(import|export)\s/m);
  });

  it('every import in the compiled code resolves inside the archive', () => {
    const deps = new Set<string>();
    for (const f of [...packed.entries].filter((e) => e.startsWith('/dist/main/') && e.endsWith('.js'))) {
      // Statements at line start (tsc's output), so examples in doc comments do not count.
      for (const m of text(f).matchAll(/^(?:import|export)\s[^'"]*?from\s*['"]([^'"]+)['"]|^import\s*['"]([^'"]+)['"]|\bimport\(\s*['"]([^'"]+)['"]\s*\)/gm)) {
        const spec = m[1] ?? m[2] ?? m[3] ?? '';
        if (spec.startsWith('.')) assert.ok(has(posix.join(posix.dirname(f), spec)), `${f} imports ${spec}`);
        else if (!spec.startsWith('node:') && spec !== 'electron') deps.add(spec.startsWith('@') ? spec.split('/').slice(0, 2).join('/') : spec.split('/')[0] ?? spec);
      }
    }
    assert.ok(deps.has('express') && deps.has('better-sqlite3'), [...deps].join(' '));
    for (const d of deps) assert.ok(has(`/node_modules/${d}/package.json`), `dependency ${d} is packed`);
  });

  it('includes the tray icons and, once built, the UI bundle', () => {
    for (const name of ['trayTemplate', 'trayAlertTemplate', 'tray-light', 'tray-light-alert', 'tray-dark', 'tray-dark-alert']) {
      assert.ok(has(`/assets/tray/${name}.png`) && has(`/assets/tray/${name}@2x.png`), name);
    }
    if (existsSync(join(root, 'renderer', 'dist', 'index.html'))) assert.ok(has('/renderer/dist/index.html'));
    else assert.ok(![...packed.entries].some((e) => e.startsWith('/renderer/')), 'no UI sources without a bundle');
  });

  it('packs the native modules unpacked, with this platform\'s binaries only', () => {
    const natives = [...packed.entries].filter((e) => e.endsWith('.node'));
    const sqlite = natives.filter((e) => e.startsWith('/node_modules/better-sqlite3/'));
    assert.ok(sqlite.some((e) => e.endsWith(`/prebuilds/linux-${process.arch}.node`)), natives.join('\n'));
    assert.ok(sqlite.every((e) => /\/prebuilds\/linux-[a-z0-9]+\.node$/.test(e)), sqlite.join('\n'));
    assert.ok(natives.some((e) => e.startsWith('/node_modules/@napi-rs/keyring-linux-')), natives.join('\n'));
    for (const n of natives) {
      const entry = statFile(packed.asarPath, n.slice(1)) as { unpacked?: boolean };
      assert.equal(entry.unpacked, true, `${n} must be unpacked`);
      assert.ok(existsSync(join(`${packed.asarPath}.unpacked`, n)), `${n} is on disk`);
    }
    assert.ok(!has('/node_modules/better-sqlite3/deps'), "SQLite's C sources stay out");
  });

  it('contains no sources, tests, dev dependencies or secrets', () => {
    const all = [...packed.entries];
    const bad = (re: RegExp): string[] => all.filter((e) => re.test(e));
    assert.deepEqual(bad(/^\/(main|test|scripts|bench|build|docs|preload|\.git|\.ci)(\/|$)/), []);
    assert.deepEqual(bad(/\.(ts|tsx|map)$/), []);
    assert.deepEqual(bad(/\.test\.|\/(test|tests|__tests__)\//), []);
    assert.deepEqual(bad(/(^|\/)(\.env(\..*)?|[^/]*\.(pem|key|p12)|latchkey\.db.*|runtime\.json|\.latchkey-dev)$/), []);
    for (const dev of ['electron', 'electron-builder', 'typescript', 'eslint', 'node', 'oidc-provider', '@playwright/test', '@types/node']) {
      assert.ok(!has(`/node_modules/${dev}/package.json`), `devDependency ${dev} must not ship`);
    }
  });

  it('S32 fuses are flipped in the packaged binary as electron-builder.yml says', () => {
    const binaries = readdirSync(packed.appDir).map((f) => join(packed.appDir, f)).filter((f) => statSync(f).isFile());
    const binary = binaries.map((f) => readFileSync(f)).find((b) => b.includes(FUSE_SENTINEL));
    assert.ok(binary, 'the Electron binary is in the app folder');
    const at = binary.indexOf(FUSE_SENTINEL) + FUSE_SENTINEL.length;
    const wire = binary.subarray(at + 2, at + 2 + (binary[at + 1] ?? 0)).toString('latin1');
    const [runAsNode, cookieEncryption, nodeOptions, nodeCliInspect, asarIntegrity, onlyFromAsar, , fileProtocolPrivileges] = wire;
    assert.deepEqual(
      { runAsNode, nodeOptions, nodeCliInspect, asarIntegrity, onlyFromAsar, cookieEncryption, fileProtocolPrivileges },
      { runAsNode: '0', nodeOptions: '0', nodeCliInspect: '0', asarIntegrity: '1', onlyFromAsar: '1', cookieEncryption: '1', fileProtocolPrivileges: '0' },
    );
  });

  it('declares dmg, nsis, AppImage and deb targets, asar and no native rebuild', () => {
    const yaml = require('js-yaml') as { load(source: string): unknown };
    const config = yaml.load(readFileSync(join(root, 'electron-builder.yml'), 'utf8')) as Record<string, any>;
    assert.equal(config.appId, 'dev.latchkey.app');
    assert.equal(config.asar, true);
    assert.equal(config.npmRebuild, false);
    assert.equal(config.mac.target, 'dmg');
    assert.equal(config.win.target, 'nsis');
    assert.deepEqual(config.linux.target, ['AppImage', 'deb']);
    for (const os of ['mac', 'win', 'linux']) assert.ok(existsSync(join(root, config[os].icon)), `${os} icon`);
  });

  it('the packaged broker starts from the extracted archive and answers', () => {
    const app = join(packed.work, 'extracted');
    extractAll(packed.asarPath, app);
    const home = join(packed.work, 'home');
    const script = `
      const { createBroker } = await import(${JSON.stringify(join(app, 'dist/main/compose.js'))});
      const { silentLogger } = await import(${JSON.stringify(join(app, 'dist/main/adapters/logger.js'))});
      const b = await createBroker({ port: 0, home: ${JSON.stringify(home)}, logger: silentLogger });
      const page = await fetch(b.url + '/');
      const session = await fetch(b.url + '/ui/api/session');
      await b.close();
      console.log(JSON.stringify({ page: page.status, built: !(await page.text()).includes('has not been built'), session: session.status }));`;
    const out = run(['--input-type=module', '-e', script], 'starting the packaged broker');
    // The window is served to anyone (it signs in by itself, S33); the owner API is not.
    assert.deepEqual(JSON.parse(out.trim().split('\n').at(-1) ?? '{}'), { page: 200, built: true, session: 401 });
  });
});

/**
 * The npm package as a user gets it (issue 15): `npm pack` (whose prepack builds dist/ and
 * the window), installed globally into a temp prefix and as a dependency of temp projects
 * (offline from npm's cache where it can). The installed `latchkey` runs on this Node —
 * the `node` devDependency, ≥ 22.12 — in one process, and refuses an older Node in one line.
 */
describe('npm package (npm pack → npm i -g --prefix, and as a dependency)', { timeout: 180_000 }, () => {
  let work: string;
  let tarball: string;
  let prefix: string;
  // The installed bin's `#!/usr/bin/env node` must find this (supported) Node first.
  const pathEnv = { ...process.env, PATH: `${dirname(process.execPath)}:${process.env.PATH ?? ''}`, LATCHKEY_NO_OPEN: '1', DISPLAY: '', WAYLAND_DISPLAY: '' };
  const npm = (args: string[], cwd: string): string => {
    const r = spawnSync('npm', [...args, '--no-audit', '--no-fund', '--prefer-offline', '--loglevel=error'], { cwd, env: pathEnv, encoding: 'utf8', timeout: 170_000 });
    assert.equal(r.status, 0, `npm ${args.join(' ')} failed:\n${r.stdout}\n${r.stderr}`);
    return r.stdout;
  };
  const bin = (): string => join(prefix, 'bin', 'latchkey');

  before(() => {
    work = mkdtempSync(join(tmpdir(), 'latchkey-npm-'));
    const name = npm(['pack', '--pack-destination', work], root).trim().split('\n').at(-1) ?? '';
    tarball = join(work, name);
    prefix = join(work, 'prefix');
    npm(['install', '--global', '--prefix', prefix, tarball], work);
  });
  after(() => { if (work) rmSync(work, { recursive: true, force: true }); });

  it('the tarball holds the compiled CLI, the client, the window and no sources, tests or shell', () => {
    const r = spawnSync('tar', ['-tzf', tarball], { encoding: 'utf8' });
    const files = r.stdout.trim().split('\n').map((f) => f.replace(/^package\//, ''));
    for (const f of ['bin/latchkey.js', 'dist/main/cli/latchkey.js', 'dist/main/client/client.js', 'dist/main/client/client.d.ts', 'dist/main/compose.js', 'renderer/dist/index.html', 'package.json']) {
      assert.ok(files.includes(f), `${f} is packed`);
    }
    assert.deepEqual(files.filter((f) => /^(main|test|scripts|bench|preload|docs|\.ci)\//.test(f) || /(?<!\.d)\.tsx?$/.test(f) || f.startsWith('dist/main/shell/') || f.startsWith('dist/installers/')), []);
    const pkg = JSON.parse(readFileSync(join(prefix, 'lib', 'node_modules', 'latchkey', 'package.json'), 'utf8')) as { dependencies: Record<string, string> };
    const runtimeDeps = Object.keys(pkg.dependencies).sort();
    for (const tool of ['typescript', 'vite', 'electron', 'eslint', 'node', 'tsx']) assert.ok(!runtimeDeps.includes(tool), `${tool} is not a runtime dependency`);
  });

  it('every import in the installed code resolves to a packed file or a runtime dependency', () => {
    const installed = join(prefix, 'lib', 'node_modules', 'latchkey');
    const pkg = JSON.parse(readFileSync(join(installed, 'package.json'), 'utf8')) as { dependencies: Record<string, string> };
    const walk = (dir: string): string[] => readdirSync(dir, { withFileTypes: true }).flatMap((e) => e.isDirectory() ? walk(join(dir, e.name)) : e.name.endsWith('.js') ? [join(dir, e.name)] : []);
    for (const f of walk(join(installed, 'dist'))) {
      for (const m of readFileSync(f, 'utf8').matchAll(/^(?:import|export)\s[^'"]*?from\s*['"]([^'"]+)['"]|^import\s*['"]([^'"]+)['"]|\bimport\(\s*['"]([^'"]+)['"]\s*\)/gm)) {
        const spec = m[1] ?? m[2] ?? m[3] ?? '';
        if (spec.startsWith('.')) assert.ok(existsSync(join(dirname(f), spec)), `${f} imports ${spec}`);
        else if (!spec.startsWith('node:')) {
          const dep = spec.startsWith('@') ? spec.split('/').slice(0, 2).join('/') : spec.split('/')[0] ?? spec;
          assert.ok(dep in pkg.dependencies || dep === 'latchkey', `${f} imports ${spec}, which is not a runtime dependency`);
        }
      }
    }
  });

  it('the installed latchkey answers --help, serves the window in one process, prints `env`, and SIGTERM leaves nothing behind', async () => {
    const help = spawnSync(bin(), ['--help'], { env: pathEnv, encoding: 'utf8' });
    assert.equal(help.status, 0, help.stderr);
    assert.match(help.stdout, /Usage: latchkey <command>/);

    const home = join(work, 'home');
    const child = spawn(bin(), ['serve', '--port', '0', '--home', home], { env: pathEnv, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.on('data', (d) => { output += String(d); });
    child.stderr.on('data', (d) => { output += String(d); });
    const exited = new Promise<{ code: number | null; signal: string | null }>((r) => child.on('exit', (code, signal) => r({ code, signal })));
    try {
      const t0 = Date.now();
      while (!output.includes('Press Ctrl-C to stop.')) {
        assert.equal(child.exitCode, null, `serve exited early: ${output}`);
        assert.ok(Date.now() - t0 < 30_000, `no banner: ${output}`);
        await new Promise((r) => setTimeout(r, 50));
      }
      assert.equal(processTree(child.pid!).length, 1, 'the broker is the process the user started: no launcher, no child');

      const login = /(http:\/\/127\.0\.0\.1:\d+\/#login=\S+)/.exec(output)?.[1];
      assert.ok(login, output);
      // What the window's script does with the link (S33): trade the token for a session.
      const origin = new URL(login).origin;
      const signedIn = await fetch(`${origin}/ui/login`, {
        method: 'POST', headers: { 'content-type': 'application/json', origin }, body: JSON.stringify({ login_token: new URL(login).hash.slice('#login='.length) }),
      });
      assert.equal(signedIn.status, 200, await signedIn.clone().text());
      const { session_token: token } = (await signedIn.json()) as { session_token: string };
      assert.equal((await fetch(`${origin}/ui/api/session`, { headers: { 'x-latchkey-session': token } })).status, 200, 'the installed broker accepts its own sign-in');
      const page = await fetch(new URL('/', login));
      const html = await page.text();
      assert.equal(page.status, 200, html);
      assert.doesNotMatch(html, /has not been built/);
      const script = /<script[^>]+src="(\/assets\/ui\/[^"]+\.js)"/.exec(html)?.[1];
      assert.ok(script, html);
      assert.equal((await fetch(new URL(script, login))).status, 200, 'the window\'s bundle is served');

      const env = spawnSync(bin(), ['env', '--home', home], { env: pathEnv, encoding: 'utf8' });
      assert.equal(env.status, 0, env.stderr);
      assert.match(env.stdout, /export LANGSMITH_API_URL=http:\/\/127\.0\.0\.1:\d+/);
      assert.match(env.stdout, /export LANGSMITH_API_KEY=\S+/);
    } finally {
      const tree = processTree(child.pid!);
      child.kill('SIGTERM');
      const { code, signal } = await exited;
      assert.deepEqual({ code, signal }, { code: 0, signal: null }, output);
      assert.deepEqual(tree.filter(alive), [], 'no process of the tree remains');
    }
  });

  it('a project that depends on the package imports latchkey/client from ESM and CommonJS', async () => {
    const project = join(work, 'project');
    mkdirSync(project);
    writeFileSync(join(project, 'package.json'), JSON.stringify({ name: 'agent', version: '1.0.0', private: true }));
    npm(['install', tarball], project);
    const check = 'if (typeof Client !== "function") throw new Error("no Client"); const c = new Client({ apiKey: "k", apiUrl: "http://127.0.0.1:9" }); console.log(typeof c.authenticate);';
    writeFileSync(join(project, 'esm.mjs'), `import { Client } from 'latchkey/client';\n${check}\n`);
    writeFileSync(join(project, 'cjs.cjs'), `const { Client } = require('latchkey/client');\n${check}\n`);
    for (const file of ['esm.mjs', 'cjs.cjs']) {
      const r = spawnSync(process.execPath, [file], { cwd: project, encoding: 'utf8' });
      assert.equal(r.status, 0, `${file}: ${r.stderr}`);
      assert.equal(r.stdout.trim(), 'function', file);
    }
  });

  it('refuses an older Node in one line, without a stack trace', (t) => {
    const old = ['/usr/bin/node', '/usr/local/bin/node'].find((p) => {
      if (!existsSync(p)) return false;
      const [major = 0, minor = 0] = spawnSync(p, ['-p', 'process.versions.node'], { encoding: 'utf8' }).stdout.trim().split('.').map(Number);
      return major < 22 || (major === 22 && minor < 12);
    });
    if (!old) { t.skip('no Node older than 22.12 on this machine'); return; }
    const r = spawnSync(old, [bin(), 'serve', '--port', '0'], { encoding: 'utf8' });
    assert.equal(r.status, 1);
    assert.equal(r.stdout, '');
    assert.equal(r.stderr.trim().split('\n').length, 1, r.stderr);
    assert.match(r.stderr, /^Latchkey needs Node\.js 22\.12 or newer; this is Node\.js \d+\.\d+\.\d+/);
  });
});
