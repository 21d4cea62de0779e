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
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join, posix } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { extractAll, extractFile, listPackage, statFile } from '@electron/asar';

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
      const res = await fetch(b.url + '/');
      await b.close();
      console.log(JSON.stringify({ status: res.status }));`;
    const out = run(['--input-type=module', '-e', script], 'starting the packaged broker');
    assert.deepEqual(JSON.parse(out.trim().split('\n').at(-1) ?? '{}'), { status: 401 });
  });
});
