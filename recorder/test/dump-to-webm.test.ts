/**
 * The dump → WebM converter on real encoded media (libvpx VP8 with a resolution change,
 * libopus), packetized to RTP here and dumped with rtp-dump-format's encoder with the
 * impairments of a real network and a crash. Checked with ffprobe/ffmpeg, not with the
 * converter's own reading.
 */
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, test } from 'vitest';
import { chromium } from 'playwright-core';
import { EmptyDumpError, convertDump, dumpToWebm } from '../src/dump/dump-to-webm.ts';
import { chromiumPathFromEnv } from '../src/config.ts';
import { DumpFormatError, type DumpHeader, RecordKind, encodeDumpHeader } from '../src/dump/rtp-dump-format.ts';
import { type Rec, duplicate, packetizeOpus, packetizeVp8, rng, senderReport, shuffle, writeDump } from './dump/build-dump.ts';
import { decodeErrors, frameSizes, probePackets, segmentLayout } from './dump/inspect.ts';
import { opusPackets, vp8Clip } from './dump/media.ts';

const T0 = Date.UTC(2026, 11, 3, 10, 0, 0);
const NETWORK_MS = 30;
/** The sender's NTP clock is not the server's: SRs must be anchored by their arrival. */
const SENDER_CLOCK_OFFSET_MS = 777_777;

function header(kind: 'audio' | 'video', over: Partial<DumpHeader> = {}): DumpHeader {
  return kind === 'video'
    ? { version: 1, recordingId: '00000000-0000-4000-8000-000000000001', kind, mimeType: 'video/VP8', payloadType: 101, clockRate: 90000, ssrc: 0x1111, startedAtMs: T0 - 500, ...over }
    : { version: 1, recordingId: '00000000-0000-4000-8000-000000000002', kind, mimeType: 'audio/opus', payloadType: 100, clockRate: 48000, channels: 2, ssrc: 0x2222, startedAtMs: T0 - 500, ...over };
}

/** SRs once a second, stamped on the sender's clock, arriving NETWORK_MS later. */
function reports(ssrc: number, clockRate: number, ts0: number, seconds: number): Rec[] {
  const out: Rec[] = [];
  for (let s = 0.5; s < seconds; s += 1) {
    const rtp = (ts0 + Math.round(s * clockRate)) >>> 0;
    out.push({ kind: RecordKind.rtcp, arrivalMs: T0 + s * 1000 + NETWORK_MS, packet: senderReport(ssrc, T0 + s * 1000 + SENDER_CLOCK_OFFSET_MS, rtp) });
  }
  return out;
}

const byArrival = (a: Rec, b: Rec) => a.arrivalMs - b.arrivalMs;

/** Runs in Chromium: metadata, seeks in both files, then the video played to its end at 4×, noting every size. */
const PLAY_SCRIPT = `(async () => {
  const v = document.getElementById('v');
  const a = document.getElementById('a');
  const ready = (el) => new Promise((resolve, reject) => {
    if (el.readyState >= 1) resolve();
    el.onloadedmetadata = () => resolve();
    el.onerror = () => reject(new Error('media error ' + (el.error && el.error.code)));
  });
  await Promise.all([ready(v), ready(a)]);
  const sizes = new Set([v.videoWidth + 'x' + v.videoHeight]);
  v.onresize = () => sizes.add(v.videoWidth + 'x' + v.videoHeight);
  const seekTo = (el, t) => new Promise((resolve) => { el.onseeked = () => resolve(el.currentTime); el.currentTime = t; });
  const seekedVideo = await seekTo(v, 2.2);
  const seekedAudio = await seekTo(a, 3.5);
  await seekTo(v, 0);
  v.playbackRate = 4;
  await v.play();
  await new Promise((resolve) => { v.onended = () => resolve(); });
  return {
    video: { duration: v.duration, seekableEnd: v.seekable.length ? v.seekable.end(0) : 0, seekedVideo, sizes: [...sizes].sort() },
    audio: { duration: a.duration, seekedAudio },
  };
})()`;

