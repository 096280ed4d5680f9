// Types for /widget/dialpad-call.js (classic script: window.DialpadCall; module: /widget/dialpad-call.mjs).

export type Channel = "cti" | "api" | "tel" | "dialpad-app" | "none";

/**
 * The answer of POST /widget/sessions, or just its token. Called again once when the service answers 401. In demo
 * mode (the service's built-in Dialpad simulator) the answer's `demo` and the token say so, and the widget's toasts
 * add "(demo)".
 */
export type Session = { token: string; demo?: boolean };
export type TokenSource = () => string | Session | Promise<string | Session>;

export interface InitOptions {
  /** Where this service is, e.g. "https://calls.example.com"; "" for the page's own origin. */
  apiBase: string;
  getToken: TokenSource;
  /** Dialpad's Mini Dialer (CTI): embedded from https://dialpad.com/apps/<clientId>. */
  cti?: { clientId: string; container?: HTMLElement } | null;
  /** What to open when nothing was dialled: a tel: link (default), the Dialpad app (the service's dialpad_uri), or nothing. */
  fallback?: "tel" | "dialpad" | "none";
  /** true: the widget's own toasts; false: none; an element: toasts are rendered inside it. */
  toasts?: boolean | HTMLElement;
  /**
   * The current call's panel ([data-dialpad-call-panel]): its live status and a Hang up button while it rings or is
   * connected. true: with the toasts; false: none (listen to call:status); an element: rendered inside it. Default:
   * shown when toasts are.
   */
  callPanel?: boolean | HTMLElement;
  /** Opens a tel:/dialpad: link (default: a click on a hidden link). */
  openLink?: (href: string) => void;
}

export interface CallOptions { to: string; contactId?: string; dealId?: string; externalId?: string; }

export interface CallResult {
  channel: Channel;
  callId: string | null;
  /** initiated, unconfirmed, fallback, blocked (the call policy refused the number: nothing is dialled or opened),
   *  failed, unknown, or a later call state for a repeated click. */
  status: string;
  reason: string | null;
  message: string | null;
}

/**
 * A call's status as it changes: followed live through GET /calls/{id}/events (polling GET /calls/{id} when the
 * stream cannot be had). status: initiated, unconfirmed, calling, ringing, connected, then ended (durationMs set),
 * missed, voicemail, rejected or unknown.
 */
export interface StatusEvent { callId?: string; channel?: "cti"; status: string; durationMs?: number | null; payload?: unknown; }

export interface EventMap {
  ready: { cti: boolean; ctiSignedIn: boolean };
  "cti:auth": { signedIn: boolean; userId?: string | number };
  "call:start": { to: string; contactId?: string | null; dealId?: string | null; idempotencyKey: string };
  "call:initiated": CallResult;
  "call:fallback": CallResult;
  "call:failed": CallResult;
  "call:status": StatusEvent;
  connection: Connection;
  error: { where: string; status?: number; error?: unknown };
}

export interface Connection { rep_id: string; connected: boolean; status: "active" | "expired" | "disconnected"; [k: string]: unknown; }

export interface Widget {
  readonly ready: Promise<{ cti: boolean; ctiSignedIn: boolean }>;
  call(options: CallOptions): Promise<CallResult>;
  on<K extends keyof EventMap>(name: K, fn: (detail: EventMap[K]) => void): Widget;
  off<K extends keyof EventMap>(name: K, fn: (detail: EventMap[K]) => void): Widget;
  /** Wires every [data-dialpad-call] under root (data-to, data-contact-id, data-deal-id, data-external-id). */
  bind(root?: ParentNode): Widget;
  /** POST /calls/{id}/hangup for the token's rep's call: true, or false and an error event. */
  hangUp(callId: string): Promise<boolean>;
  destroy(): void;
}

export interface SettingsPanel { refresh(): Promise<Connection>; ready: Promise<Connection>; }

export interface DialpadCallApi {
  readonly version: string;
  init(options: InitOptions): Widget;
  mountSettings(element: HTMLElement, options: { apiBase: string; getToken: TokenSource;
                                                 openWindow?: (url: string) => void }): SettingsPanel;
}

export declare const DialpadCall: DialpadCallApi;
export default DialpadCall;

declare global {
  interface Window { DialpadCall: DialpadCallApi; }
  /** DOM events: document.addEventListener("dialpad-call:call:initiated", e => e.detail) */
  interface DocumentEventMap {
    "dialpad-call:call:initiated": CustomEvent<CallResult>;
    "dialpad-call:call:fallback": CustomEvent<CallResult>;
    "dialpad-call:call:failed": CustomEvent<CallResult>;
    "dialpad-call:call:status": CustomEvent<StatusEvent>;
  }
}
