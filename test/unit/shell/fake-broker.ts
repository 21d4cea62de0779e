/**
 * A small stand-in for the broker the shell drives: the real EventBus, an in-memory list
 * of requests with the same approve/deny contract as core's AuthRequests, and counters
 * for what the shell asked of it (decisions, consent tickets, login links, close).
 */
import { EventBus } from '../../../main/core/events.ts';
import type { DecisionChannel, GrantDuration, Provider } from '../../../main/core/model.ts';
import type { AuthRequestRecord, KeychainStatus } from '../../../main/core/ports.ts';
import type { ShellBroker } from '../../../main/shell/shell-state.ts';
import type { OwnerPrincipal } from '../../../main/core/owner-principal.ts';

export function requestRecord(overrides: Partial<AuthRequestRecord> = {}): AuthRequestRecord {
  const authId = overrides.authId ?? 'lk-auth-1';
  return {
    authId, startToken: `start-${authId}`, dedupeKey: authId, keyId: 'key-owner', providerId: 'github', userId: 'me',
    agentId: 'triage-bot', scopes: ['repo'], consentScopes: ['repo'], status: 'pending', approved: false, needsConsent: true,
    autoApproved: false, forceNew: false, tokenId: null, makeDefault: true, lsUserId: null, redirectUri: null, grantDuration: null, decidedVia: null, connectionId: null, detail: null,
    createdAt: 0, expiresAt: 15 * 60_000, decidedAt: null,
    ...overrides,
  };
}

export interface Decision {
  authId: string;
  decision: 'approve' | 'deny';
  duration?: GrantDuration;
  via: DecisionChannel;
}

export class FakeBroker implements ShellBroker {
  readonly url: string;
  readonly port: number;
  readonly keychain: KeychainStatus;
  readonly events = new EventBus();
  readonly records = new Map<string, AuthRequestRecord>();
  readonly decisions: Decision[] = [];
  readonly consentTickets: string[] = [];
  providers: Array<Pick<Provider, 'authUrl'>> = [{ authUrl: 'https://github.com/login/oauth/authorize' }];
  loginLinks = 0;
  closeCalls = 0;
  /** Resolve to let close() finish; tests hold it open to observe a quit in progress. */
  closeGate: Promise<void> = Promise.resolve();

  readonly core: ShellBroker['core'];

  constructor(options: { port?: number; keychain?: KeychainStatus } = {}) {
    this.port = options.port ?? 24817;
    this.url = `http://127.0.0.1:${this.port}`;
    this.keychain = options.keychain ?? { ok: true, backend: 'secret-service' };
    this.core = {
      requests: {
        listPending: () => [...this.records.values()].filter((r) => r.status === 'pending'),
      },
      approve: async (owner: OwnerPrincipal, authId: string, duration: GrantDuration) => {
        const via: DecisionChannel = owner.channel;
        const r = this.#decidable(authId);
        this.decisions.push({ authId, decision: 'approve', duration, via });
        r.approved = true;
        r.grantDuration = duration;
        this.events.emit('request.decided', { authId, status: 'approved', via });
        if (!r.needsConsent) {
          r.status = 'completed';
          this.events.emit('request.decided', { authId, status: 'completed', via });
        }
        return { request: r, consentRequired: r.needsConsent };
      },
      deny: (owner: OwnerPrincipal, authId: string) => {
        const via: DecisionChannel = owner.channel;
        const r = this.#decidable(authId);
        this.decisions.push({ authId, decision: 'deny', via });
        r.status = 'denied';
        this.events.emit('request.decided', { authId, status: 'denied', via });
        return r;
      },
      sessions: {
        mintConsentTicket: (authId: string) => {
          this.consentTickets.push(authId);
          return `ticket${this.consentTickets.length}`;
        },
      },
      providers: { list: () => this.providers as Provider[] },
      keyLabel: (keyId: string) => (keyId === 'key-owner' ? 'owner' : 'unknown key'),
    };
  }

  #decidable(authId: string): AuthRequestRecord {
    const r = this.records.get(authId);
    if (!r || r.status !== 'pending') throw new Error(`No pending request '${authId}'.`);
    return r;
  }

  /** An agent's request arrives: stored, then announced like core does. */
  addRequest(overrides: Partial<AuthRequestRecord> = {}): AuthRequestRecord {
    const r = requestRecord(overrides);
    this.records.set(r.authId, r);
    this.events.emit('request.created', {
      authId: r.authId, providerId: r.providerId, keyLabel: this.core.keyLabel(r.keyId), agentId: r.agentId, userId: r.userId,
      scopes: r.scopes, needsConsent: r.needsConsent, needsApproval: !r.approved,
    });
    return r;
  }

  loginUrl(): string {
    this.loginLinks++;
    return `${this.url}/#login=login${this.loginLinks}`;
  }

  envBlock(): string {
    return `export LANGSMITH_API_URL=${this.url}\nexport LANGSMITH_API_KEY=lk-owner-test`;
  }

  close(): Promise<void> {
    this.closeCalls++;
    return this.closeGate;
  }
}
