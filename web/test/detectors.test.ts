/**
 * The detectors' shared machinery without a browser: the interval builder (debounce,
 * back-dated start and end) and the reporter (queue while offline, order, end after start,
 * refused findings dropped, retry on network trouble).
 */
import { describe, it } from 'vitest';
import assert from 'node:assert/strict';
import { IntervalBuilder } from '../src/lib/detectors/interval.ts';
import { ViolationReporter } from '../src/lib/detectors/reporter.ts';
import { levelDb } from '../src/lib/detectors/voice.ts';

type Event = [string, string, number, number?];

function recorder() {
  const events: Event[] = [];
  return {
    events,
    start: (type: string, at: number, confidence?: number) => events.push(confidence === undefined ? ['start', type, at] : ['start', type, at, confidence]),
    end: (type: string, at: number) => events.push(['end', type, at]),
  };
}

describe('IntervalBuilder', () => {
  it('ignores a flicker shorter than minMs', () => {
    const r = recorder();
    const b = new IntervalBuilder('focus_lost', r, { minMs: 1000, releaseMs: 300 });
    b.sample(true, 0);
    b.sample(true, 900);
    b.sample(false, 950);
    b.sample(false, 5000);
    assert.deepEqual(r.events, []);
  });

  it('starts at the first sighting and ends when the condition stopped, not when it was noticed', () => {
    const r = recorder();
    const b = new IntervalBuilder('no_face', r, { minMs: 3000, releaseMs: 1500 });
    b.sample(true, 10_000, 0.4);
    b.sample(true, 11_000, 0.9);
    b.sample(true, 13_000);
    assert.deepEqual(r.events, [['start', 'no_face', 10_000, 0.9]]);
    assert.equal(b.active, true);
    b.sample(false, 14_000);
    b.sample(true, 14_500); // back within the release time: the same interval goes on
    b.sample(false, 15_000);
    b.tick(16_600);
    assert.deepEqual(r.events, [
      ['start', 'no_face', 10_000, 0.9],
      ['end', 'no_face', 15_000],
    ]);
    assert.equal(b.active, false);
  });

  it('starts from a timer tick while the condition persists without new samples', () => {
    const r = recorder();
    const b = new IntervalBuilder('tab_hidden', r, { minMs: 1000, releaseMs: 300 });
    b.sample(true, 0);
    b.tick(500);
    assert.deepEqual(r.events, []);
    b.tick(1200);
    assert.deepEqual(r.events, [['start', 'tab_hidden', 0]]);
  });

  it('flushes an open interval when the detector stops', () => {
    const r = recorder();
    const b = new IntervalBuilder('voice', r, { minMs: 0, releaseMs: 0 });
    b.sample(true, 100);
    b.flush(700);
    assert.deepEqual(r.events, [
      ['start', 'voice', 100],
      ['end', 'voice', 700],
    ]);
  });
});

describe('ViolationReporter', () => {
  type Sent = [string, Record<string, unknown>];
  function server(fail?: (name: string, n: number) => string | null) {
    const sent: Sent[] = [];
    const keys: string[] = [];
    let n = 0;
    const request = async (name: string, payload: unknown) => {
      n += 1;
      const code = fail?.(name, n) ?? null;
      if (code) throw Object.assign(new Error(code), { code });
      // Every report carries its UUID key; the rest of the payload is compared as before.
      const { idempotencyKey, ...rest } = payload as Record<string, unknown>;
      if (name === 'violation:report') {
        assert.match(String(idempotencyKey), /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/);
        keys.push(String(idempotencyKey));
      }
      sent.push([name, rest]);
      return (name === 'violation:report' ? { violationId: `v${sent.length}`, alreadyStored: false } : {}) as never;
    };
    return { sent, keys, request };
  }

  it('queues findings until ready, then sends them in order with their original times', async () => {
    const s = server();
    const r = new ViolationReporter(s.request, () => 10_000);
    r.start('no_face', 1000, 0.5);
    r.pulse('paste', 2000);
    r.end('no_face', 3000);
    assert.equal(s.sent.length, 0);
    assert.equal(r.pending, 2);
    r.setReady(true);
    await r.flush();
    assert.deepEqual(s.sent, [
      ['violation:report', { type: 'no_face', startedAt: new Date(1000).toISOString(), endedAt: new Date(3000).toISOString(), confidence: 0.5 }],
      ['violation:report', { type: 'paste', startedAt: new Date(2000).toISOString(), endedAt: new Date(2000).toISOString() }],
    ]);
    assert.equal(r.pending, 0);
    r.close();
  });

  it('ends a stored violation with violation:end', async () => {
    const s = server();
    const r = new ViolationReporter(s.request, () => 10_000);
    r.setReady(true);
    r.start('focus_lost', 5000);
    await r.flush();
    r.end('focus_lost', 8000);
    await r.flush();
    assert.deepEqual(s.sent, [
      ['violation:report', { type: 'focus_lost', startedAt: new Date(5000).toISOString(), endedAt: null }],
      ['violation:end', { violationId: 'v1', endedAt: new Date(8000).toISOString() }],
    ]);
    r.close();
  });

  it('drops a finding the server refuses and goes on; keeps one that met network trouble', async () => {
    const s = server((name, n) => (n === 1 ? 'bad_request' : n === 2 ? 'network' : null));
    const r = new ViolationReporter(s.request, () => 10_000);
    r.pulse('copy', 1000);
    r.pulse('cut', 2000);
    r.setReady(true);
    await r.flush();
    assert.equal(s.sent.length, 0, 'copy refused, cut hit a network error');
    assert.equal(r.pending, 1);
    await r.flush();
    assert.deepEqual(s.sent.map(([, p]) => p.type), ['cut']);
    r.close();
  });

  it('shows what is going on and what just happened to the candidate', () => {
    let now = 10_000;
    const r = new ViolationReporter(async () => ({ violationId: 'x', alreadyStored: false }) as never, () => now);
    r.start('multiple_faces', 9000);
    r.pulse('copy', 9500);
    assert.deepEqual(r.current().map((v) => [v.type, v.endedAt]), [['multiple_faces', null], ['copy', 9500]]);
    now = 30_000;
    assert.deepEqual(r.current().map((v) => v.type), ['multiple_faces']);
    r.close();
  });
});

describe('levelDb', () => {
  it('is 0 dBFS at full scale, about −6 at half and −Infinity for digital silence', () => {
    assert.equal(Math.round(levelDb(new Float32Array(128).fill(1))), 0);
    assert.equal(Math.round(levelDb(new Float32Array(128).fill(0.5))), -6);
    assert.equal(levelDb(new Float32Array(128)), -Infinity);
  });
});
