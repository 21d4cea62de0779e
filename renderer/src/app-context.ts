/**
 * What every page needs from the window: the owner API client, the live event stream, the
 * session, one way to report a failure (which also notices a lost session), and whether
 * the broker answers at all (one banner for the whole window, and actions wait for it).
 */
import { createContext, useContext } from 'react';
import type { SessionView } from '../../main/http/owner-api-types.ts';
import type { EventStream } from './api/event-stream.ts';
import type { OwnerClient } from './api/owner-client.ts';
import type { ToastInput } from './toasts.tsx';

export interface AppServices {
  client: OwnerClient;
  stream: EventStream;
  session: SessionView;
  /** Shows a failure in words; a 401 switches the window to the sign-in screen. */
  reportError: (error: unknown) => void;
  /** A short confirmation ("Copied", "Provider added") read out by screen readers. */
  announce: (message: string, topic?: string) => void;
  /** A toast with a topic can be replaced or withdrawn when what it says stops being true. */
  toast: (t: ToastInput) => void;
  withdrawToast: (topic: string) => void;
  /** True while the broker does not answer: the shell shows one banner and actions are disabled. */
  offline: boolean;
  /** Called by data hooks: `false` after a call that never reached the broker, `true` after one that did. */
  noteReachable: (reachable: boolean) => void;
  /** Grows each time the broker answers again after a silence: data hooks re-read then. */
  onlineEpoch: number;
  /** Ends this window's session on the broker and shows the sign-in screen. */
  signOut: () => Promise<void>;
}

export const AppContext = createContext<AppServices | null>(null);

export function useApp(): AppServices {
  const services = useContext(AppContext);
  if (!services) throw new Error('useApp() outside <AppContext.Provider>');
  return services;
}
