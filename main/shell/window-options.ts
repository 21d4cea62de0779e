/**
 * The options every Latchkey BrowserWindow is created with (S32). The page is the broker's
 * own UI, but it renders agent-supplied strings (agent ids, scopes, provider names), so it
 * gets no Node, a sandboxed renderer, an isolated preload world and an in-memory session:
 * the owner cookie main injects lives only as long as the app.
 *
 * The secure values are literal types, so tsc refuses a window built without them, and
 * `insecureWebPreferences` repeats the check at runtime for main.ts and the tests.
 */
import type { BrowserWindowConstructorOptions, WebPreferences } from 'electron';

export interface SecureWebPreferences extends WebPreferences {
  contextIsolation: true;
  sandbox: true;
  nodeIntegration: false;
  nodeIntegrationInWorker: false;
  nodeIntegrationInSubFrames: false;
  webviewTag: false;
  webSecurity: true;
  allowRunningInsecureContent: false;
  preload: string;
}

export type WindowOptions = BrowserWindowConstructorOptions & { webPreferences: SecureWebPreferences };

/** No `persist:` prefix: cookies and storage stay in memory and vanish at quit. */
export const WINDOW_PARTITION = 'latchkey-window';

const REQUIRED: ReadonlyArray<[keyof SecureWebPreferences, boolean]> = [
  ['contextIsolation', true],
  ['sandbox', true],
  ['nodeIntegration', false],
  ['nodeIntegrationInWorker', false],
  ['nodeIntegrationInSubFrames', false],
  ['webviewTag', false],
  ['webSecurity', true],
  ['allowRunningInsecureContent', false],
];

export function mainWindowOptions(input: { preloadPath: string; prefersDark: boolean; devTools: boolean }): WindowOptions {
  return {
    title: 'Latchkey',
    width: 1100,
    height: 760,
    minWidth: 720,
    minHeight: 480,
    // Shown once the page has painted, so the user never sees a blank frame.
    show: false,
    autoHideMenuBar: true,
    backgroundColor: input.prefersDark ? '#0d1117' : '#ffffff',
    webPreferences: {
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      nodeIntegrationInWorker: false,
      nodeIntegrationInSubFrames: false,
      webviewTag: false,
      webSecurity: true,
      allowRunningInsecureContent: false,
      experimentalFeatures: false,
      navigateOnDragDrop: false,
      safeDialogs: true,
      spellcheck: false,
      devTools: input.devTools,
      partition: WINDOW_PARTITION,
      preload: input.preloadPath,
    },
  };
}

/** Every way the options fall short of S32; empty when they are safe. */
export function insecureWebPreferences(options: { webPreferences?: WebPreferences | undefined }): string[] {
  const prefs: Record<string, unknown> = { ...options.webPreferences };
  const problems = REQUIRED.filter(([key, want]) => prefs[key] !== want).map(([key, want]) => `${key} must be ${want}`);
  if (typeof prefs.partition === 'string' && prefs.partition.startsWith('persist:')) problems.push('partition must not persist to disk');
  return problems;
}
