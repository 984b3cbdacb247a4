import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { backoffDelay, LiveClient, liveUrl, type ConnectionState, type SocketLike, type TopicEvent } from './live';

/** A WebSocket stand-in: records what the client sends, lets the test play the server. */
class FakeSocket implements SocketLike {
  static all: FakeSocket[] = [];
  readyState = 0;
  onopen: ((ev: Event) => void) | null = null;
  onclose: ((ev: CloseEvent) => void) | null = null;
  onerror: ((ev: Event) => void) | null = null;
  onmessage: ((ev: MessageEvent) => void) | null = null;
  sent: Array<Record<string, unknown>> = [];
  closedByClient = false;

  constructor(readonly url: string) {
    FakeSocket.all.push(this);
  }
  send(data: string): void {
    if (this.readyState !== 1) throw new Error('send before open');
    this.sent.push(JSON.parse(data) as Record<string, unknown>);
  }
  close(): void {
    this.closedByClient = true;
    this.readyState = 3;
  }
  // Server side.
  open(): void {
    this.readyState = 1;
    this.onopen?.(new Event('open'));
  }
  receive(msg: unknown): void {
    this.onmessage?.({ data: JSON.stringify(msg) } as MessageEvent);
  }
  drop(code = 1006): void {
    this.readyState = 3;
    this.onclose?.({ code } as CloseEvent);
  }
}

const last = () => FakeSocket.all.at(-1)!;

function client(random = () => 0.5) {
  return new LiveClient({ url: 'ws://app/api/v1/live', socket: (u) => new FakeSocket(u), random });
}

beforeEach(() => {
  vi.useFakeTimers();
  FakeSocket.all = [];
});
afterEach(() => {
  vi.useRealTimers();
});

describe('backoffDelay', () => {
  it('doubles from 0.5 s to at most 10 s and takes up to half off at random', () => {
    const none = () => 0.999999;
    const all = () => 0;
    expect([0, 1, 2, 3, 4, 5, 6, 10].map((a) => backoffDelay(a, none))).toEqual([
      500, 1000, 2000, 4000, 8000, 10000, 10000, 10000,
    ]);
    expect([0, 1, 2, 5].map((a) => backoffDelay(a, all))).toEqual([250, 500, 1000, 5000]);
  });
});

describe('liveUrl', () => {
  it('uses the page origin with ws: or wss:', () => {
    expect(liveUrl({ protocol: 'http:', host: '127.0.0.1:8080' })).toBe('ws://127.0.0.1:8080/api/v1/live');
    expect(liveUrl({ protocol: 'https:', host: 'beteiligung.stadt.de' })).toBe('wss://beteiligung.stadt.de/api/v1/live');
  });
});

