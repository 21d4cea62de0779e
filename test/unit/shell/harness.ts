/**
 * Runs the real shell (runShell → ShellController) over the fake surface and fake brokers,
 * with manual timers so coalescing windows and the quit deadline need no sleeping.
 */
import type { Logger } from '../../../main/core/ports.ts';
import { runShell, type ShellRun } from '../../../main/shell/lifecycle.ts';
import type { ShellBroker } from '../../../main/shell/shell-state.ts';
import { FakeBroker } from './fake-broker.ts';
import { FakeSurface } from './fake-surface.ts';

export class ManualTimers {
  now = 0;
  #next = 0;
  readonly #timers = new Map<number, { at: number; fn: () => void; every: number | null }>();

  schedule = (fn: () => void, ms: number): (() => void) => {
    const id = this.#next++;
    this.#timers.set(id, { at: this.now + ms, fn, every: null });
    return () => { this.#timers.delete(id); };
  };

  every = (fn: () => void, ms: number): (() => void) => {
    const id = this.#next++;
    this.#timers.set(id, { at: this.now + ms, fn, every: ms });
    return () => { this.#timers.delete(id); };
  };

  get pending(): number {
    return this.#timers.size;
  }

  advance(ms: number): void {
    const until = this.now + ms;
    for (;;) {
      const due = [...this.#timers.entries()].filter(([, t]) => t.at <= until).sort((a, b) => a[1].at - b[1].at)[0];
      if (!due) break;
      const [id, t] = due;
      this.now = t.at;
      if (t.every === null) this.#timers.delete(id);
      else t.at += t.every;
      t.fn();
    }
    this.now = until;
  }
}

/**
 * Stands in for compose.ts's PortInUseError (same message) so these tests never load the
 * broker; real-broker.test.ts checks the real class against a really taken port.
 */
export class FakePortInUse extends Error {
  readonly port: number;
  constructor(port: number) {
    super(`Port ${port} on 127.0.0.1 is already in use (is another Latchkey running?). Choose another port with --port N or LATCHKEY_PORT=N (and register the new redirect URIs).`);
    this.port = port;
  }
}

export interface LogLine { level: 'info' | 'warn' | 'error'; event: string; fields: Record<string, unknown> | undefined }

export function recordingLogger(lines: LogLine[]): Logger {
  return {
    info: (event, fields) => lines.push({ level: 'info', event, fields }),
    warn: (event, fields) => lines.push({ level: 'warn', event, fields }),
    error: (event, fields) => lines.push({ level: 'error', event, fields }),
  };
}

export interface Harness {
  surface: FakeSurface;
  timers: ManualTimers;
  run: ShellRun;
  /** Every broker createBroker returned, in order. */
  brokers: FakeBroker[];
  createBrokerCalls: number;
  reports: string[];
  logs: LogLine[];
  /** Electron becomes ready and the start sequence finishes. */
  ready(): Promise<void>;
}

export const settle = (): Promise<void> => new Promise((r) => setImmediate(r));

export function startHarness(options: {
  platform?: NodeJS.Platform;
  lock?: boolean;
  /** What each createBroker call does; default: a fresh FakeBroker. */
  startBroker?: (call: number) => Promise<FakeBroker>;
  notificationWindowMs?: number;
} = {}): Harness {
  const surface = new FakeSurface(options.platform ?? 'linux');
  surface.app.lock = options.lock ?? true;
  const timers = new ManualTimers();
  const h: Harness = {
    surface, timers, brokers: [], createBrokerCalls: 0, reports: [], logs: [],
    run: { role: 'secondary' },
    async ready() {
      surface.app.becomeReady();
      if (h.run.role === 'primary') await h.run.started;
      await settle();
    },
  };
  const startBroker = async (): Promise<ShellBroker> => {
    h.createBrokerCalls++;
    surface.calls.push('createBroker');
    const b = await (options.startBroker ?? (() => Promise.resolve(new FakeBroker())))(h.createBrokerCalls);
    h.brokers.push(b);
    return b;
  };
  h.run = runShell({
    surface,
    port: 24817,
    startBroker,
    portInUse: (err) => (err instanceof FakePortInUse ? err.port : null),
    preloadPath: '/app/dist/preload/preload.js',
    devTools: false,
    schedule: timers.schedule,
    every: timers.every,
    logger: recordingLogger(h.logs),
    report: (line) => h.reports.push(line),
    ...(options.notificationWindowMs !== undefined ? { notificationWindowMs: options.notificationWindowMs } : {}),
  });
  return h;
}

export function primary(h: Harness) {
  if (h.run.role !== 'primary') throw new Error('expected the primary instance');
  return h.run.controller;
}
