/** Helpers to look at recordings and at what pages report through `window.__media`. */
import { execFile } from 'node:child_process';
import { readFile, stat } from 'node:fs/promises';
import path from 'node:path';
import { promisify } from 'node:util';
import { parseDumpHeader, RecordKind, readDumpRecords } from '@proctor/recorder';
import type { Page } from 'playwright-core';

const run = promisify(execFile);

export interface ProbeResult {
  durationSec: number;
  videoStreams: number;
  audioStreams: number;
}

/** ffprobe the container duration (a finalised WebM has one) and count streams. */
export async function probe(file: string): Promise<ProbeResult> {
  const { stdout } = await run('ffprobe', ['-v', 'error', '-show_entries', 'format=duration:stream=codec_type', '-of', 'json', file]);
  const json = JSON.parse(stdout) as { format?: { duration?: string }; streams?: { codec_type: string }[] };
  const streams = json.streams ?? [];
  return {
    durationSec: Number(json.format?.duration ?? NaN),
    videoStreams: streams.filter((s) => s.codec_type === 'video').length,
    audioStreams: streams.filter((s) => s.codec_type === 'audio').length,
  };
}

export interface ConsumerStat {
  sessionId: string;
  source: 'camera' | 'microphone' | 'screen';
  kind: 'audio' | 'video';
  framesDecoded: number;
}

export async function proctorStats(page: Page): Promise<ConsumerStat[]> {
  return page.evaluate(async () => {
    const m = (window as unknown as { __media?: { stats(): Promise<unknown> } }).__media;
    return (m ? await m.stats() : []) as ConsumerStat[];
  });
}

export interface CandidateState {
  state: string;
  attempt: number;
  /** `since`: epoch ms when the server accepted each producer (the page's clock = ours). */
  producers: { source: string; producerId: string; since: number }[];
  /** How the send transport reaches the node: 'host', 'srflx', 'relay' (TURN), or null. */
  iceCandidateType: string | null;
  /** The exam's media profile the page sends at (#11). */
  mediaProfile: string;
  /** The local video tracks: contentHint and capture size. */
  tracks: Partial<
    Record<'camera' | 'screen', { contentHint: string; width?: number; height?: number; frameRate?: number; wanted: { width?: number; height?: number; frameRate?: number } }>
  >;
}

export async function candidateState(page: Page): Promise<CandidateState | undefined> {
  return page.evaluate(async () => {
    const m = (window as unknown as { __media?: { stats(): Promise<unknown> } }).__media;
    return (m ? await m.stats() : undefined) as CandidateState | undefined;
  });
}

/** Poll `fn` until it returns a truthy value or the deadline passes. */
export async function waitFor<T>(what: string, fn: () => Promise<T | undefined | false>, timeoutMs = 30_000, stepMs = 250): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  for (;;) {
    try {
      const v = await fn();
      if (v) return v;
      last = v;
    } catch (err) {
      last = err;
    }
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what} (last: ${String(last)})`);
    await new Promise((r) => setTimeout(r, stepMs));
  }
}

/** A recording the finalise job has converted: a WebM the report can play and seek. */
export function recordingFinalised(r: { status: string }): boolean {
  return r.status === 'finalised';
}

/** Whether a WebM's Segment has a Cues element (EBML ID 1C53BB6B): players can seek in it. */
export async function hasCues(file: string): Promise<boolean> {
  const buf = await readFile(file);
  const vint = (at: number, keepMarker: boolean) => {
    const first = buf[at]!;
    let length = 1;
    while (length <= 8 && !(first & (0x80 >> (length - 1)))) length++;
    let value = keepMarker ? first : first & (0xff >> length);
    for (let i = 1; i < length; i++) value = value * 256 + buf[at + i]!;
    return { value, length };
  };
  for (let at = 0; at < buf.length; ) {
    const id = vint(at, true);
    const size = vint(at + id.length, false);
    const data = at + id.length + size.length;
    if (id.value === 0x18538067) {
      for (let c = data; c < buf.length; ) {
        const cid = vint(c, true);
        if (cid.value === 0x1c53bb6b) return true;
        const csize = vint(c + cid.length, false);
        c += cid.length + csize.length + csize.value;
      }
      return false;
    }
    at = data + size.value;
  }
  return false;
}

/**
 * The checks every e2e test makes of a finalised recording row: its path is the converted
 * .webm, ffprobe reads it with one stream of the row's kind and a duration that matches the
 * row's, and it has cues. Returns ffprobe's duration.
 */
export async function checkFinalised(
  recordingsDir: string,
  r: { path: string; kind: string; status: string; durationMs: number | null; source: string },
): Promise<number> {
  if (r.status !== 'finalised') throw new Error(`${r.source}: recording is ${r.status}, not finalised`);
  if (!r.path.endsWith('.webm')) throw new Error(`${r.source}: finalised path is not a WebM: ${r.path}`);
  const file = path.join(recordingsDir, r.path);
  const info = await probe(file);
  const streams = r.kind === 'video' ? info.videoStreams : info.audioStreams;
  if (streams !== 1 || info.videoStreams + info.audioStreams !== 1) throw new Error(`${r.source}: ${JSON.stringify(info)}, expected one ${r.kind} stream`);
  if (!(info.durationSec > 0) || r.durationMs === null || Math.abs(info.durationSec * 1000 - r.durationMs) > 500) {
    throw new Error(`${r.source}: ffprobe reads ${info.durationSec} s, the row says ${r.durationMs} ms`);
  }
  if (!(await hasCues(file))) throw new Error(`${r.source}: ${r.path} has no cues`);
  return info.durationSec;
}

/**
 * What a live (or interrupted) dump holds: the wall-clock time (epoch ms) of its last RTP
 * packet's arrival, the arrival times of its last `tail` packets, and when it was last written
 * (mtime: every write takes everything the recorder held, so nothing that arrived before
 * then is missing). A torn tail is ignored.
 */
export async function dumpLastRtpAt(file: string, tail = 0): Promise<{ lastAt: number; writtenAt: number; packets: number; tailAt: number[] }> {
  const [buf, st] = await Promise.all([readFile(file), stat(file)]);
  const { header, bodyOffset } = parseDumpHeader(buf);
  const tailAt: number[] = [];
  let packets = 0;
  for (const r of readDumpRecords(buf, bodyOffset)) {
    if (r.kind !== RecordKind.rtp) continue;
    packets++;
    tailAt.push(header.startedAtMs + r.arrivalMs);
    if (tailAt.length > Math.max(1, tail)) tailAt.shift();
  }
  return { lastAt: tailAt.at(-1) ?? -1, writtenAt: st.mtimeMs, packets, tailAt: tail > 0 ? tailAt : [] };
}

/** How late a recording may start after the server took its track (the first key frame after the recorder's PLI, on a loaded machine); the device recording covers those seconds (#12). */
export const RECORDING_HEAD_SLACK_MS = 3000;

/**
 * When a track's recording counts as live from: the server taking the track, or the
 * recording's first frame if later — which must come within RECORDING_HEAD_SLACK_MS.
 */
export function recordedFrom(r: { source: string; startedAt: Date }, acceptedAt: number): number {
  const head = r.startedAt.getTime() - acceptedAt;
  if (head > RECORDING_HEAD_SLACK_MS) throw new Error(`${r.source}: the recording starts ${head} ms after the server took the track`);
  return Math.max(acceptedAt, r.startedAt.getTime());
}