describe('dump → WebM', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), 'dump-to-webm-'));
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  test('VP8: reordered, duplicated, lossy, wrapping, torn dump → seekable WebM from the first whole key frame, resolution change kept', async () => {
    const clip = await vp8Clip({ sizes: ['320x240', '640x360'], seconds: 2, fps: 15, gopFrames: 15, kbps: 300 });
    assert.equal(clip.frames.length, 60);
    assert.deepEqual(clip.frames.flatMap((f, i) => (f.keyframe ? [i] : [])), [0, 15, 30, 45]);
    const random = rng(11);
    // Sequence numbers wrap after ~36 packets, timestamps after 10 frames.
    const ts0 = (0x1_0000_0000 - 6000 * 10) >>> 0;
    const { records, frames } = packetizeVp8(clip, { ssrc: 0x1111, payloadType: 101, seq0: 65500, ts0, startMs: T0, networkMs: NETWORK_MS, random });
    // Lost: a packet of the first key frame (so the file must start at the next one) and the
    // last packet (with the marker) of delta frame 40 (so 40–44 cannot be decoded).
    const lost = new Set([frames[0]!.seqs[1]!, frames[40]!.seqs[frames[40]!.seqs.length - 1]!]);
    assert.ok(frames[0]!.seqs.length > 1, 'the key frame spans packets');
    let recs = records.filter((r) => !lost.has(r.packet.readUInt16BE(2)));
    // An RTX packet (other SSRC) that slipped into the dump.
    const rtx = Buffer.from(records[5]!.packet);
    rtx.writeUInt32BE(0x9999, 8);
    recs.push({ kind: RecordKind.rtp, arrivalMs: records[5]!.arrivalMs + 1, packet: rtx });
    recs.push(...reports(0x1111, 90000, ts0, 4));
    recs.sort(byArrival);
    recs = duplicate(shuffle(recs, random, 6, 0.2), random, 0.05);
    const dump = path.join(dir, 'camera.rtpdump');
    await writeDump(dump, header('video'), recs, { tornTail: true });

    const out = path.join(dir, 'camera.webm');
    const result = await convertDump(dump, out);

    // 60 frames − the first GOP (no whole key frame) − frames 40–44 (missing reference).
    const probed = await probePackets(out);
    assert.equal(probed.packets.length, 40, 'frame count');
    assert.equal(result.blocks, 40);
    assert.equal(probed.packets[0]!.ptsSec, 0);
    assert.ok(probed.packets[0]!.keyframe, 'starts with a key frame');
    assert.ok(Math.abs(probed.durationSec - 3.0) <= 0.1, `duration ${probed.durationSec} s (frames 15–59 at 15 fps = 3.0 s)`);
    assert.ok(Math.abs(result.mediaSeconds - 3.0) <= 0.1);
    // The hole of frames 40–44 stays a hole: frame 45 is at (45 − 15) / 15 s.
    assert.ok(probed.packets.some((p) => Math.abs(p.ptsSec - 2.0) < 0.01 && p.keyframe));
    assert.ok(!probed.packets.some((p) => p.ptsSec > 1.6 && p.ptsSec < 1.99), 'no frame where 40–44 were');

    assert.deepEqual(result.resolutions, [
      { atMs: 0, width: 320, height: 240 },
      { atMs: 1000, width: 640, height: 360 },
    ]);
    const sizes = new Set(await frameSizes(out));
    assert.deepEqual([...sizes].sort(), ['320x240', '640x360'], 'the decoder sees both resolutions');
    assert.equal(await decodeErrors(out), '', 'decodes cleanly');
    assert.equal(await decodeErrors(out, 2.2), '', 'decodes after a seek');

    const layout = await segmentLayout(out);
    assert.ok(layout.segmentSizeKnown, 'segment size written');
    assert.equal(layout.children[0], '114d9b74', 'SeekHead first');
    assert.ok(layout.children.includes('1c53bb6b'), 'Cues present');
    assert.deepEqual(layout.cueTimesMs, [0, 1000, 2000], 'a cue point per key frame');

    // t = 0 is frame 15's capture (T0 + 1 s) as the SR clock puts it on the server's clock.
    assert.equal(result.clock, 'sender-report');
    assert.ok(Math.abs(Date.parse(probed.creationTime!) - result.startedAtMs) < 1, `DateUTC ${probed.creationTime}`);
    assert.ok(Math.abs(result.startedAtMs - (T0 + 1000 + NETWORK_MS)) <= 20, `startedAt off by ${result.startedAtMs - (T0 + 1000 + NETWORK_MS)} ms`);

    assert.equal(result.stats.lost, 2);
    assert.equal(result.stats.skipped, 1, 'the other SSRC');
    assert.ok(result.stats.duplicates > 0);
    assert.equal(result.stats.late, 0);
    assert.ok(result.stats.tornBytes > 0, 'torn tail seen and ignored');
    assert.ok(result.cpuMs > 0);
  });

  test('Opus: DTX silence stays a gap in time, a lost packet a 20 ms hole, wraps and a torn tail survive', async () => {
    // libopus ends with one packet more than 4 s (its look-ahead); exactly 200 are sent.
    const packets = (await opusPackets({ seconds: 4 })).slice(0, 200);
    assert.equal(packets.length, 200);
    const random = rng(5);
    const ts0 = (0x1_0000_0000 - 960 * 30) >>> 0;
    const { records, sent } = packetizeOpus(packets, {
      ssrc: 0x2222, payloadType: 100, seq0: 65530, ts0, startMs: T0, networkMs: NETWORK_MS, random, silence: { fromSec: 2, toSec: 3 },
    });
    assert.equal(sent.length, 150);
    const lostSeq = sent[20]!.seq;
    let recs = records.filter((r) => r.packet.readUInt16BE(2) !== lostSeq);
    recs.push(...reports(0x2222, 48000, ts0, 4));
    recs.sort(byArrival);
    recs = duplicate(shuffle(recs, random, 4, 0.15), random, 0.05);
    const dump = path.join(dir, 'microphone.rtpdump');
    await writeDump(dump, header('audio'), recs, { tornTail: true });

    const out = path.join(dir, 'microphone.webm');
    const result = await convertDump(dump, out);
    const probed = await probePackets(out);
    assert.equal(probed.packets.length, 149);
    assert.ok(Math.abs(probed.durationSec - 4.0) <= 0.1, `duration ${probed.durationSec} s`);
    const pts = probed.packets.map((p) => p.ptsSec);
    const gaps = pts.slice(1).map((t, i) => t - pts[i]!);
    const longest = Math.max(...gaps);
    assert.ok(Math.abs(longest - 1.02) <= 0.005, `the DTX gap is ${longest} s (1.98 → 3.00)`);
    assert.ok(Math.abs(pts[pts.length - 1]! - 3.98) <= 0.005, 'speech after the silence at its true time');
    assert.equal(gaps.filter((g) => Math.abs(g - 0.04) < 0.002).length, 1, 'the lost packet leaves one 40 ms step');
    assert.equal(await decodeErrors(out), '');
    const layout = await segmentLayout(out);
    assert.ok(layout.cueTimesMs.length >= 2, 'cue points');
    assert.equal(result.clock, 'sender-report');
    assert.ok(Math.abs(result.startedAtMs - (T0 + NETWORK_MS)) <= 20, `startedAt off by ${result.startedAtMs - (T0 + NETWORK_MS)} ms`);
    assert.equal(result.stats.lost, 1);
    assert.ok(result.stats.duplicates > 0);
  });

  test('Chromium plays both files: finite duration, seekable, the resolution change, the sound after the pause', async () => {
    await writeFile(path.join(dir, 'play.html'), '<!doctype html><video id="v" muted src="camera.webm"></video><audio id="a" muted src="microphone.webm"></audio>');
    const browser = await chromium.launch({ executablePath: chromiumPathFromEnv(), args: ['--no-sandbox', '--disable-gpu', '--autoplay-policy=no-user-gesture-required'] });
    try {
      const page = await browser.newPage();
      await page.goto(`file://${path.join(dir, 'play.html')}`);
      // Plain JavaScript text: the page has its own globals (and tsx's helpers are not there).
      const seen = (await page.evaluate(PLAY_SCRIPT)) as {
        video: { duration: number; seekableEnd: number; seekedVideo: number; sizes: string[] };
        audio: { duration: number; seekedAudio: number };
      };
      assert.ok(Math.abs(seen.video.duration - 3.0) <= 0.1, `video duration ${seen.video.duration}`);
      assert.ok(Math.abs(seen.video.seekableEnd - seen.video.duration) < 0.01, 'seekable to the end');
      assert.ok(Math.abs(seen.video.seekedVideo - 2.2) < 0.01);
      assert.deepEqual(seen.video.sizes, ['320x240', '640x360'], 'the player follows the resolution change');
      assert.ok(Math.abs(seen.audio.duration - 4.0) <= 0.1, `audio duration ${seen.audio.duration}`);
      assert.ok(Math.abs(seen.audio.seekedAudio - 3.5) < 0.01);
    } finally {
      await browser.close();
    }
  });

  test('without sender reports the arrival times place the file', async () => {
    const packets = await opusPackets({ seconds: 4 });
    const { records } = packetizeOpus(packets.slice(0, 50), { ssrc: 0x2222, payloadType: 100, seq0: 1, ts0: 1234, startMs: T0, networkMs: NETWORK_MS, random: rng(3) });
    const dump = path.join(dir, 'no-sr.rtpdump');
    await writeDump(dump, header('audio'), records);
    const result = await dumpToWebm(dump, path.join(dir, 'no-sr.webm'));
    assert.equal(result.clock, 'arrival');
    // The envelope is the least-delayed packet: network delay plus at most a little jitter.
    const late = result.startedAtMs - T0;
    assert.ok(late >= NETWORK_MS - 1 && late <= NETWORK_MS + 5, `startedAt ${late} ms after capture`);
  });

  test('bad input: not a dump, another codec, no media — clear errors, no file left', async () => {
    const junk = path.join(dir, 'junk.rtpdump');
    await writeFile(junk, 'hello');
    await assert.rejects(dumpToWebm(junk, path.join(dir, 'junk.webm')), DumpFormatError);
    const h264 = path.join(dir, 'h264.rtpdump');
    await writeFile(h264, encodeDumpHeader(header('video', { mimeType: 'video/H264' })));
    await assert.rejects(dumpToWebm(h264, path.join(dir, 'h264.webm')), /VP8 and Opus only/);
    const empty = path.join(dir, 'empty.rtpdump');
    await writeFile(empty, encodeDumpHeader(header('video')));
    await assert.rejects(dumpToWebm(empty, path.join(dir, 'empty.webm')), EmptyDumpError);
    assert.equal(existsSync(path.join(dir, 'empty.webm')), false);
  });
});
