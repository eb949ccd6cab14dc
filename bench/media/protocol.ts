/**
 * What the benchmark process and its two helper processes (generator, sink) tell each
 * other over the Node IPC channel. The helpers are separate processes so that their CPU
 * (packetizing, pacing, counting) is not charged to the SFU under test.
 */
import type { ClipId, Source } from './encode.ts';

/** One RTP stream (one SSRC) the generator sends and the sink may expect back. */
export interface StreamPlan {
  /** e.g. "c12/camera.0": candidate 12's camera, simulcast layer 0; "c12/microphone". */
  id: string;
  source: Source;
  clip: ClipId;
  ssrc: number;
  payloadType: number;
  clockRate: number;
  /** RTP timestamp of the first frame (both camera layers share it, as one capture clock). */
  tsBase: number;
}

/** One producer: a camera has two streams (simulcast layers, lowest first), the others one. */
export interface ProducerPlan {
  /** e.g. "c12/camera". */
  id: string;
  source: Source;
  kind: 'audio' | 'video';
  streams: StreamPlan[];
}

export interface CandidatePlan {
  /** The ingest PlainTransport's port (comedia, RTP and RTCP muxed). */
  port: number;
  streams: StreamPlan[];
}

/**
 * Timing in media time: frames whose presentation time is in [warmupSec, warmupSec +
 * seconds) are "in the window" on both ends, so loss is counted over exactly the same
 * packets regardless of forwarding delay.
 */
export interface WindowPlan {
  warmupSec: number;
  seconds: number;
}

export interface GeneratorPlan extends WindowPlan {
  clips: Record<ClipId, string>;
  candidates: CandidatePlan[];
}

export interface GeneratorStreamReport {
  id: string;
  packetsSent: number;
  packetsInWindow: number;
  bytesInWindow: number;
  framesSent: number;
  /** Frame rate of the clip, to turn frames into seconds. */
  fps: number;
}

export interface GeneratorReport {
  streams: GeneratorStreamReport[];
  /** How late frames left versus their schedule: the generator's own health. */
  lateMsP99: number;
  lateMsMax: number;
  keyframeRequestsReceived: number;
  /** Key frames sent early because of a request (a stream already at a key frame does not count). */
  keyframesSentOnRequest: number;
  /** Packets resent because of a NACK (not counted in packetsSent). */
  retransmissions: number;
}

export interface SinkExpect extends WindowPlan {
  /** Consumer SSRC (as mediasoup rewrote it) → the stream it carries. */
  streams: { ssrc: number; id: string; tsBase: number; clockRate: number }[];
}

export interface SinkStreamReport {
  id: string;
  packetsReceived: number;
  packetsInWindow: number;
  /** First RTP timestamp seen: equals tsBase when timestamps pass through unchanged. */
  firstTs: number | null;
}

export interface SinkReport {
  streams: SinkStreamReport[];
  /** RTP packets with an SSRC nobody announced (e.g. mediasoup's bandwidth probation padding, SSRC 1234). */
  unknownPackets: number;
  unknownSsrcs: number[];
}

/** Requests and their answers, per helper. */
export type GeneratorApi = {
  /** Loads and packetizes the clips, binds one socket per candidate. */
  prepare: { req: GeneratorPlan; res: Record<string, never> };
  /** Sends from `startAtMs` (epoch ms, performance.timeOrigin + now) on; answers when the last frame is out. */
  start: { req: { startAtMs: number }; res: GeneratorReport };
};

export type SinkApi = {
  /** Binds `count` UDP sockets on 127.0.0.1 and returns their ports. */
  open: { req: { count: number }; res: { ports: number[] } };
  expect: { req: SinkExpect; res: Record<string, never> };
  report: { req: Record<string, never>; res: SinkReport };
};
