/**
 * The recording tap with real mediasoup: producers fed real RTP (ffmpeg → PlainTransport),
 * recorded through one PlainTransport per router into one UDP socket, dumps parsed back.
 * Both tap hosts (inline and worker thread) are exercised. Plus the crash case: a child
 * process holding a dump writer is SIGKILLed mid-stream and its dump keeps everything
 * but the last second.
 */
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import dgram from 'node:dgram';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { afterAll, beforeAll, describe, test } from 'vitest';
import type * as ms from 'mediasoup/types';
import { type DumpRecord, parseDumpHeader, readDumpRecords, RecordKind } from '../src/dump/rtp-dump-format.ts';
import { RtpTap } from '../src/tap/rtp-tap.ts';
import { isVp8KeyframeStart } from '../src/tap/rtp-packets.ts';
import { createRouter, publish, sleep, waitForMedia } from './media-fixtures.ts';

async function readDump(file: string): Promise<{ header: ReturnType<typeof parseDumpHeader>['header']; records: DumpRecord[] }> {
  const buf = await readFile(file);
  const { header, bodyOffset } = parseDumpHeader(buf);
  return { header, records: [...readDumpRecords(buf, bodyOffset)] };
}

/** Sequence numbers of the RTP records, unwrapped and de-duplicated, ascending. */
function seqsOf(records: DumpRecord[]): number[] {
  const out = new Set<number>();
  let base = 0;
  let last = -1;
  for (const r of records) {
    if (r.kind !== RecordKind.rtp) continue;
    const seq = r.packet.readUInt16BE(2);
    if (last >= 0 && seq < last && last - seq > 0x8000) base += 0x10000;
    last = seq;
    out.add(base + seq);
  }
  return [...out].sort((a, b) => a - b);
}

