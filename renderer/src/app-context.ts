/**
 * What every page needs from the window: the owner API client, the live event stream, the
 * session, and one way to report a failure (which also notices a lost session).
 */
import { createContext, useContext } from 'react';
import type { SessionView } from '../../main/http/owner-api-types.ts';
import type { EventStream } from './api/event-stream.ts';
import type { OwnerClient } from './api/owner-client.ts';

export interface AppServices {
  client: OwnerClient;
  stream: EventStream;
  session: SessionView;
  /** Shows a failure in words; a 401 switches the window to the sign-in screen. */
  reportError: (error: unknown) => void;
  /** A short confirmation ("Copied", "Provider added") read out by screen readers. */
  announce: (message: string) => void;
  /** Ends this window's session on the broker and shows the sign-in screen. */
  signOut: () => Promise<void>;
}

export const AppContext = createContext<AppServices | null>(null);

export function useApp(): AppServices {
  const services = useContext(AppContext);
  if (!services) throw new Error('useApp() outside <AppContext.Provider>');
  return services;
}
