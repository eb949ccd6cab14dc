/**
 * Measures the converter (recorder/README.md quotes its output):
 *
 *   node --import tsx recorder/test/dump/convert-speed.ts [--seconds 60] [--runs 5]
 *
 * Builds a camera dump (640×360, 15 fps, 450 kbps, the default profile's focus layer, key
 * frame every 10 s) and a microphone dump (Opus mono 32 kbps, 20 ms, with DTX pauses)
 * from real libvpx/libopus output with light reordering and duplicates, converts each
 * `runs` times in this process and on the niced thread, and — for the choice — times the
 * alternative: the same frames as IVF/Ogg remuxed by ffmpeg `-c copy` into WebM.
 * Prints one JSON line; factor = media seconds per CPU second.
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { convertDumpOnThread } from '../../src/dump/convert-thread.ts';
import { convertDump } from '../../src/dump/dump-to-webm.ts';
import { RecordKind } from '../../src/dump/rtp-dump-format.ts';
import { run } from '../../src/ffmpeg.ts';
import { type Rec, duplicate, packetizeOpus, packetizeVp8, rng, senderReport, shuffle, writeDump } from './build-dump.ts';
import { opusPackets, vp8Clip } from './media.ts';

const { values } = parseArgs({ options: { seconds: { type: 'string', default: '60' }, runs: { type: 'string', default: '5' } } });
const seconds = Number(values.seconds);
const runs = Number(values.runs);
const T0 = Date.now() - seconds * 1000;

function srs(ssrc: number, clockRate: number, ts0: number): Rec[] {
  const out: Rec[] = [];
  for (let s = 0.5; s < seconds; s += 1) {
    out.push({ kind: RecordKind.rtcp, arrivalMs: T0 + s * 1000 + 30, packet: senderReport(ssrc, T0 + s * 1000, (ts0 + s * clockRate) >>> 0) });
  }
  return out;
}

function ivf(frames: Buffer[], width: number, height: number, fps: number): Buffer {
  const head = Buffer.alloc(32);
  head.write('DKIF', 0, 'latin1');
  head.writeUInt16LE(0, 4);
  head.writeUInt16LE(32, 6);
  head.write('VP80', 8, 'latin1');
  head.writeUInt16LE(width, 12);
  head.writeUInt16LE(height, 14);
  head.writeUInt32LE(fps, 16);
  head.writeUInt32LE(1, 20);
  head.writeUInt32LE(frames.length, 24);
  const parts: Buffer[] = [head];
  frames.forEach((f, i) => {
    const fh = Buffer.alloc(12);
    fh.writeUInt32LE(f.length, 0);
    fh.writeBigUInt64LE(BigInt(i), 4);
    parts.push(fh, f);
  });
  return Buffer.concat(parts);
}

/** CPU seconds of one child command (bash's `time`). */
async function childCpuSec(cmd: string[]): Promise<number> {
  const res = await run('bash', ['-c', `TIMEFORMAT='%U %S'; time "$@" >/dev/null 2>&1`, 'bash', ...cmd]);
  const [u, s] = res.stderr.trim().split(/\s+/).slice(-2).map(Number);
  return u! + s!;
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

const dir = await mkdtemp(path.join(os.tmpdir(), 'convert-speed-'));
try {
  const clip = await vp8Clip({ sizes: ['640x360'], seconds, fps: 15, gopFrames: 150, kbps: 450, noise: true });
  const random = rng(1);
  const video = packetizeVp8(clip, { ssrc: 1, payloadType: 101, seq0: 1000, ts0: 5000, startMs: T0, networkMs: 30, random });
  const videoRecs = duplicate(shuffle([...video.records, ...srs(1, 90000, 5000)].sort((a, b) => a.arrivalMs - b.arrivalMs), random, 4, 0.02), random, 0.01);
  const cameraDump = path.join(dir, 'camera.rtpdump');
  await writeDump(cameraDump, { version: 1, recordingId: 'bench', kind: 'video', mimeType: 'video/VP8', payloadType: 101, clockRate: 90000, ssrc: 1, startedAtMs: T0 }, videoRecs);

  const packets = (await opusPackets({ seconds })).slice(0, seconds * 50);
  const audio = packetizeOpus(packets, { ssrc: 2, payloadType: 100, seq0: 7, ts0: 9, startMs: T0, networkMs: 30, random, silence: { fromSec: seconds / 2, toSec: seconds / 2 + 5 } });
  const audioRecs = duplicate(shuffle([...audio.records, ...srs(2, 48000, 9)].sort((a, b) => a.arrivalMs - b.arrivalMs), random, 3, 0.02), random, 0.01);
  const micDump = path.join(dir, 'microphone.rtpdump');
  await writeDump(micDump, { version: 1, recordingId: 'bench', kind: 'audio', mimeType: 'audio/opus', payloadType: 100, clockRate: 48000, channels: 2, ssrc: 2, startedAtMs: T0 }, audioRecs);

  const result: Record<string, unknown> = { seconds, runs };
  for (const [name, dump] of [['camera', cameraDump], ['microphone', micDump]] as const) {
    const out = path.join(dir, `${name}.webm`);
    const cpu: number[] = [];
    const threadCpu: number[] = [];
    const wall: number[] = [];
    let media = 0;
    let bytes = 0;
    for (let i = 0; i < runs; i++) {
      const r = await convertDump(dump, out);
      cpu.push(r.cpuMs);
      wall.push(r.wallMs);
      media = r.mediaSeconds;
      bytes = r.bytes;
      threadCpu.push((await convertDumpOnThread(dump, out)).cpuMs);
    }
    result[name] = {
      mediaSeconds: media,
      bytes,
      kbps: Math.round((bytes * 8) / media / 1000),
      cpuMs: Math.round(median(cpu)),
      wallMs: Math.round(median(wall)),
      convertRealtimeFactor: Math.round(media / (median(cpu) / 1000)),
      threadCpuMs: Math.round(median(threadCpu)),
    };
  }

  // The alternative: our depacketizer writes IVF/Ogg, ffmpeg remuxes -c copy to WebM.
  const ivfFile = path.join(dir, 'camera.ivf');
  await writeFile(ivfFile, ivf(clip.frames.map((f) => f.data), 640, 360, 15));
  const oggFile = path.join(dir, 'microphone.ogg');
  await run('ffmpeg', ['-nostdin', '-v', 'error', '-y', '-f', 'lavfi', '-i', 'sine=frequency=440:sample_rate=48000', '-t', String(seconds), '-ac', '1', '-c:a', 'libopus', '-b:a', '32k', oggFile]);
  const remux = async (input: string) => {
    const times: number[] = [];
    for (let i = 0; i < runs; i++) times.push(await childCpuSec(['ffmpeg', '-nostdin', '-v', 'error', '-y', '-i', input, '-c', 'copy', '-f', 'webm', path.join(dir, 'remux.webm')]));
    return Math.round(median(times) * 1000);
  };
  result.ffmpegRemuxCpuMs = { camera: await remux(ivfFile), microphone: await remux(oggFile) };
  console.log(JSON.stringify(result));
} finally {
  await rm(dir, { recursive: true, force: true });
}