describe('LiveClient', () => {
  it('connects on the first subscribe and subscribes once the socket is open', () => {
    const c = client();
    const states: ConnectionState[] = [];
    c.onState((s) => states.push(s));
    c.subscribe('round:12', {}, () => {});
    c.subscribe('session:3', { presenter: true }, () => {});
    expect(FakeSocket.all).toHaveLength(1);
    expect(last().url).toBe('ws://app/api/v1/live');
    last().open();
    expect(last().sent).toEqual([
      { type: 'subscribe', topic: 'round:12' },
      { type: 'subscribe', topic: 'session:3', presenter: true },
    ]);
    expect(states).toEqual(['connecting', 'open']);
  });

  it('delivers snapshots and newer updates, drops older ones, and keeps the latest', () => {
    const c = client();
    const got: Array<TopicEvent<{ n: number }>> = [];
    c.subscribe<{ n: number }>('round:1', { view: 'moderator' }, (e) => got.push(e));
    last().open();
    expect(last().sent).toEqual([{ type: 'subscribe', topic: 'round:1', view: 'moderator' }]);
    last().receive({ type: 'update', topic: 'round:1', seq: 9, data: { n: 0 } }); // before the snapshot: ignored
    last().receive({ type: 'snapshot', topic: 'round:1', view: 'moderator', seq: 7, data: { n: 1 } });
    last().receive({ type: 'update', topic: 'round:1', seq: 9, data: { n: 2 } });
    last().receive({ type: 'update', topic: 'round:1', seq: 8, data: { n: 99 } });
    last().receive({ type: 'hb' });
    last().receive({ type: 'update', topic: 'round:2', seq: 10, data: { n: 5 } });
    expect(got.map((e) => (e.kind === 'data' ? [e.data.n, e.seq, e.snapshot] : e.kind))).toEqual([
      [1, 7, true],
      [2, 9, false],
    ]);
    expect(c.latest('round:1')).toEqual({ data: { n: 2 }, seq: 9, view: 'public' });
  });

  it('passes refused subscriptions on as errors', () => {
    const c = client();
    const got: TopicEvent<unknown>[] = [];
    c.subscribe('round:5', { view: 'moderator' }, (e) => got.push(e));
    last().open();
    last().receive({ type: 'error', topic: 'round:5', code: 'forbidden', message: 'Only moderators.' });
    expect(got).toEqual([{ kind: 'error', error: { code: 'forbidden', message: 'Only moderators.' } }]);
  });

  it('shares one subscription per topic, merges options and unsubscribes after the last listener', () => {
    const c = client();
    const a: number[] = [];
    const b: number[] = [];
    const stopA = c.subscribe<number>('round:1', {}, (e) => e.kind === 'data' && a.push(e.data));
    last().open();
    last().receive({ type: 'snapshot', topic: 'round:1', seq: 1, data: 1 });
    // A second listener hears the held data at once; asking for more sends a new subscribe.
    const stopB = c.subscribe<number>('round:1', { presenter: true }, (e) => e.kind === 'data' && b.push(e.data));
    expect(b).toEqual([1]);
    expect(last().sent.at(-1)).toEqual({ type: 'subscribe', topic: 'round:1', presenter: true });
    last().receive({ type: 'snapshot', topic: 'round:1', seq: 1, data: 2 });
    expect(a).toEqual([1, 2]);
    expect(b).toEqual([1, 2]);
    stopA();
    stopA();
    expect(last().sent.filter((m) => m.type === 'unsubscribe')).toEqual([]);
    stopB();
    expect(last().sent.at(-1)).toEqual({ type: 'unsubscribe', topic: 'round:1' });
    // The socket lingers a moment for the next page, then closes.
    expect(last().closedByClient).toBe(false);
    vi.advanceTimersByTime(3_000);
    expect(last().closedByClient).toBe(true);
    expect(c.state).toBe('idle');
  });

  it('keeps the socket when a next page subscribes within the linger time', () => {
    const c = client();
    c.subscribe('round:1', {}, () => {})();
    vi.advanceTimersByTime(1_000);
    c.subscribe('round:2', {}, () => {});
    vi.advanceTimersByTime(10_000);
    expect(FakeSocket.all).toHaveLength(1);
    expect(last().closedByClient).toBe(false);
  });

  for (const code of [4000, 4001, 1006]) {
    it(`reconnects after close code ${code} and subscribes everything again`, () => {
      const c = client();
      const got: number[] = [];
      c.subscribe<number>('round:1', {}, (e) => e.kind === 'data' && got.push(e.data));
      c.subscribe('session:2', { view: 'moderator' }, () => {});
      const first = last();
      first.open();
      first.receive({ type: 'snapshot', topic: 'round:1', seq: 50, data: 1 });
      first.drop(code);
      expect(c.state).toBe('reconnecting');
      expect(FakeSocket.all).toHaveLength(1);
      vi.advanceTimersByTime(374); // 0.5 s with jitter 0.5 → 375 ms
      expect(FakeSocket.all).toHaveLength(1);
      vi.advanceTimersByTime(1);
      expect(FakeSocket.all).toHaveLength(2);
      last().open();
      expect(c.state).toBe('open');
      expect(last().sent).toEqual([
        { type: 'subscribe', topic: 'round:1' },
        { type: 'subscribe', topic: 'session:2', view: 'moderator' },
      ]);
      // The new connection's seq starts anew: its snapshot is taken although 3 < 50.
      last().receive({ type: 'snapshot', topic: 'round:1', seq: 3, data: 2 });
      last().receive({ type: 'update', topic: 'round:1', seq: 4, data: 3 });
      expect(got).toEqual([1, 2, 3]);
    });
  }

  it('backs off exponentially while the server stays away, up to 10 s', () => {
    const c = client(() => 0.999999);
    c.subscribe('round:1', {}, () => {});
    const delays: number[] = [];
    for (let i = 0; i < 7; i++) {
      last().drop();
      const before = FakeSocket.all.length;
      let waited = 0;
      while (FakeSocket.all.length === before) {
        vi.advanceTimersByTime(100);
        waited += 100;
      }
      delays.push(waited);
    }
    expect(delays).toEqual([500, 1000, 2000, 4000, 8000, 10000, 10000]);
    // A working connection resets the backoff.
    last().open();
    last().receive({ type: 'hb' });
    last().drop();
    vi.advanceTimersByTime(500);
    expect(c.state).toBe('reconnecting');
    expect(FakeSocket.all).toHaveLength(9);
  });

  it('reconnects when nothing arrived for 45 s, heartbeats included', () => {
    const c = client();
    c.subscribe('round:1', {}, () => {});
    last().open();
    vi.advanceTimersByTime(44_000);
    last().receive({ type: 'hb' });
    vi.advanceTimersByTime(44_000);
    expect(FakeSocket.all).toHaveLength(1);
    vi.advanceTimersByTime(1_000);
    expect(last().closedByClient).toBe(true);
    expect(c.state).toBe('reconnecting');
    vi.advanceTimersByTime(375);
    expect(FakeSocket.all).toHaveLength(2);
  });

  it('treats a connect that never opens like silence', () => {
    const c = client();
    c.subscribe('round:1', {}, () => {});
    vi.advanceTimersByTime(45_000);
    expect(FakeSocket.all[0]!.closedByClient).toBe(true);
    vi.advanceTimersByTime(375);
    expect(FakeSocket.all).toHaveLength(2);
    expect(c.state).toBe('reconnecting');
  });

  it('ignores events of a socket it has given up on', () => {
    const c = client();
    const got: number[] = [];
    c.subscribe<number>('round:1', {}, (e) => e.kind === 'data' && got.push(e.data));
    const old = last();
    old.open();
    vi.advanceTimersByTime(45_000);
    old.receive({ type: 'snapshot', topic: 'round:1', seq: 1, data: 7 });
    expect(got).toEqual([]);
  });

  it('close() forgets everything and stops reconnecting', () => {
    const c = client();
    c.subscribe('round:1', {}, () => {});
    last().open();
    last().drop();
    c.close();
    vi.advanceTimersByTime(60_000);
    expect(FakeSocket.all).toHaveLength(1);
    expect(c.state).toBe('idle');
  });

  it('ignores malformed frames', () => {
    const c = client();
    const got: unknown[] = [];
    c.subscribe('round:1', {}, (e) => got.push(e));
    last().open();
    last().onmessage?.({ data: 'not json' } as MessageEvent);
    last().onmessage?.({ data: 'null' } as MessageEvent);
    last().receive({ type: 'snapshot' });
    expect(got).toEqual([]);
  });
});
