/**
 * Whether a live RTP dump (recorder/src/tap) kept receiving through a window of wall-clock
 * time: the longest stretch without an RTP record, measured from the window's start to its
 * end (so a dump that stopped early shows the whole rest as a gap).
 */
import { readFile } from 'node:fs/promises';
import { parseDumpHeader, RecordKind, readDumpRecords } from '@proctor/recorder';

export interface DumpWindow {
  /** RTP records whose arrival lies inside the window. */
  packets: number;
  /** Longest time inside the window without an RTP record, ms. */
  longestGapMs: number;
}

export async function dumpWindow(file: string, fromMs: number, toMs: number): Promise<DumpWindow> {
  const buf = await readFile(file);
  const { header, bodyOffset } = parseDumpHeader(buf);
  let last = fromMs;
  let longest = 0;
  let packets = 0;
  for (const r of readDumpRecords(buf, bodyOffset)) {
    if (r.kind !== RecordKind.rtp) continue;
    const at = header.startedAtMs + r.arrivalMs;
    if (at < fromMs) continue;
    if (at > toMs) break;
    packets++;
    longest = Math.max(longest, at - last);
    last = at;
  }
  return { packets, longestGapMs: Math.max(longest, toMs - last) };
}
