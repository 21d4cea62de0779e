/**
 * The running tray app: owns the broker while it runs, keeps the tray (icon, tooltip, badge,
 * menu) in step with it, turns broker events into notifications, and carries out the
 * owner's choices from the menu, the notifications and the window. Pausing closes the
 * broker (port released, open waits answered) and resuming starts a fresh one.
 */
import type { OpenExternalResult } from '../../preload/bridge-types.ts';
import type { BrokerEvents } from '../core/events.ts';
import type { GrantDuration } from '../core/model.ts';
import { mintOwnerPrincipal } from '../core/owner-principal.ts';
import type { AuthRequestRecord, Logger } from '../core/ports.ts';
import { trayIconFile, trayTitle, trayTooltip } from './badge.ts';
import { registerBridgeHandlers } from './bridge-handlers.ts';
import type { ShellSurface, TraySurface } from './electron-surface.ts';
import { checkExternalUrl, providerOrigins } from './external-url-policy.ts';
import { MainWindow } from './main-window.ts';
import type { Schedule } from './notification-coalescer.ts';
import { connectedView, createNotifier, pairingView, reauthView, type Notifier } from './notifications.ts';
import type { BrokerState, PendingItem, ShellBroker } from './shell-state.ts';
import { trayMenuModel, type TrayAction } from './tray-menu-model.ts';
import { consentLink } from '../core/links.ts';

/** The tray and its notifications act for the owner sitting at this desktop (S39). */
const TRAY_OWNER = mintOwnerPrincipal('tray');

/** Pending requests expire without an event (15 min TTL); re-read them this often. */
export const PENDING_REFRESH_MS = 30_000;

export interface ControllerDeps {
  surface: ShellSurface;
  /** The configured port, shown before the broker has bound it. */
  port: number;
  startBroker: () => Promise<ShellBroker>;
  /** The port when `startBroker` failed because it was taken (broker-errors.ts), else null. */
  portInUse: (err: unknown) => number | null;
  preloadPath: string;
  devTools: boolean;
  schedule: Schedule;
  every: (fn: () => void, ms: number) => () => void;
  logger: Logger;
  /** The terminal: failures the user must see even if the tray is hidden (S07). */
  report: (line: string) => void;
  notificationWindowMs?: number;
}

export function pendingItem(r: AuthRequestRecord, keyLabel: (keyId: string) => string): PendingItem {
  return { authId: r.authId, providerId: r.providerId, who: r.agentId ?? keyLabel(r.keyId), scopes: [...r.scopes], needsApproval: !r.approved };
}

function eventItem(e: BrokerEvents['request.created']): PendingItem {
  return { authId: e.authId, providerId: e.providerId, who: e.agentId ?? e.keyLabel, scopes: [...e.scopes], needsApproval: e.needsApproval };
}

const message = (err: unknown): string => (err instanceof Error ? err.message : String(err));

export class ShellController {
  readonly #deps: ControllerDeps;
  readonly #window: MainWindow;
  readonly #notifier: Notifier;
  #state: BrokerState;
  #broker: ShellBroker | null = null;
  #pending: PendingItem[] = [];
  #detach: Array<() => void> = [];
  #tray: TraySurface | null = null;
  #starting: Promise<void> | null = null;
  #closing: Promise<void> | null = null;
  #stopRefresh: (() => void) | null = null;

