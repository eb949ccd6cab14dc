/**
 * Real media for tests: a mediasoup Worker + Router, and producers fed with plain RTP by
 * an ffmpeg encoding a synthetic source (lavfi testsrc / sine) in real time (-re).
 */
import { type ChildProcess, spawn } from 'node:child_process';
import * as mediasoup from 'mediasoup';
import type * as ms from 'mediasoup/types';
import { pino } from 'pino';

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

const SOURCES = {
  video: {
    codec: { mimeType: 'video/VP8', payloadType: 101, clockRate: 90000 },
    ssrc: 22222222,
    // A keyframe every 10 frames: the recording may start only at a keyframe, and this
    // sender (unlike a browser) ignores the recorder's keyframe requests.
    args: [
      '-f', 'lavfi', '-i', 'testsrc=size=640x480:rate=30',
      '-c:v', 'libvpx', '-deadline', 'realtime', '-cpu-used', '8', '-b:v', '500k', '-g', '10',
    ],
  },
  audio: {
    codec: { mimeType: 'audio/opus', payloadType: 100, clockRate: 48000, channels: 2 },
    ssrc: 11111111,
    args: ['-f', 'lavfi', '-i', 'sine=frequency=440:sample_rate=48000', '-ac', '2', '-c:a', 'libopus', '-b:a', '64k'],
  },
} as const;

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
  const ffmpeg = spawn(
    'ffmpeg',
    [
      '-nostdin', '-hide_banner', '-loglevel', 'error', '-re',
      ...src.args,
      '-f', 'rtp', '-payload_type', String(src.codec.payloadType), '-ssrc', String(src.ssrc),
      `rtp://127.0.0.1:${port}?rtcpport=${rtcpPort}&pkt_size=1200`,
    ],
    { stdio: ['ignore', 'ignore', 'inherit'] },
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
