/**
 * The client of the live channel `GET /api/v1/live` (docs/live-voting.md):
 * one websocket per page, shared by every view that follows a topic.
 *
 * - `subscribe(topic, options, listener)` is reference-counted per topic; the
 *   options of all subscribers are merged (the moderator view and the
 *   presenter rate win), and the last unsubscribe tells the server.
 * - The socket opens with the first subscription and closes a moment after
 *   the last one ends (so a page change does not reconnect).
 * - After any close (including the server's 4000 "fell behind" and 4001
 *   "stopping") it reconnects with exponential backoff (0.5 s doubling to
 *   10 s, with jitter) and subscribes everything again; the server answers
 *   with fresh snapshots, there is nothing to replay.
 * - A watchdog reconnects when nothing (not even a heartbeat) arrived for 45 s.
 * - Per topic it keeps the latest data and seq; updates older than what is
 *   held are dropped, a snapshot always wins (seq restarts per connection).
 *
 * Pure TypeScript: the WebSocket class, timers and randomness are injected,
 * so the unit tests drive it with fakes.
 */

export type ConnectionState = 'idle' | 'connecting' | 'open' | 'reconnecting';

export interface SubscribeOptions {
  /** "moderator": tallies of hidden rounds (only for those who run them). */
  view?: 'public' | 'moderator';
  /** Ask for the presenter rate (10 updates per second; moderators and organisers). */
  presenter?: boolean;
}

export interface TopicError {
  code: string;
  message: string;
}

/** What a listener hears about its topic. */
export type TopicEvent<T> =
  | { kind: 'data'; data: T; seq: number; snapshot: boolean }
  | { kind: 'error'; error: TopicError };

export type TopicListener<T = unknown> = (event: TopicEvent<T>) => void;

export interface TopicState {
  data: unknown;
  seq: number;
  /** The view the server said it sends ("public", "moderator"). */
  view: string;
}

/** The subset of the browser's WebSocket the client uses. */
export interface SocketLike {
  readyState: number;
  onopen: ((ev: Event) => void) | null;
  onclose: ((ev: CloseEvent) => void) | null;
  onerror: ((ev: Event) => void) | null;
  onmessage: ((ev: MessageEvent) => void) | null;
  send(data: string): void;
  close(code?: number, reason?: string): void;
}

export type SocketFactory = (url: string) => SocketLike;

export interface LiveClientOptions {
  url: string | (() => string);
  socket?: SocketFactory;
  setTimeout?: (fn: () => void, ms: number) => unknown;
  clearTimeout?: (handle: unknown) => void;
  /** In [0, 1); for the jitter. */
  random?: () => number;
  minDelayMs?: number;
  maxDelayMs?: number;
  watchdogMs?: number;
  /** How long an unused socket stays open, in case a next page subscribes again. */
  lingerMs?: number;
}

const OPEN = 1;

/** Close codes the server uses to ask for a reconnect. */
export const CLOSE_BEHIND = 4000;
export const CLOSE_STOPPING = 4001;

/**
 * The delay before reconnect attempt `attempt` (0-based): base 0.5 s doubling
 * up to 10 s, of which a random half is taken off ("equal jitter"), so that
 * hundreds of phones do not all come back in the same millisecond.
 */
export function backoffDelay(attempt: number, random: () => number = Math.random, minMs = 500, maxMs = 10_000): number {
  const base = Math.min(maxMs, minMs * 2 ** Math.max(0, attempt));
  return Math.round(base / 2 + random() * (base / 2));
}

/** The live URL of the page's own origin: wss: under https:, ws: otherwise. */
export function liveUrl(location: Pick<Location, 'protocol' | 'host'>): string {
  const scheme = location.protocol === 'https:' ? 'wss:' : 'ws:';
  return `${scheme}//${location.host}/api/v1/live`;
}

interface Entry {
  listeners: Set<TopicListener>;
  options: SubscribeOptions[];
  state: TopicState | null;
  /** Set after each (re)subscribe until the snapshot arrives: then any seq is accepted. */
  awaitingSnapshot: boolean;
}

interface ServerMessage {
  type?: string;
  topic?: string;
  view?: string;
  seq?: number;
  data?: unknown;
  code?: string;
  message?: string;
}

export class LiveClient {
  private readonly opts: Required<Omit<LiveClientOptions, 'url' | 'socket'>> & { socket: SocketFactory };
  private readonly url: () => string;
  private readonly topics = new Map<string, Entry>();
  private readonly stateListeners = new Set<(state: ConnectionState) => void>();
  private socket: SocketLike | null = null;
  private attempt = 0;
  private reconnectTimer: unknown = null;
  private watchdogTimer: unknown = null;
  private lingerTimer: unknown = null;
  private current: ConnectionState = 'idle';