describe('RtpTap (real mediasoup)', () => {
  let worker: ms.Worker;
  let router: ms.Router;
  let dir: string;
  beforeAll(async () => {
    ({ worker, router } = await createRouter());
    dir = await mkdtemp(path.join(os.tmpdir(), 'rtp-tap-'));
  });
  afterAll(async () => {
    worker.close();
    await rm(dir, { recursive: true, force: true });
  });

  for (const mode of ['inline', 'thread'] as const) {
    test(`camera + microphone into dumps through one socket (${mode})`, async () => {
      const tap = new RtpTap({ mode });
      const camera = await publish(router, 'video');
      const mic = await publish(router, 'audio');
      try {
        await Promise.all([waitForMedia(camera.producer), waitForMedia(mic.producer)]);
        const startedAt = new Date();
        const [cam, au] = await Promise.all(
          [camera, mic].map((p, i) =>
            tap.record({ router, workerIndex: 0, producer: p.producer, recordingId: `rec-${mode}-${i}`, file: path.join(dir, mode, `${i}.rtpdump`), startedAt }),
          ),
        );
        assert.notEqual(cam!.ssrc, au!.ssrc);
        const stats = await tap.stats();
        assert.equal(stats.length, 1, 'one tap for the worker');
        assert.equal(stats[0]!.receive, 'handle', 'datagrams are taken from the socket handle, not through EventEmitter');

        await sleep(2500);
        // While recording: the file already holds what arrived up to ≤ 1 s ago (flush interval).
        const live = await readDump(cam!.file);
        const lastLive = live.records.filter((r) => r.kind === RecordKind.rtp).at(-1)!;
        const lag = Date.now() - (live.header.startedAtMs + lastLive.arrivalMs);
        assert.ok(lag <= 1000, `last flushed packet is ${lag} ms old`);

        const [camResult, auResult] = await Promise.all([cam!.stop(), au!.stop()]);
        for (const [track, result, kind] of [[cam!, camResult, 'video'], [au!, auResult, 'audio']] as const) {
          const { header, records } = await readDump(track.file);
          assert.equal(header.kind, kind);
          assert.equal(header.ssrc, track.ssrc);
          assert.equal(header.recordingId, kind === 'video' ? `rec-${mode}-0` : `rec-${mode}-1`);
          assert.equal(header.mimeType.toLowerCase(), kind === 'video' ? 'video/vp8' : 'audio/opus');
          const rtp = records.filter((r) => r.kind === RecordKind.rtp);
          assert.equal(rtp.length, result.rtpRecords, 'every counted packet is in the file');
          assert.ok(rtp.every((r) => r.packet.readUInt32BE(8) === track.ssrc), 'only this track’s SSRC');
          assert.ok(rtp.every((r) => (r.packet[1]! & 0x7f) === header.payloadType));
          const seqs = seqsOf(records);
          const span = seqs.at(-1)! - seqs[0]! + 1;
          assert.ok(span - seqs.length <= 1, `${kind}: ${span - seqs.length} sequence numbers missing of ${span}`);
          // ~2.5 s: audio 50 packets/s, the VP8 clip at 500 kbit/s ≥ 60 packets/s.
          assert.ok(rtp.length > 100, `${kind}: ${rtp.length} packets`);
          for (let i = 1; i < records.length; i++) assert.ok(records[i]!.arrivalMs >= records[i - 1]!.arrivalMs, 'arrival times ascend');
          if (kind === 'video') {
            assert.ok(isVp8KeyframeStart(rtp[0]!.packet), 'the video dump starts with a key frame');
            assert.equal(result.keyframeSeen, true);
          }
          assert.equal(result.droppedRecords, 0);
          assert.equal(result.error, undefined);
        }
        // mediasoup sends sender reports for its consumers: kept for A/V sync (video ~1/s).
        const camDump = await readDump(cam!.file);
        assert.ok(camDump.records.some((r) => r.kind === RecordKind.rtcp && r.packet[1] === 200), 'sender reports are dumped');
        assert.equal(await cam!.stop(), camResult, 'stop is idempotent');
      } finally {
        await tap.close();
        await Promise.all([camera.close(), mic.close()]);
      }
    });
  }

  for (const mode of ['inline', 'thread'] as const) {
    test(`a pause in a running track's media is reported as a hole once it is back (${mode})`, async () => {
      const holes: { recordingId: string; fromMs: number; toMs: number }[] = [];
      const tap = new RtpTap({ mode, onHole: (h) => holes.push(h) });
      const mic = await publish(router, 'audio');
      try {
        await waitForMedia(mic.producer);
        const startedAt = new Date();
        const track = await tap.record({
          router, workerIndex: 0, producer: mic.producer, recordingId: `hole-${mode}`, file: path.join(dir, mode, 'hole.rtpdump'), startedAt, holeMs: 500,
        });
        await sleep(1000);
        // A slow start (a thread that loads for seconds) is a hole from the row's start to the first packet.
        const startHole = holes.filter((h) => h.fromMs === startedAt.getTime());
        assert.ok(startHole.length <= 1);
        holes.splice(0, holes.length, ...holes.filter((h) => h.fromMs !== startedAt.getTime()));
        assert.equal(holes.length, 0, `no hole while the media flows: ${JSON.stringify(holes)}`);
        // The producer paused = no RTP reaches the recording consumer, like a cut link.
        const pausedAt = Date.now();
        await mic.producer.pause();
        await sleep(1500);
        await mic.producer.resume();
        const resumedAt = Date.now();
        await sleep(1000);
        const result = await track.stop();
        assert.equal(holes.length, 1, `one hole: ${JSON.stringify(holes)}`);
        const [hole] = holes;
        assert.equal(hole!.recordingId, `hole-${mode}`);
        assert.ok(Math.abs(hole!.fromMs - pausedAt) < 300, `the hole starts at the pause (${hole!.fromMs - pausedAt} ms)`);
        assert.ok(hole!.toMs >= resumedAt - 50 && hole!.toMs - resumedAt < 500, `the hole ends when the media is back (${hole!.toMs - resumedAt} ms)`);
        assert.ok(result.lastRtpAtMs !== null && Date.now() - result.lastRtpAtMs < 500, 'the stop knows when the last packet came');
      } finally {
        await tap.close();
        await mic.close();
      }
    });
  }

  test('a writer SIGKILLed mid-stream leaves a readable dump holding all but the last second', async () => {
    const file = path.join(dir, 'crash', 'mic.rtpdump');
    const ssrc = 0x1234abcd;
    const child = spawn(process.execPath, ['--import', 'tsx', new URL('./fixtures/tap-child.ts', import.meta.url).pathname, file, String(ssrc)], {
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    const exited = new Promise<void>((r) => child.once('exit', () => r()));
    try {
      const line = await new Promise<string>((resolve, reject) => {
        createInterface({ input: child.stdout! }).once('line', resolve);
        child.once('exit', () => reject(new Error('child exited before it was ready')));
      });
      const { port } = JSON.parse(line) as { port: number };
      const socket = dgram.createSocket('udp4');
      const sentAt: number[] = [];
      // 100 packets/s of 160-byte "opus" payloads for 3 s, then SIGKILL while still sending.
      for (let seq = 0; seq < 300; seq++) {
        const p = Buffer.alloc(172);
        p[0] = 0x80;
        p[1] = 100;
        p.writeUInt16BE(seq, 2);
        p.writeUInt32BE(seq * 480, 4);
        p.writeUInt32BE(ssrc, 8);
        socket.send(p, port, '127.0.0.1');
        sentAt.push(Date.now());
        await sleep(10);
      }
      const killedAt = Date.now();
      child.kill('SIGKILL');
      await exited;
      socket.close();

      const { header, records } = await readDump(file);
      assert.equal(header.ssrc, ssrc);
      const have = new Set(seqsOf(records));
      const missingOld = sentAt.map((t, seq) => ({ t, seq })).filter(({ t, seq }) => killedAt - t > 1000 && !have.has(seq));
      assert.deepEqual(missingOld.map((m) => m.seq), [], 'every packet older than 1 s at the kill is in the dump');
      assert.ok(have.size >= 150, `${have.size} packets recovered`);
    } finally {
      if (child.exitCode === null) child.kill('SIGKILL');
    }
  });
});
