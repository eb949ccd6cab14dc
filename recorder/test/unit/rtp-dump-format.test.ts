import assert from 'node:assert/strict';
import { describe, it } from 'vitest';
import {
  RECORD_HEADER_BYTES, RecordKind, DumpFormatError, encodeDumpHeader, parseDumpHeader, readDumpRecords, writeDumpRecord,
  type DumpHeader,
} from '../../src/dump/rtp-dump-format.ts';

const header: DumpHeader = {
  version: 1, recordingId: 'r-1', kind: 'video', mimeType: 'video/VP8', payloadType: 96, clockRate: 90000, ssrc: 1234, startedAtMs: 1_700_000_000_000,
};

function dumpOf(packets: { kind: RecordKind; at: number; bytes: number[] }[]): Buffer {
  const head = encodeDumpHeader(header);
  const body = Buffer.alloc(packets.reduce((n, p) => n + RECORD_HEADER_BYTES + p.bytes.length, 0));
  let at = 0;
  for (const p of packets) at = writeDumpRecord(body, at, p.kind, p.at, Uint8Array.from(p.bytes));
  return Buffer.concat([head, body]);
}

describe('RTP dump format', () => {
  it('reads back the header and every record with its arrival time', () => {
    const file = dumpOf([
      { kind: RecordKind.rtp, at: 0, bytes: [0x80, 96, 0, 1] },
      { kind: RecordKind.rtcp, at: 999, bytes: [0x80, 200] },
      { kind: RecordKind.rtp, at: 4_000_000_000, bytes: [0x80, 96, 0, 2, 9] },
    ]);
    const { header: read, bodyOffset } = parseDumpHeader(file);
    assert.deepEqual(read, header);
    const records = [...readDumpRecords(file, bodyOffset)];
    assert.deepEqual(records.map((r) => [r.kind, r.arrivalMs, [...r.packet]]), [
      [RecordKind.rtp, 0, [0x80, 96, 0, 1]],
      [RecordKind.rtcp, 999, [0x80, 200]],
      [RecordKind.rtp, 4_000_000_000, [0x80, 96, 0, 2, 9]],
    ]);
  });

  it('refuses a record that does not fit its buffer instead of writing past it', () => {
    const small = Buffer.alloc(RECORD_HEADER_BYTES + 3, 0xee);
    assert.throws(() => writeDumpRecord(small, 1, RecordKind.rtp, 5, Uint8Array.from([1, 2, 3])), RangeError);
    assert.ok(small.every((b) => b === 0xee), 'nothing written');
    assert.equal(writeDumpRecord(small, 0, RecordKind.rtp, 0x01020304, Uint8Array.from([7, 8, 9])), small.length);
    assert.deepEqual([...small], [1, 0, 0, 3, 1, 2, 3, 4, 7, 8, 9]);
  });

  it('keeps every whole record of a dump torn in the middle of its last one (a crash mid-write)', () => {
    const file = dumpOf([
      { kind: RecordKind.rtp, at: 10, bytes: [1, 2, 3] },
      { kind: RecordKind.rtp, at: 20, bytes: [4, 5, 6, 7, 8] },
    ]);
    const { bodyOffset } = parseDumpHeader(file);
    for (let cut = 1; cut < RECORD_HEADER_BYTES + 5; cut++) {
      const torn = file.subarray(0, file.length - cut);
      assert.deepEqual([...readDumpRecords(torn, bodyOffset)].map((r) => r.arrivalMs), [10], `cut ${cut}`);
    }
  });

  it('refuses what is not a dump, a cut header and an unknown version', () => {
    assert.throws(() => parseDumpHeader(Buffer.from('RIFF....')), DumpFormatError);
    assert.throws(() => parseDumpHeader(encodeDumpHeader(header).subarray(0, 20)), DumpFormatError);
    const future = encodeDumpHeader({ ...header, version: 2 as 1 });
    assert.throws(() => parseDumpHeader(future), /version 2/);
  });

  it('stops at a record of an unknown kind instead of reading garbage as packets', () => {
    const file = dumpOf([{ kind: RecordKind.rtp, at: 1, bytes: [1] }, { kind: 7 as RecordKind, at: 2, bytes: [2] }]);
    const { bodyOffset } = parseDumpHeader(file);
    assert.equal([...readDumpRecords(file, bodyOffset)].length, 1);
  });
});