  constructor(options: LiveClientOptions) {
    const url = options.url;
    this.url = typeof url === 'function' ? url : () => url;
    this.opts = {
      socket: options.socket ?? ((u) => new WebSocket(u) as SocketLike),
      setTimeout: options.setTimeout ?? ((fn, ms) => globalThis.setTimeout(fn, ms)),
      clearTimeout: options.clearTimeout ?? ((h) => globalThis.clearTimeout(h as ReturnType<typeof setTimeout>)),
      random: options.random ?? Math.random,
      minDelayMs: options.minDelayMs ?? 500,
      maxDelayMs: options.maxDelayMs ?? 10_000,
      watchdogMs: options.watchdogMs ?? 45_000,
      lingerMs: options.lingerMs ?? 3_000,
    };
  }

  /** The connection state, for the status indicator. */
  get state(): ConnectionState {
    return this.current;
  }

  /** Calls `listener` on every change of the connection state; returns the unsubscribe. */
  onState(listener: (state: ConnectionState) => void): () => void {
    this.stateListeners.add(listener);
    return () => this.stateListeners.delete(listener);
  }

  /** The latest data and seq of `topic`, if any arrived. */
  latest(topic: string): TopicState | null {
    return this.topics.get(topic)?.state ?? null;
  }

  /**
   * Follows `topic`. The listener hears the latest data at once if some is
   * held, then every snapshot and update. Returns the function that stops it.
   */
  subscribe<T>(topic: string, options: SubscribeOptions, listener: TopicListener<T>): () => void {
    this.opts.clearTimeout(this.lingerTimer);
    this.lingerTimer = null;
    let entry = this.topics.get(topic);
    const l = listener as TopicListener;
    if (!entry) {
      entry = { listeners: new Set(), options: [], state: null, awaitingSnapshot: true };
      this.topics.set(topic, entry);
    }
    const before = mergeOptions(entry.options);
    entry.listeners.add(l);
    entry.options.push(options);
    const after = mergeOptions(entry.options);
    if (entry.state) l({ kind: 'data', data: entry.state.data as T, seq: entry.state.seq, snapshot: true });
    if (entry.listeners.size === 1 || !sameOptions(before, after)) {
      entry.awaitingSnapshot = true;
      this.sendSubscribe(topic, after);
    }
    this.ensureSocket();
    let active = true;
    return () => {
      if (!active) return;
      active = false;
      this.unsubscribe(topic, l, options);
    };
  }

  /** Closes the socket and forgets every topic (e.g. in tests, or on logout). */
  close(): void {
    this.topics.clear();
    this.teardown();
    this.setState('idle');
  }

  private unsubscribe(topic: string, listener: TopicListener, options: SubscribeOptions): void {
    const entry = this.topics.get(topic);
    if (!entry) return;
    entry.listeners.delete(listener);
    const i = entry.options.indexOf(options);
    if (i >= 0) entry.options.splice(i, 1);
    if (entry.listeners.size === 0) {
      this.topics.delete(topic);
      this.send({ type: 'unsubscribe', topic });
      if (this.topics.size === 0) this.scheduleLinger();
    }
  }

  private scheduleLinger(): void {
    this.opts.clearTimeout(this.lingerTimer);
    this.lingerTimer = this.opts.setTimeout(() => {
      this.lingerTimer = null;
      if (this.topics.size === 0) {
        this.teardown();
        this.setState('idle');
      }
    }, this.opts.lingerMs);
  }

  private ensureSocket(): void {
    if (this.socket || this.reconnectTimer !== null) return;
    this.connect();
  }

  private connect(): void {
    this.reconnectTimer = null;
    if (this.topics.size === 0) {
      this.setState('idle');
      return;
    }
    this.setState(this.attempt === 0 ? 'connecting' : 'reconnecting');
    let socket: SocketLike;
    try {
      socket = this.opts.socket(this.url());
    } catch {
      this.scheduleReconnect();
      return;
    }
    this.socket = socket;
    // A connect that hangs counts like silence on an open connection.
    this.armWatchdog();
    socket.onopen = () => {
      if (this.socket !== socket) return;
      this.setState('open');
      for (const [topic, entry] of this.topics) {
        entry.awaitingSnapshot = true;
        this.sendSubscribe(topic, mergeOptions(entry.options));
      }
      this.armWatchdog();
    };
    socket.onmessage = (event) => {
      if (this.socket !== socket) return;
      this.armWatchdog();
      this.onMessage(event.data);
    };
    socket.onclose = () => {
      if (this.socket !== socket) return;
      this.dropSocket();
      this.scheduleReconnect();
    };
    // An error is always followed by a close; the close handler reconnects.
    socket.onerror = () => {};
  }

