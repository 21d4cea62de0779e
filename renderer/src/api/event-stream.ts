/**
 * Live updates from GET /ui/api/events (Server-Sent Events named after OwnerEvent.name).
 * One EventSource for the whole window; pages subscribe to the names they care about.
 * After a dropped stream reopens, listeners get `resync` so they can re-read what they
 * may have missed. A stream that is refused (session gone) reports `closed`.
 */
import type { OwnerEvent } from '../../../main/http/owner-api-types.ts';
import { API_BASE } from './owner-client.ts';

export type OwnerEventName = OwnerEvent['name'];
/** `offline`: the stream dropped and the browser is retrying; `resync`: it is back. */
export type StreamSignal = { name: 'resync' } | { name: 'offline' } | { name: 'closed' };
export type StreamMessage = OwnerEvent | StreamSignal;
export type StreamListener = (message: StreamMessage) => void;

export const OWNER_EVENT_NAMES: readonly OwnerEventName[] = [
  'request.created', 'request.decided', 'connection.created', 'connection.needs_reauth', 'key.pairing_requested',
];

const RETRY_MS = 3000;

export class EventStream {
  readonly #listeners = new Set<StreamListener>();
  #source: EventSource | null = null;
  #retry: ReturnType<typeof setTimeout> | null = null;
  #hadError = false;

  start(): void {
    if (this.#source) return;
    const source = new EventSource(`${API_BASE}/events`);
    this.#source = source;
    for (const name of OWNER_EVENT_NAMES) {
      source.addEventListener(name, (e) => this.#dispatchRaw(name, (e as MessageEvent<string>).data));
    }
    source.addEventListener('open', () => {
      if (this.#hadError) this.#emit({ name: 'resync' });
      this.#hadError = false;
    });
    source.addEventListener('error', () => {
      if (!this.#hadError) this.#emit({ name: 'offline' });
      this.#hadError = true;
      if (source.readyState !== EventSource.CLOSED) return; // the browser retries on its own
      this.#source = null;
      this.#emit({ name: 'closed' });
      this.#retry = setTimeout(() => { this.#retry = null; this.start(); }, RETRY_MS);
    });
  }

  stop(): void {
    if (this.#retry) clearTimeout(this.#retry);
    this.#retry = null;
    this.#source?.close();
    this.#source = null;
  }

  subscribe(listener: StreamListener): () => void {
    this.#listeners.add(listener);
    return () => { this.#listeners.delete(listener); };
  }

  #dispatchRaw(name: OwnerEventName, data: string): void {
    let payload: unknown;
    try { payload = JSON.parse(data); } catch { return; }
    this.#emit({ name, data: payload } as OwnerEvent);
  }

  #emit(message: StreamMessage): void {
    for (const listener of this.#listeners) listener(message);
  }
}
