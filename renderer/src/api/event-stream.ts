/**
 * Live updates from GET /ui/api/events (Server-Sent Events named after OwnerEvent.name).
 * One EventSource for the whole window; pages subscribe to the names they care about.
 * An EventSource cannot send the session header (S33), so each connection opens with a
 * fresh single-use ticket from `tickets()`; the browser's own reconnect would reuse a spent
 * ticket, so a dropped stream is closed and reopened here with a new one. After it is back,
 * listeners get `resync` so they can re-read what they may have missed. A stream that
 * cannot get a ticket (session gone) reports `closed`.
 */
import type { OwnerEvent } from '../../../main/http/owner-api-types.ts';
import { API_BASE } from './owner-client.ts';

export type OwnerEventName = OwnerEvent['name'];
/** `offline`: the stream dropped and is being reopened; `resync`: it is back. */
export type StreamSignal = { name: 'resync' } | { name: 'offline' } | { name: 'closed' };
export type StreamMessage = OwnerEvent | StreamSignal;
export type StreamListener = (message: StreamMessage) => void;

export const OWNER_EVENT_NAMES: readonly OwnerEventName[] = [
  'request.created', 'request.decided', 'connection.created', 'connection.needs_reauth', 'key.pairing_requested',
];

const RETRY_MS = 3000;

export class EventStream {
  readonly #listeners = new Set<StreamListener>();
  readonly #tickets: () => Promise<string>;
  #source: EventSource | null = null;
  #retry: ReturnType<typeof setTimeout> | null = null;
  #hadError = false;
  #running = false;

  /** @param tickets mints a single-use stream ticket (OwnerClient.eventTicket). */
  constructor(tickets: () => Promise<string>) {
    this.#tickets = tickets;
  }

  start(): void {
    if (this.#running) return;
    this.#running = true;
    void this.#open();
  }

  stop(): void {
    this.#running = false;
    if (this.#retry) clearTimeout(this.#retry);
    this.#retry = null;
    this.#source?.close();
    this.#source = null;
  }

  subscribe(listener: StreamListener): () => void {
    this.#listeners.add(listener);
    return () => { this.#listeners.delete(listener); };
  }

  async #open(): Promise<void> {
    let ticket: string;
    try {
      ticket = await this.#tickets();
    } catch {
      if (!this.#running) return;
      this.#emit({ name: 'closed' });
      this.#scheduleRetry();
      return;
    }
    if (!this.#running) return;
    const source = new EventSource(`${API_BASE}/events?ticket=${encodeURIComponent(ticket)}`);
    this.#source = source;
    for (const name of OWNER_EVENT_NAMES) {
      source.addEventListener(name, (e) => this.#dispatchRaw(name, (e as MessageEvent<string>).data));
    }
    source.addEventListener('open', () => {
      if (this.#hadError) this.#emit({ name: 'resync' });
      this.#hadError = false;
    });
    source.addEventListener('error', () => {
      // Never let the browser retry with the spent ticket: close, and reopen with a new one.
      source.close();
      if (this.#source === source) this.#source = null;
      if (!this.#hadError) this.#emit({ name: 'offline' });
      this.#hadError = true;
      this.#scheduleRetry();
    });
  }

  #scheduleRetry(): void {
    if (!this.#running || this.#retry) return;
    this.#retry = setTimeout(() => { this.#retry = null; if (this.#running) void this.#open(); }, RETRY_MS);
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
