/**
 * Summarise a V8 `.cpuprofile` (node --cpu-prof): self time per function and per file,
 * as a share of the non-idle samples. `npm run bench -- --profile` prints it for the hot
 * path; `node bench/profile.ts <file.cpuprofile>` reads any profile.
 */
import { readFileSync } from 'node:fs';
import { relative } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { ROOT } from './helpers.ts';

interface ProfileNode { id: number; callFrame: { functionName: string; url: string; lineNumber: number }; hitCount?: number; children?: number[] }
interface CpuProfile { nodes: ProfileNode[]; samples: number[]; timeDeltas: number[] }

export interface HotSpot { name: string; selfMs: number; percent: number; /** Per request served in the profiled window, when that count is known. */ usPerRequest?: number }

function where(url: string): string {
  if (!url) return '';
  const path = url.startsWith('file://') ? fileURLToPath(url) : url;
  return path.startsWith('/') ? relative(ROOT, path) : path;
}

export interface ProfileSummary {
  functions: HotSpot[];
  files: HotSpot[];
  /** Time with the function anywhere on the stack (each function once per sample), Latchkey's own code only. */
  inclusive: HotSpot[];
  totalMs: number;
  requests?: number;
}

/** `requests`: how many requests the profiled window served, to print µs per request. */
export function hotSpots(file: string, top = 15, requests?: number): ProfileSummary {
  const profile = JSON.parse(readFileSync(file, 'utf8')) as CpuProfile;
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const parentOf = new Map<number, number>();
  for (const n of profile.nodes) for (const c of n.children ?? []) parentOf.set(c, n.id);
  const selfUs = new Map<number, number>();
  profile.samples.forEach((id, i) => selfUs.set(id, (selfUs.get(id) ?? 0) + (profile.timeDeltas[i] ?? 0)));
  const fns = new Map<string, number>();
  const files = new Map<string, number>();
  const inclusive = new Map<string, number>();
  let total = 0;
  const at = (c: ProfileNode['callFrame']): string => `${where(c.url)}:${c.lineNumber + 1} ${c.functionName || '(anonymous)'}`;
  for (const [id, us] of selfUs) {
    if (byId.get(id)?.callFrame.functionName === '(idle)') continue;
    const seen = new Set<string>();
    for (let n: number | undefined = id; n !== undefined; n = parentOf.get(n)) {
      const f = byId.get(n)?.callFrame;
      if (!f || !/^(dist\/)?main\//.test(where(f.url))) continue;
      const name = at(f);
      if (seen.has(name)) continue;
      seen.add(name);
      inclusive.set(name, (inclusive.get(name) ?? 0) + us);
    }
  }
  for (const [id, us] of selfUs) {
    const f = byId.get(id)?.callFrame;
    if (!f || f.functionName === '(idle)') continue;
    total += us;
    // Native code (a syscall, a C++ addon such as better-sqlite3) has no URL and often a
    // meaningless name: charge it to the JavaScript function that called it.
    const caller = f.url || f.functionName.startsWith('(') ? undefined : byId.get(parentOf.get(id) ?? -1)?.callFrame;
    const file = where(f.url) || (caller?.url ? `native ← ${where(caller.url)}` : f.functionName || '(native)');
    const fn = f.url ? at(f) : caller?.url ? `native ${f.functionName ? `${f.functionName} ` : ''}← ${at(caller)}` : f.functionName || '(native)';
    fns.set(fn, (fns.get(fn) ?? 0) + us);
    // Group node_modules by package, the app by file.
    const group = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(file)?.[1] ?? file;
    files.set(group, (files.get(group) ?? 0) + us);
  }
  const rank = (m: Map<string, number>): HotSpot[] => [...m].sort((a, b) => b[1] - a[1]).slice(0, top)
    .map(([name, us]) => ({
      name, selfMs: Math.round(us / 1000), percent: Math.round((us / total) * 1000) / 10,
      ...(requests ? { usPerRequest: Math.round((us / requests) * 10) / 10 } : {}),
    }));
  return { functions: rank(fns), files: rank(files), inclusive: rank(inclusive), totalMs: Math.round(total / 1000), ...(requests ? { requests } : {}) };
}

export function formatHotSpots(h: ProfileSummary): string {
  const perRequest = h.requests ? ` over ${h.requests} requests: ${((h.totalMs * 1000) / h.requests).toFixed(1)} µs of CPU per request` : '';
  const lines = [`CPU profile: ${h.totalMs} ms of non-idle samples${perRequest}`];
  const section = (title: string, spots: HotSpot[]): void => {
    lines.push('', title);
    for (const s of spots) lines.push(`  ${s.percent.toFixed(1).padStart(5)}%  ${String(s.selfMs).padStart(6)} ms${s.usPerRequest === undefined ? '' : ` ${s.usPerRequest.toFixed(1).padStart(6)} µs/req`}  ${s.name}`);
  };
  section('Self time by function:', h.functions);
  section('Self time by file / package:', h.files);
  section('Total time (self and callees) of Latchkey functions:', h.inclusive);
  return lines.join('\n');
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const file = process.argv[2];
  if (!file) {
    console.error('Usage: node bench/profile.ts <file.cpuprofile> [requests served in the profiled window]');
    process.exit(2);
  }
  const requests = process.argv[3] === undefined ? undefined : Number(process.argv[3]);
  console.log(formatHotSpots(hotSpots(file, 25, requests)));
}
