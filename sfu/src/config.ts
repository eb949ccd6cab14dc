/**
 * Media settings, read once from the environment. Defaults suit a single machine;
 * `infra/README.md` explains the values for a public deployment.
 */
import os from 'node:os';
import type * as ms from 'mediasoup/types';

export interface MediaConfig {
  /** mediasoup workers to run; one per core keeps every core busy with RTP. */
  numWorkers: number;
  /** Address the WebRTC transports bind to. */
  listenIp: string;
  /** Address put in ICE candidates when clients reach us through NAT (public IP or host name). */
  announcedAddress: string | undefined;
  rtcMinPort: number;
  rtcMaxPort: number;
  logLevel: ms.WorkerLogLevel;
  /** Upper bound of what one candidate may send us (camera layers + screen + mic), bit/s. */
  maxIncomingBitrate: number;
  initialAvailableOutgoingBitrate: number;
  /**
   * A worker's fair share of candidates: a room keeps all its candidates on its home worker
   * until it holds this many there, and only a room larger than that spreads over more
   * workers (exam-room.ts). Default: this 2-core node's goal of 300 candidates, halved.
   */
  candidatesPerWorker: number;
}

function int(name: string, fallback: number): number {
  const raw = process.env[name];
  if (raw === undefined || raw === '') return fallback;
  const n = Number(raw);
  if (!Number.isInteger(n) || n <= 0) throw new Error(`${name} must be a positive integer, got "${raw}"`);
  return n;
}

export function mediaConfigFromEnv(): MediaConfig {
  const cfg: MediaConfig = {
    numWorkers: int('MEDIA_WORKERS', os.availableParallelism()),
    listenIp: process.env.MEDIA_LISTEN_IP || '127.0.0.1',
    announcedAddress: process.env.MEDIA_ANNOUNCED_ADDRESS || undefined,
    rtcMinPort: int('MEDIA_RTC_MIN_PORT', 40000),
    rtcMaxPort: int('MEDIA_RTC_MAX_PORT', 44999),
    logLevel: (process.env.MEDIA_LOG_LEVEL as ms.WorkerLogLevel) || 'warn',
    maxIncomingBitrate: int('MEDIA_MAX_INCOMING_BITRATE', 3_000_000),
    initialAvailableOutgoingBitrate: int('MEDIA_INITIAL_OUTGOING_BITRATE', 1_000_000),
    candidatesPerWorker: int('MEDIA_CANDIDATES_PER_WORKER', 150),
  };
  if (cfg.rtcMinPort >= cfg.rtcMaxPort) throw new Error('MEDIA_RTC_MIN_PORT must be below MEDIA_RTC_MAX_PORT');
  return cfg;
}

/**
 * VP8 + Opus only: recordings are remuxed without re-encoding (`-c copy`) into WebM,
 * which carries VP8/Opus but not H264, and every browser we target sends VP8 with
 * simulcast.
 */
export const mediaCodecs: ms.RouterRtpCodecCapability[] = [
  { kind: 'audio', mimeType: 'audio/opus', clockRate: 48000, channels: 2, preferredPayloadType: 100 },
  {
    kind: 'video',
    mimeType: 'video/VP8',
    clockRate: 90000,
    preferredPayloadType: 101,
    parameters: { 'x-google-start-bitrate': 500 },
  },
];
