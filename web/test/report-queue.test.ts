/**
 * The page's durable report queue (report-queue.ts) and the reporter over it: keys are made
 * once per finding and survive a reload; a report leaves the queue only when acked; resends
 * go out in order with the same keys; the queue is per session and bounded; broken storage
 * degrades to memory. localStorage is a browser API, so a tiny in-memory Storage stands in.
 */
import { describe, it, vi } from 'vitest';
import assert from 'node:assert/strict';
import { ReportQueue, reportQueueKey, type StorageLike } from '../src/lib/detectors/report-queue.ts';
import { REPORT_RETRY_MS, reportRetryDelay, ViolationReporter } from '../src/lib/detectors/reporter.ts';

class MemoryStorage implements StorageLike {
  readonly map = new Map<string, string>();
  getItem(k: string) {
    return this.map.get(k) ?? null;
  }
  setItem(k: string, v: string) {
    this.map.set(k, v);
  }
  removeItem(k: string) {
    this.map.delete(k);
  }
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

describe('ReportQueue', () => {
  it('gives each report a key when made, keeps it until removed, and survives a reload in order', () => {
    const storage = new MemoryStorage();
    const q = new ReportQueue(storage, 's1');
    const a = q.add({ type: 'copy', startedAt: 1000, endedAt: 1000 });
    const b = q.add({ type: 'no_face', startedAt: 2000, endedAt: 3000, confidence: 0.7 });
    assert.match(a.idempotencyKey, UUID);
    assert.notEqual(a.idempotencyKey, b.idempotencyKey);
    const reloaded = new ReportQueue(storage, 's1');
    assert.deepEqual(reloaded.pending(), [a, b]);
    reloaded.remove(a.idempotencyKey);
    assert.deepEqual(new ReportQueue(storage, 's1').pending(), [b]);
    reloaded.remove(b.idempotencyKey);
    assert.equal(storage.map.size, 0, 'an empty queue leaves nothing behind');
  });

  it('is per session', () => {
    const storage = new MemoryStorage();
    new ReportQueue(storage, 's1').add({ type: 'copy', startedAt: 1, endedAt: 1 });
    assert.equal(new ReportQueue(storage, 's2').size, 0);
    assert.ok(storage.getItem(reportQueueKey('s1')));
  });

  it('is bounded: past max the oldest go', () => {
    const storage = new MemoryStorage();
    const q = new ReportQueue(storage, 's1', { max: 3 });
    for (let i = 0; i < 5; i++) q.add({ type: 'paste', startedAt: i, endedAt: i });
    assert.deepEqual(new ReportQueue(storage, 's1', { max: 3 }).pending().map((r) => r.startedAt), [2, 3, 4]);
  });

  it('restores a report left open by the earlier page closed at its last write', () => {
    const storage = new MemoryStorage();
    let now = 5000;
    const q = new ReportQueue(storage, 's1', { now: () => now });
    q.add({ type: 'focus_lost', startedAt: 4000, endedAt: null });
    now = 9000;
    assert.equal(new ReportQueue(storage, 's1').pending()[0]!.endedAt, 5000);
  });

  it('skips garbage in storage and works in memory when storage throws', () => {
    const storage = new MemoryStorage();
    storage.setItem(reportQueueKey('s1'), JSON.stringify({ savedAt: 1, items: [{ idempotencyKey: 'nope', type: 'copy', startedAt: 1, endedAt: 1 }, 42] }));
    assert.equal(new ReportQueue(storage, 's1').size, 0);
    storage.setItem(reportQueueKey('s2'), '{not json');
    assert.equal(new ReportQueue(storage, 's2').size, 0);
    const broken: StorageLike = {
      getItem: () => {
        throw new Error('blocked');
      },
      setItem: () => {
        throw new Error('quota');
      },
      removeItem: () => undefined,
    };
    const q = new ReportQueue(broken, 's1');
    q.add({ type: 'cut', startedAt: 1, endedAt: 1 });
    assert.equal(q.size, 1);
  });
});

describe('ViolationReporter over a durable queue', () => {
  it('a lost ack is resent with the same key; the report leaves the queue only when acked', async () => {
    const storage = new MemoryStorage();
    const keys: string[] = [];
    let calls = 0;
    const request = async (name: string, payload: unknown) => {
      calls += 1;
      keys.push((payload as { idempotencyKey: string }).idempotencyKey);
      // The server stored it but the ack never arrived.
      if (calls === 1) throw Object.assign(new Error('timeout'), { code: 'timeout' });
      return { violationId: 'v1', alreadyStored: true } as never;
    };
    const r = new ViolationReporter(request, () => 10_000, new ReportQueue(storage, 's1'));
    r.pulse('copy', 1000);
    r.setReady(true);
    await r.flush();
    assert.equal(new ReportQueue(storage, 's1').size, 1, 'not acked: still stored');
    await r.flush();
    assert.equal(keys.length, 2);
    assert.equal(keys[0], keys[1]);
    assert.equal(new ReportQueue(storage, 's1').size, 0, 'acked: gone');
    assert.equal(r.pending, 0);
    r.close();
  });

  it('after a reload the new page resends what the old one never saw acked, in order, same keys, first', async () => {
    const storage = new MemoryStorage();
    const offline = new ViolationReporter(async () => ({}) as never, () => 10_000, new ReportQueue(storage, 's1'));
    offline.pulse('copy', 1000);
    offline.start('no_face', 2000);
    offline.end('no_face', 2500);
    offline.close(); // the page reloads before it was ever connected
    const before = new ReportQueue(storage, 's1').pending();
    assert.equal(before.length, 2);
    assert.equal(before[1]!.endedAt, 2500, 'the end made offline is kept with the report');

    const sent: Record<string, unknown>[] = [];
    const request = async (_name: string, payload: unknown) => {
      sent.push(payload as Record<string, unknown>);
      return { violationId: `v${sent.length}`, alreadyStored: false } as never;
    };
    const page = new ViolationReporter(request, () => 10_000, new ReportQueue(storage, 's1'));
    page.pulse('paste', 3000);
    page.setReady(true);
    await page.flush();
    assert.deepEqual(
      sent.map((p) => [p.idempotencyKey, p.type, p.endedAt]),
      [
        [before[0]!.idempotencyKey, 'copy', new Date(1000).toISOString()],
        [before[1]!.idempotencyKey, 'no_face', new Date(2500).toISOString()],
        [sent[2]!.idempotencyKey, 'paste', new Date(3000).toISOString()],
      ],
    );
    assert.equal(new ReportQueue(storage, 's1').size, 0);
    page.close();
  });

  it('a report refused for good leaves the queue', async () => {
    const storage = new MemoryStorage();
    const r = new ViolationReporter(
      async () => {
        throw Object.assign(new Error('bad'), { code: 'bad_request' });
      },
      () => 10_000,
      new ReportQueue(storage, 's1'),
    );
    r.pulse('copy', 1000);
    r.setReady(true);
    await r.flush();
    assert.equal(new ReportQueue(storage, 's1').size, 0);
    r.close();
  });

  it('keeps what the server cannot store yet and retries with a growing wait, the same key each time', async () => {
    const storage = new MemoryStorage();
    const keys: string[] = [];
    let down = true;
    const request = async (_name: string, payload: unknown) => {
      keys.push((payload as { idempotencyKey: string }).idempotencyKey);
      if (down) throw Object.assign(new Error('the database is unavailable; try again shortly'), { code: 'unavailable' });
      return { violationId: 'v1', alreadyStored: false } as never;
    };
    vi.useFakeTimers();
    try {
      const r = new ViolationReporter(request, () => 10_000, new ReportQueue(storage, 's1'));
      r.pulse('copy', 1000);
      r.setReady(true);
      await vi.advanceTimersByTimeAsync(0);
      assert.equal(keys.length, 1);
      // 1 s, then 2 s, then 4 s (each up to a quarter longer).
      await vi.advanceTimersByTimeAsync(REPORT_RETRY_MS[0] * 1.25);
      assert.equal(keys.length, 2);
      await vi.advanceTimersByTimeAsync(REPORT_RETRY_MS[0] * 1.25);
      assert.equal(keys.length, 2, 'the second wait is longer');
      await vi.advanceTimersByTimeAsync(REPORT_RETRY_MS[1] * 1.25);
      assert.equal(keys.length, 3);
      down = false;
      await vi.advanceTimersByTimeAsync(REPORT_RETRY_MS[2] * 1.25);
      assert.equal(keys.length, 4);
      assert.equal(new Set(keys).size, 1, 'every try carries the same key');
      assert.equal(r.pending, 0);
      assert.equal(new ReportQueue(storage, 's1').size, 0, 'stored: gone from the queue');
      r.close();
    } finally {
      vi.useRealTimers();
    }
  });

  it('the wait grows to 8 s and stays there, jittered by up to a quarter', () => {
    assert.deepEqual([1, 2, 3, 4, 5, 9].map((n) => reportRetryDelay(n, () => 0)), [1000, 2000, 4000, 8000, 8000, 8000]);
    assert.equal(reportRetryDelay(1, () => 0.999), 1250);
  });
});