  private onMessage(raw: unknown): void {
    if (typeof raw !== 'string') return;
    let msg: ServerMessage;
    try {
      msg = JSON.parse(raw) as ServerMessage;
    } catch {
      return;
    }
    if (typeof msg !== 'object' || msg === null) return;
    // A message proves the connection works: the next failure starts the backoff anew.
    this.attempt = 0;
    if (msg.type === 'hb') return;
    const entry = msg.topic ? this.topics.get(msg.topic) : undefined;
    if (!entry) return;
    if (msg.type === 'error') {
      const error = { code: msg.code ?? 'error', message: msg.message ?? '' };
      for (const l of [...entry.listeners]) l({ kind: 'error', error });
      return;
    }
    if (msg.type !== 'snapshot' && msg.type !== 'update') return;
    const seq = typeof msg.seq === 'number' ? msg.seq : 0;
    const snapshot = msg.type === 'snapshot';
    if (!snapshot && (entry.awaitingSnapshot || (entry.state && seq <= entry.state.seq))) return;
    entry.awaitingSnapshot = false;
    entry.state = { data: msg.data, seq, view: msg.view ?? 'public' };
    for (const l of [...entry.listeners]) l({ kind: 'data', data: msg.data, seq, snapshot });
  }

  private scheduleReconnect(): void {
    if (this.topics.size === 0) {
      this.setState('idle');
      return;
    }
    this.setState('reconnecting');
    const delay = backoffDelay(this.attempt, this.opts.random, this.opts.minDelayMs, this.opts.maxDelayMs);
    this.attempt += 1;
    this.reconnectTimer = this.opts.setTimeout(() => this.connect(), delay);
  }

  private armWatchdog(): void {
    this.opts.clearTimeout(this.watchdogTimer);
    this.watchdogTimer = this.opts.setTimeout(() => {
      this.watchdogTimer = null;
      // Silence for this long means the connection is dead even if the browser has not noticed.
      const socket = this.socket;
      this.dropSocket();
      try {
        socket?.close();
      } catch {
        // Already closed.
      }
      this.scheduleReconnect();
    }, this.opts.watchdogMs);
  }

  /** Forgets the socket without waiting for its close event (its handlers are detached). */
  private dropSocket(): void {
    const socket = this.socket;
    this.socket = null;
    this.opts.clearTimeout(this.watchdogTimer);
    this.watchdogTimer = null;
    if (socket) {
      socket.onopen = socket.onmessage = socket.onerror = null;
      socket.onclose = null;
    }
  }

  private teardown(): void {
    const socket = this.socket;
    this.dropSocket();
    this.opts.clearTimeout(this.reconnectTimer);
    this.reconnectTimer = null;
    this.opts.clearTimeout(this.lingerTimer);
    this.lingerTimer = null;
    this.attempt = 0;
    try {
      socket?.close(1000);
    } catch {
      // Already closed.
    }
  }

  private sendSubscribe(topic: string, options: SubscribeOptions): void {
    const msg: Record<string, unknown> = { type: 'subscribe', topic };
    if (options.view === 'moderator') msg.view = 'moderator';
    if (options.presenter) msg.presenter = true;
    this.send(msg);
  }

  private send(msg: Record<string, unknown>): void {
    // Before the socket is open nothing is sent: onopen subscribes every topic.
    if (this.socket && this.socket.readyState === OPEN) this.socket.send(JSON.stringify(msg));
  }

  private setState(state: ConnectionState): void {
    if (state === this.current) return;
    this.current = state;
    for (const l of [...this.stateListeners]) l(state);
  }
}

function mergeOptions(list: readonly SubscribeOptions[]): SubscribeOptions {
  const merged: SubscribeOptions = {};
  if (list.some((o) => o.view === 'moderator')) merged.view = 'moderator';
  if (list.some((o) => o.presenter)) merged.presenter = true;
  return merged;
}

function sameOptions(a: SubscribeOptions, b: SubscribeOptions): boolean {
  return (a.view ?? 'public') === (b.view ?? 'public') && !!a.presenter === !!b.presenter;
}
