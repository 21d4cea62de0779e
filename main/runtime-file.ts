/**
 * `<home>/runtime.json` tells the CLI where the running broker listens and holds the
 * control secret that makes the CLI the owner. Mode 0600: only this OS user can read it.
 */
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

export interface RuntimeInfo {
  pid: number;
  port: number;
  url: string;
  control: string;
  startedAt: string;
}

export const runtimePath = (home: string): string => join(home, 'runtime.json');

export function writeRuntime(home: string, info: RuntimeInfo): void {
  writeFileSync(runtimePath(home), JSON.stringify(info, null, 2), { mode: 0o600 });
}

export function readRuntime(home: string): RuntimeInfo | undefined {
  try {
    const v = JSON.parse(readFileSync(runtimePath(home), 'utf8')) as RuntimeInfo;
    return typeof v.url === 'string' && typeof v.control === 'string' ? v : undefined;
  } catch {
    return undefined;
  }
}

export function removeRuntime(home: string, control: string): void {
  // Only remove our own file: another broker on the same home must keep its one.
  if (readRuntime(home)?.control === control) rmSync(runtimePath(home), { force: true });
}
