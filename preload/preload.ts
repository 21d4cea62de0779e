/**
 * The window's preload: exposes a few named functions as `window.latchkey`, never
 * `ipcRenderer` itself, so a compromised page can reach nothing but these calls — and main
 * re-checks each one (bridge-handlers.ts).
 *
 * Why CommonJS (preload/package.json) and `require`: a sandboxed preload runs as a plain
 * script whose `require` only knows 'electron' and a few built-ins; it cannot load ES
 * modules or other files of ours, so this file stands alone and shares only types.
 */
// Preload is the renderer half of the shell; like main/shell it must use electron.
import type { ContextBridge, IpcRenderer } from 'electron';
import type { BridgeKey, IpcChannel, IpcContract, LatchkeyBridge } from './bridge-types.ts';

// eslint-disable-next-line @typescript-eslint/no-require-imports -- see the file comment: sandboxed preloads are CommonJS
const electron = require('electron') as { contextBridge: ContextBridge; ipcRenderer: IpcRenderer };

function invoke<C extends IpcChannel>(channel: C, payload: IpcContract[C]['request']): Promise<IpcContract[C]['response']> {
  return electron.ipcRenderer.invoke(channel, payload) as Promise<IpcContract[C]['response']>;
}

const bridge: LatchkeyBridge = {
  isDesktop: true,
  appInfo: () => invoke('latchkey:app-info', null),
  openExternal: (url: string) => invoke('latchkey:open-external', String(url)),
};

const key: BridgeKey = 'latchkey';
electron.contextBridge.exposeInMainWorld(key, bridge);