  constructor(deps: ControllerDeps) {
    this.#deps = deps;
    this.#state = { kind: 'starting', port: deps.port };
    this.#window = new MainWindow({
      surface: deps.surface,
      preloadPath: deps.preloadPath,
      devTools: deps.devTools,
      brokerOrigin: () => this.#broker?.url ?? null,
      openExternal: (url) => { void this.openExternal(url); },
      onLoadFailed: (err) => this.#fail('Could not open the Latchkey window', err),
    });
    this.#notifier = createNotifier({
      surface: deps.surface,
      schedule: deps.schedule,
      dispatch: (action) => { void this.dispatch(action); },
      ...(deps.notificationWindowMs !== undefined ? { windowMs: deps.notificationWindowMs } : {}),
    });
  }

  get state(): BrokerState {
    return this.#state;
  }

  get pending(): readonly PendingItem[] {
    return this.#pending;
  }

  /** Once Electron is ready: tray first (so failures have somewhere to show), then the broker. */
  async start(): Promise<void> {
    const { surface } = this.#deps;
    this.#tray = surface.createTray(trayIconFile(surface.platform, surface.prefersDarkTheme(), this.#state, 0));
    surface.onThemeChange(() => this.refresh());
    registerBridgeHandlers(surface, {
      trustedContentsId: () => this.#window.contentsId(),
      brokerOrigin: () => this.#broker?.url ?? null,
      openExternal: (url) => this.openExternal(url),
      appInfo: { version: surface.app.version, platform: surface.platform },
    });
    this.#stopRefresh = this.#deps.every(() => this.refresh(), PENDING_REFRESH_MS);
    this.refresh();
    await this.#startBroker();
  }

  #startBroker(): Promise<void> {
    this.#starting ??= (async () => {
      this.#setState({ kind: 'starting', port: this.#deps.port });
      try {
        const broker = await this.#deps.startBroker();
        this.#attach(broker);
        this.#setState({ kind: 'running', port: broker.port, keychain: broker.keychain });
        if (!broker.keychain.ok) {
          this.#notifier.show({ title: 'Latchkey cannot store tokens', body: `No usable keychain (${broker.keychain.backend}): ${broker.keychain.reason}`, click: { type: 'open-window' }, buttons: [] });
        }
      } catch (err) {
        const taken = this.#deps.portInUse(err);
        const port = taken ?? this.#deps.port;
        this.#setState(taken !== null ? { kind: 'port-taken', port, message: message(err) } : { kind: 'failed', port, message: message(err) });
        this.#deps.report(`Latchkey could not start: ${message(err)}`);
        this.#notifier.show({ title: taken !== null ? `Port ${port} is taken` : 'Latchkey could not start', body: message(err), click: null, buttons: [] });
      } finally {
        this.#starting = null;
      }
    })();
    return this.#starting;
  }

  #attach(b: ShellBroker): void {
    this.#broker = b;
    this.#detach = [
      b.events.on('request.created', (e) => {
        this.refresh();
        this.#notifier.requestCreated(this.#pending.find((p) => p.authId === e.authId) ?? eventItem(e));
      }),
      b.events.on('request.decided', (e) => {
        this.#notifier.requestDecided(e.authId);
        this.refresh();
      }),
      b.events.on('connection.created', (e) => this.#notifier.show(connectedView(e))),
      b.events.on('connection.needs_reauth', (e) => this.#notifier.show(reauthView(e))),
      b.events.on('key.pairing_requested', (e) => this.#notifier.show(pairingView(e))),
    ];
  }

  /** Detach and close the broker; the promise is kept so quit can wait for a pause in flight. */
  #closeBroker(): Promise<void> {
    const b = this.#broker;
    this.#broker = null;
    for (const off of this.#detach.splice(0)) off();
    this.#window.close();
    if (b) this.#closing = b.close().finally(() => { this.#closing = null; });
    return this.#closing ?? Promise.resolve();
  }

  #setState(state: BrokerState): void {
    this.#state = state;
    this.refresh();
  }

  /** Redraws the tray from the broker's current pending list. */
  refresh(): void {
    const { surface } = this.#deps;
    const b = this.#broker;
    try {
      this.#pending = b && this.#state.kind === 'running' ? b.core.requests.listPending().map((r) => pendingItem(r, (id) => b.core.keyLabel(id))) : [];
    } catch (err) {
      this.#deps.logger.warn('shell.refresh_failed', { error: message(err) });
      this.#pending = [];
    }
    const tray = this.#tray;
    if (!tray) return;
    const n = this.#pending.length;
    tray.setImage(trayIconFile(surface.platform, surface.prefersDarkTheme(), this.#state, n));
    tray.setToolTip(trayTooltip(this.#state, n));
    tray.setTitle(trayTitle(surface.platform, n));
    tray.setMenu(trayMenuModel({ state: this.#state, pending: this.#pending, openAtLogin: surface.app.openAtLogin() }), (action) => { void this.dispatch(action); });
    surface.app.setBadgeCount(n);
  }

  /** One entry point for the tray menu, notification buttons and clicks. Never throws. */
  async dispatch(action: TrayAction): Promise<void> {
    try {
      switch (action.type) {
        case 'approve': return await this.#approve(action.authId, action.duration);
        case 'deny': return this.#deny(action.authId);
        case 'continue-consent': return await this.#openConsent(action.authId);
        case 'open-window': return this.openWindow();
        case 'copy-env': return this.#copyEnv();
        case 'pause': return await this.pause();
        case 'resume': return await this.resume();
        case 'set-open-at-login':
          this.#deps.surface.app.setOpenAtLogin(action.enabled);
          return this.refresh();
        case 'quit': return this.#deps.surface.app.quit();
      }
    } catch (err) {
      this.#fail('Latchkey could not do that', err);
    }
  }

  async #approve(authId: string, duration: GrantDuration): Promise<void> {
    const b = this.#requireBroker();
    const { consentRequired } = await b.core.approve(TRAY_OWNER, authId, duration);
    // The provider consent happens in the system browser, never in an embedded view (RFC 8252 §8.12).
    if (consentRequired) await this.#openConsent(authId);
  }

  #deny(authId: string): void {
    this.#requireBroker().core.deny(TRAY_OWNER, authId);
  }

  async #openConsent(authId: string): Promise<void> {
    const b = this.#requireBroker();
    const result = await this.openExternal(consentLink(b.url, b.core.sessions.mintConsentTicket(authId)));
    if (!result.opened) throw new Error(result.reason);
  }

  #copyEnv(): void {
    this.#deps.surface.copyText(this.#requireBroker().envBlock());
  }

  #requireBroker(): ShellBroker {
    if (!this.#broker) throw new Error('Latchkey is not running.');
    return this.#broker;
  }

  openWindow(): void {
    const b = this.#broker;
    if (!b) {
      // Nothing to show yet: say why instead (a second launch while the port is taken, say).
      this.#notifier.show({ title: 'Latchkey', body: trayTooltip(this.#state, 0), click: null, buttons: [] });
      return;
    }
    this.#window.open(() => b.loginUrl());
  }

  /** Every link leaving the app passes the allow-list (S32); the URL itself is never logged. */
  async openExternal(url: string): Promise<OpenExternalResult> {
    const b = this.#broker;
    if (!b) return { opened: false, reason: 'Latchkey is not running' };
    const verdict = checkExternalUrl(url, { brokerOrigin: b.url, providerOrigins: providerOrigins(b.core.providers.list()) });
    if (!verdict.ok) {
      this.#deps.logger.warn('shell.external_url_refused', { reason: verdict.reason });
      return { opened: false, reason: verdict.reason };
    }
    await this.#deps.surface.openExternal(verdict.url);
    return { opened: true };
  }

  async pause(): Promise<void> {
    if (this.#state.kind !== 'running') return;
    const port = this.#state.port;
    this.#setState({ kind: 'stopping', port });
    await this.#closeBroker();
    this.#setState({ kind: 'paused', port });
  }

  async resume(): Promise<void> {
    const k = this.#state.kind;
    if (k === 'paused' || k === 'port-taken' || k === 'failed') await this.#startBroker();
  }

  /** Quit: close the window, answer open waits and close the broker, then drop the tray. */
  async shutdown(): Promise<void> {
    await this.#starting;
    this.#stopRefresh?.();
    this.#stopRefresh = null;
    this.#notifier.dispose();
    this.#setState({ kind: 'stopping', port: this.#state.port });
    await Promise.all([this.#closing, this.#closeBroker()]);
    this.#tray?.destroy();
    this.#tray = null;
  }

  #fail(title: string, err: unknown): void {
    this.#deps.logger.error('shell.action_failed', { error: message(err) });
    this.#notifier.show({ title, body: message(err), click: null, buttons: [] });
    this.refresh();
  }
}
