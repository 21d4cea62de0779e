/**
 * The in-process event bus the desktop shell and the UI's event stream listen to.
 * Payloads carry ids and labels only — never a token or secret.
 */
export interface BrokerEvents {
  'request.created': { authId: string; providerId: string; keyLabel: string; agentId: string | null; userId: string; scopes: readonly string[]; needsConsent: boolean; needsApproval: boolean };
  'request.decided': { authId: string; status: 'approved' | 'completed' | 'denied' | 'failed'; via: string | null };
  'connection.created': { connectionId: string; providerId: string; userId: string; agentId: string | null };
  'connection.needs_reauth': { connectionId: string; providerId: string; userId: string; agentId: string | null; reason: string };
  'key.pairing_requested': { pairingId: string; keyHint: string };
}

export type EventName = keyof BrokerEvents;
type Listener<E extends EventName> = (payload: BrokerEvents[E]) => void;

export class EventBus {
  readonly #listeners = new Map<EventName, Set<Listener<EventName>>>();

  on<E extends EventName>(name: E, listener: Listener<E>): () => void {
    let set = this.#listeners.get(name);
    if (!set) this.#listeners.set(name, (set = new Set()));
    set.add(listener as Listener<EventName>);
    return () => set.delete(listener as Listener<EventName>);
  }

  emit<E extends EventName>(name: E, payload: BrokerEvents[E]): void {
    for (const listener of this.#listeners.get(name) ?? []) {
      // A failing listener (say, a notification that could not be shown) must not break the broker.
      try { listener(payload); } catch { /* listeners report their own failures */ }
    }
  }

  listenerCount(): number {
    let n = 0;
    for (const set of this.#listeners.values()) n += set.size;
    return n;
  }
}
