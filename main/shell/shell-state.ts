/**
 * What the shell knows about its broker, as data the tray, tooltip and menu are drawn
 * from. `ShellBroker` is the part of compose.ts's Broker the shell touches, so tests can
 * hand in a small fake while main.ts hands in the real Broker (tsc checks that it fits).
 */
import type { AuthRequests } from '../core/auth-requests.ts';
import type { Core } from '../core/core.ts';
import type { EventBus } from '../core/events.ts';
import type { OwnerSessions } from '../core/owner-sessions.ts';
import type { KeychainStatus } from '../core/ports.ts';
import type { ProviderService } from '../core/providers.ts';

export interface ShellBroker {
  readonly url: string;
  readonly port: number;
  readonly keychain: KeychainStatus;
  readonly events: Pick<EventBus, 'on'>;
  readonly core: {
    readonly requests: Pick<AuthRequests, 'listPending'>;
    readonly approve: Core['approve'];
    readonly deny: Core['deny'];
    readonly sessions: Pick<OwnerSessions, 'mintConsentTicket'>;
    readonly providers: Pick<ProviderService, 'list'>;
    keyLabel(keyId: string): string;
  };
  loginUrl(): string;
  envBlock(): string;
  close(): Promise<void>;
}

export type BrokerState =
  | { kind: 'starting'; port: number }
  | { kind: 'running'; port: number; keychain: KeychainStatus }
  | { kind: 'paused'; port: number }
  | { kind: 'port-taken'; port: number; message: string }
  | { kind: 'failed'; port: number; message: string }
  | { kind: 'stopping'; port: number };

/** One pending request as the tray shows it: broker-derived facts only. */
export interface PendingItem {
  authId: string;
  providerId: string;
  /** agent_id when the agent gave one, else the API key's label. */
  who: string;
  scopes: readonly string[];
  /** False when policy already approved it and only the provider consent is missing. */
  needsApproval: boolean;
}
