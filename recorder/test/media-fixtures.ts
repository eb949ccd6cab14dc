/**
 * Real media for tests: a mediasoup Worker + Router, and producers fed with plain RTP by
 * ffmpeg from synthetic sources (lavfi testsrc / sine, encoded with libvpx / libopus).
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync, mkdirSync, renameSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import * as mediasoup from 'mediasoup';
import type * as ms from 'mediasoup/types';
import { pino } from 'pino';
import { run } from '../src/ffmpeg.ts';

export const logger = pino({ level: process.env.LOG_LEVEL ?? 'silent' });

/** Same codec set as @proctor/sfu's mediaCodecs (VP8 + Opus). */
export const routerCodecs: ms.RouterRtpCodecCapability[] = [
  { kind: 'audio', mimeType: 'audio/opus', clockRate: 48000, channels: 2, preferredPayloadType: 100 },
  { kind: 'video', mimeType: 'video/VP8', clockRate: 90000, preferredPayloadType: 101 },
];

async function workerBin(): Promise<string> {
  if (process.env.MEDIASOUP_WORKER_BIN) return process.env.MEDIASOUP_WORKER_BIN;
  const { resolveWorkerBin } = await import('@proctor/sfu');
  return resolveWorkerBin();
}

export async function createRouter(): Promise<{ worker: ms.Worker; router: ms.Router }> {
  const worker = await mediasoup.createWorker({ workerBin: await workerBin(), logLevel: 'warn' });
  const router = await worker.createRouter({ mediaCodecs: routerCodecs });
  return { worker, router };
}

export interface Publisher {
  producer: ms.Producer;
  transport: ms.PlainTransport;
  ffmpeg: ChildProcess;
  close(): Promise<void>;
}

/**
 * The synthetic sources are encoded once into small clips, and the senders only copy
 * them out as RTP (`-re -c copy`). A live libvpx encode falls behind real time on a busy
 * 2-core machine, and then its RTP timestamps no longer match wall-clock time, which
 * is what the duration checks compare against; a stream copy keeps pace.
 */
const SOURCES = {
  video: {
    codec: { mimeType: 'video/VP8', payloadType: 101, clockRate: 90000 },
    ssrc: 22222222,
    // A keyframe every 10 frames: the recording may start only at a keyframe, and this
    // sender (unlike a browser) ignores the recorder's keyframe requests.
    encode: [
      '-f', 'lavfi', '-i', 'testsrc=size=640x480:rate=30', '-t', '10',
      '-c:v', 'libvpx', '-deadline', 'realtime', '-cpu-used', '8', '-b:v', '500k', '-g', '10',
    ],
  },
  audio: {
    codec: { mimeType: 'audio/opus', payloadType: 100, clockRate: 48000, channels: 2 },
    ssrc: 11111111,
    encode: ['-f', 'lavfi', '-i', 'sine=frequency=440:sample_rate=48000', '-t', '10', '-ac', '2', '-c:a', 'libopus', '-b:a', '64k'],
  },
} as const;

const clipDir = path.join(os.tmpdir(), 'proctor-recorder-test-clips');
const clips = new Map<ms.MediaKind, Promise<string>>();

function clip(kind: ms.MediaKind): Promise<string> {
  let p = clips.get(kind);
  if (!p) {
    p = (async () => {
      const file = path.join(clipDir, `${kind}-v1.webm`);
      if (existsSync(file)) return file;
      mkdirSync(clipDir, { recursive: true });
      const tmp = `${file}.${process.pid}.tmp`;
      const res = await run('ffmpeg', ['-nostdin', '-hide_banner', '-loglevel', 'error', '-y', ...SOURCES[kind].encode, '-f', 'webm', tmp]);
      if (res.code !== 0) throw new Error(`encoding the ${kind} clip failed: ${res.stderr}`);
      renameSync(tmp, file);
      return file;
    })();
    clips.set(kind, p);
  }
  return p;
}

/**
 * A producer on `router` fed by ffmpeg over plain RTP. comedia learns the sender's
 * address from its first packet; ffmpeg sends RTCP from a different socket than RTP,
 * so RTCP gets its own port (with rtcpMux, a first RTCP SR would pin the tuple to the
 * RTCP socket and every RTP packet would be dropped as "from unknown IP:port").
 */
export async function publish(router: ms.Router, kind: ms.MediaKind): Promise<Publisher> {
  const src = SOURCES[kind];
  const transport = await router.createPlainTransport({
    listenInfo: { protocol: 'udp', ip: '127.0.0.1' },
    rtcpMux: false,
    comedia: true,
  });
  const producer = await transport.produce({
    kind,
    rtpParameters: { codecs: [{ ...src.codec }], encodings: [{ ssrc: src.ssrc }] },
  });
  const port = transport.tuple.localPort;
  const rtcpPort = transport.rtcpTuple!.localPort;
  // setpriv: the sender dies with the test process, even when that is killed; -t caps it.
  const ffmpeg = spawn(
    'setpriv',
    [
      '--pdeathsig', 'KILL', '--', 'ffmpeg',
      '-nostdin', '-hide_banner', '-loglevel', 'error',
      '-re', '-stream_loop', '-1', '-i', await clip(kind), '-t', '120', '-map', '0', '-c', 'copy',
      '-f', 'rtp', '-payload_type', String(src.codec.payloadType), '-ssrc', String(src.ssrc),
      `rtp://127.0.0.1:${port}?rtcpport=${rtcpPort}&pkt_size=1200`,
    ],
    { stdio: ['ignore', 'ignore', 'ignore'] },
  );
  const exited = new Promise<void>((resolve) => ffmpeg.once('exit', () => resolve()));
  return {
    producer,
    transport,
    ffmpeg,
    async close() {
      if (ffmpeg.exitCode === null && ffmpeg.signalCode === null) ffmpeg.kill('SIGTERM');
      await exited;
      transport.close();
    },
  };
}

export const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** Waits until the producer has received RTP (the sender is up). */
export async function waitForMedia(producer: ms.Producer, timeoutMs = 5000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const stats = await producer.getStats();
    if (stats.some((s) => s.packetCount > 0)) return;
    await sleep(100);
  }
  throw new Error(`producer ${producer.id} received no RTP within ${timeoutMs} ms`);
}
