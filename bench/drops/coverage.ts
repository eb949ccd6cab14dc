/**
 * Seconds of an exam a track's server recordings do not cover (#12 missingSeconds), from
 * the recordings rows and their files as the recorder leaves them: each file covers
 * [startedAt, startedAt + media duration] of wall time (its first packet comes right after
 * the recorder starts), minus the holes inside it (a packet step over GAP_SEC, e.g. the media that never
 * arrived during a cut). Overlaps between files of one track are merged. The device's own
 * recording (which would fill a cut) is not built yet, so a cut always counts here.
 */
import { execFile } from 'node:child_process';
import path from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);
const GAP_SEC = 0.5;

export interface RecordingRow {
  source: string;
  path: string;
  startedAt: Date;
  endedAt: Date | null;
  status: string;
}

type Span = [number, number];

async function packetTimes(file: string, kind: 'v' | 'a'): Promise<number[]> {
  const { stdout } = await run('ffprobe', ['-v', 'error', '-select_streams', `${kind}:0`, '-show_entries', 'packet=pts_time', '-of', 'csv=p=0', file], {
    maxBuffer: 64 * 1024 * 1024,
    timeout: 60_000,
  });
  return stdout
    .split('\n')
    .map((l) => Number.parseFloat(l))
    .filter(Number.isFinite)
    .sort((a, b) => a - b);
}

/** Wall-clock spans (ms) one file holds media for. */
async function fileSpans(row: RecordingRow, dir: string): Promise<Span[]> {
  if (row.status === 'failed' || !row.endedAt) return [];
  let times: number[];
  try {
    times = await packetTimes(path.join(dir, row.path), row.source === 'microphone' ? 'a' : 'v');
  } catch {
    return [];
  }
  if (times.length < 2) return [];
  // The first packet arrives right after the recorder starts (startedAt); endedAt is when
  // the recorder process ended, which can be seconds after its last packet.
  const start = row.startedAt.getTime();
  const first = times[0]!;
  const last = times[times.length - 1]!;
  const toWall = (pts: number) => start + (pts - first) * 1000;
  const spans: Span[] = [];
  let from = first;
  for (let i = 1; i < times.length; i++) {
    if (times[i]! - times[i - 1]! > GAP_SEC) {
      spans.push([toWall(from), toWall(times[i - 1]!)]);
      from = times[i]!;
    }
  }
  spans.push([toWall(from), toWall(last)]);
  const holes = spans.slice(1).map((s, i) => ((s[0] - spans[i]![1]) / 1000).toFixed(1));
  console.error(`[bench:drops] ${row.source}: ${times.length} packets over ${(last - times[0]!).toFixed(1)} s, holes (s) [${holes.join(', ')}]`);
  return spans;
}

function covered(spans: Span[], [from, to]: Span): number {
  const clipped = spans
    .map(([a, b]): Span => [Math.max(a, from), Math.min(b, to)])
    .filter(([a, b]) => b > a)
    .sort((x, y) => x[0] - y[0]);
  let total = 0;
  let cur: Span | undefined;
  for (const s of clipped) {
    if (cur && s[0] <= cur[1]) cur[1] = Math.max(cur[1], s[1]);
    else {
      if (cur) total += cur[1] - cur[0];
      cur = [...s];
    }
  }
  if (cur) total += cur[1] - cur[0];
  return total;
}

/** Missing seconds per source over the exam window `[from, to]` (epoch ms). */
export async function missingSeconds(rows: RecordingRow[], dir: string, exam: Span, sources: string[]): Promise<Record<string, number>> {
  const out: Record<string, number> = {};
  for (const source of sources) {
    const spans = (await Promise.all(rows.filter((r) => r.source === source).map((r) => fileSpans(r, dir)))).flat();
    out[source] = Math.max(0, (exam[1] - exam[0] - covered(spans, exam)) / 1000);
  }
  return out;
}
