/** Helpers to look at recordings and at what pages report through `window.__media`. */
import { execFile } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { promisify } from 'node:util';
import { DUMP_EXTENSION, parseDumpHeader, RecordKind, readDumpRecords } from '@proctor/recorder';
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

/**
 * Whether a recording's live side is done with it: the dump is closed ('stopped'),
 * converted ('finalised'), or the finalise job could not read the dump yet (main's remux
 * before the dump → WebM converter lands: "finalise failed: remux failed …"). A recording
 * that failed on the live side ('no media was recorded', tap errors) is not settled.
 */
export function recordingSettled(r: { status: string; error: string | null }): boolean {
  if (r.status === 'stopped' || r.status === 'finalised') return true;
  return r.status === 'failed' && /^finalise failed/.test(r.error ?? '');
}

/**
 * Duration and kind of a recording from its RTP dump (what the live path wrote), without
 * converting it: the RTP timestamp span of its packets plus one frame. A row whose path
 * the converter turned into .webm is looked up by the dump beside it, else probed as WebM.
 */
export async function probeRecording(recordingsDir: string, relative: string): Promise<ProbeResult & { packets: number }> {
  const dump = path.join(recordingsDir, relative.replace(/\.webm$/, DUMP_EXTENSION));
  const buf = await readFile(dump).catch(() => undefined);
  if (!buf) return { ...(await probe(path.join(recordingsDir, relative))), packets: -1 };
  const { header, bodyOffset } = parseDumpHeader(buf);
  let first: number | undefined;
  let span = 0;
  let packets = 0;
  for (const r of readDumpRecords(buf, bodyOffset)) {
    if (r.kind !== RecordKind.rtp) continue;
    packets++;
    const ts = r.packet.readUInt32BE(4);
    first ??= ts;
    span = Math.max(span, (ts - first) >>> 0 < 2 ** 31 ? (ts - first) >>> 0 : 0);
  }
  const frame = header.kind === 'audio' ? 0.02 : 1 / 15;
  return {
    durationSec: packets > 0 ? span / header.clockRate + frame : 0,
    videoStreams: header.kind === 'video' ? 1 : 0,
    audioStreams: header.kind === 'audio' ? 1 : 0,
    packets,
  };
}
