/**
 * The dump writer's bound on what a SIGKILL can lose: a flush that finds the previous write
 * still in flight is not skipped until the next tick (records would then wait two intervals
 * plus a slow write in memory) but runs as soon as that write completes.
 */
import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, test } from 'vitest';
import { parseDumpHeader, readDumpRecords, RecordKind, type DumpHeader } from '../../src/dump/rtp-dump-format.ts';
import { ChunkPool, TrackDump } from '../../src/tap/track-dump.ts';

const header: DumpHeader = {
  version: 1,
  recordingId: '00000000-0000-4000-8000-000000000001',
  kind: 'audio',
  mimeType: 'audio/opus',
  payloadType: 100,
  clockRate: 48000,
  channels: 2,
  ssrc: 1234,
  startedAtMs: Date.now(),
};

function packet(seq: number): Buffer {
  const p = Buffer.alloc(172);
  p[0] = 0x80;
  p[1] = 100;
  p.writeUInt16BE(seq, 2);
  p.writeUInt32BE(1234, 8);
  return p;
}

describe('TrackDump', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), 'track-dump-'));
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  test('a flush during a write in flight is written when that write completes, without another tick', async () => {
    const file = path.join(dir, 'a.rtpdump');
    const dump = new TrackDump(file, header, new ChunkPool());
    for (let seq = 0; seq < 10; seq++) dump.append(RecordKind.rtp, seq * 20, packet(seq));
    dump.flush(); // write 1 in flight
    for (let seq = 10; seq < 20; seq++) dump.append(RecordKind.rtp, seq * 20, packet(seq));
    dump.flush(); // finds write 1 in flight: must follow it by itself
    const deadline = Date.now() + 2_000;
    let seqs: number[] = [];
    while (Date.now() < deadline) {
      const buf = await readFile(file);
      const { bodyOffset } = parseDumpHeader(buf);
      seqs = [...readDumpRecords(buf, bodyOffset)].map((r) => r.packet.readUInt16BE(2));
      if (seqs.length === 20) break;
      await new Promise((r) => setTimeout(r, 10));
    }
    assert.deepEqual(seqs, Array.from({ length: 20 }, (_, i) => i), 'both batches on disk with no further flush() call');
    const stats = await dump.close();
    assert.equal(stats.rtpRecords, 20);
    assert.equal(stats.error, undefined);
  });
});
