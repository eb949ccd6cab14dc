/**
 * Whether a live RTP dump (recorder/src/tap) kept receiving through a window of wall-clock
 * time: the longest stretch without an RTP record, measured from the window's start to its
 * end (so a dump that stopped early shows the whole rest as a gap), or from its first packet
 * when the window opens before the recording did.
 */
import { readFile } from 'node:fs/promises';
import { parseDumpHeader, RecordKind, readDumpRecords } from '@proctor/recorder';

export interface DumpWindow {
  /** RTP records whose arrival lies inside the window. */
  packets: number;
  /** Longest time inside the window without an RTP record, ms. */
  longestGapMs: number;
  /** Where that hole begins, ms after the window's start. */
  longestGapAtMs: number;
}

export async function dumpWindow(file: string, fromMs: number, toMs: number): Promise<DumpWindow> {
  const buf = await readFile(file);
  const { header, bodyOffset } = parseDumpHeader(buf);
  let last: number | undefined;
  let longest = 0;
  let longestAt = 0;
  let packets = 0;
  for (const r of readDumpRecords(buf, bodyOffset)) {
    if (r.kind !== RecordKind.rtp) continue;
    const at = header.startedAtMs + r.arrivalMs;
    // A window opening before the recording's first packet is measured from that packet.
    last ??= Math.max(fromMs, at);
    if (at < fromMs) continue;
    if (at > toMs) break;
    packets++;
    if (at - last > longest) [longest, longestAt] = [at - last, last - fromMs];
    last = at;
  }
  last ??= fromMs;
  if (toMs - last > longest) [longest, longestAt] = [toMs - last, last - fromMs];
  return { packets, longestGapMs: longest, longestGapAtMs: longestAt };
}
