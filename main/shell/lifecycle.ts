/**
 * The app's life from launch to quit, in the order that keeps it safe:
 *  1. Take the single-instance lock before anything touches the port or the database
 *     (S08). A second launch quits at once; the first instance opens its window instead.
 *     (createBroker then takes the home's own lock, home-lock.ts, so a `latchkey serve`
 *     already running on the same home is reported as "already running", not fought.)
 *  2. On `ready`, the controller draws the tray and starts the broker.
 *  3. On quit, hold Electron's quit until the broker has closed — open waits answered
 *     `timeout`, SQLite closed (S30) — with a 5 s ceiling, then let it go.
 */
import type { ShellSurface } from './electron-surface.ts';
import type { Schedule } from './notification-coalescer.ts';
import { ShellController, type ControllerDeps } from './shell-controller.ts';

/** S30: a quit that takes longer than this exits anyway, with a non-zero code. */
export const QUIT_DEADLINE_MS = 5_000;

export type ShellDeps = ControllerDeps & { surface: ShellSurface; schedule: Schedule };

export type ShellRun = { role: 'secondary' } | { role: 'primary'; controller: ShellController; started: Promise<void> };

export function runShell(deps: ShellDeps): ShellRun {
  const { app } = deps.surface;
  if (!app.requestSingleInstanceLock()) {
    deps.report('Latchkey is already running; showing its window.');
    app.quit();
    return { role: 'secondary' };
  }

  const controller = new ShellController(deps);
  app.keepAliveWithoutWindows();
  app.onSecondInstance(() => controller.openWindow());

  let quitting: 'no' | 'closing' | 'done' = 'no';
  app.onBeforeQuit((event) => {
    if (quitting === 'done') return;
    event.preventDefault();
    if (quitting === 'closing') return;
    quitting = 'closing';
    const cancelDeadline = deps.schedule(() => {
      deps.report(`Closing took longer than ${QUIT_DEADLINE_MS / 1000} s; exiting.`);
      app.exit(1);
    }, QUIT_DEADLINE_MS);
    controller.shutdown().then(
      () => {
        cancelDeadline();
        quitting = 'done';
        app.quit();
      },
      (err: unknown) => {
        cancelDeadline();
        deps.logger.error('shell.shutdown_failed', { error: err instanceof Error ? err.message : String(err) });
        app.exit(1);
      },
    );
  });

  const started = app.whenReady().then(() => controller.start());
  return { role: 'primary', controller, started };
}
