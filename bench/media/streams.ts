/**
 * The synthetic candidates' streams and the plain-RTP plumbing both phases share: how a
 * candidate's RTP enters a router (ingest) and how a consumer's RTP leaves it to the
 * sink (egress). Keeping this in one place is what makes baseline and full comparable.
 */
import type * as ms from 'mediasoup/types';
import type { ClipId, Source } from './encode.ts';
import type { ProducerPlan, StreamPlan } from './protocol.ts';

/** Fixed payload types, as a browser's offer fixes them; the router maps them to its own. */
export const VP8_PAYLOAD_TYPE = 96;
export const OPUS_PAYLOAD_TYPE = 111;

/**
 * A candidate's producers: camera (2 simulcast layers, one SSRC each), microphone (Opus
 * mono) and screen — what the default media profile makes a browser send.
 */
export function producerPlans(candidate: number): ProducerPlan[] {
  const stream = (k: number, source: Source, clip: ClipId, suffix: string, tsBaseOf = k): StreamPlan => {
    const n = candidate * 4 + k;
    const audio = source === 'microphone';
    return {
      id: `c${candidate}/${source}${suffix}`,
      source,
      clip,
      ssrc: 0x10000000 + n,
      payloadType: audio ? OPUS_PAYLOAD_TYPE : VP8_PAYLOAD_TYPE,
      clockRate: audio ? 48000 : 90000,
      // Arbitrary but distinct starting timestamps (a browser's are random too).
      tsBase: Math.imul(candidate * 4 + tsBaseOf + 1, 2654435761) >>> 0,
    };
  };
  return [
    { id: `c${candidate}/camera`, source: 'camera', kind: 'video', streams: [stream(0, 'camera', 'camera0', '.0'), stream(1, 'camera', 'camera1', '.1', 0)] },
    { id: `c${candidate}/microphone`, source: 'microphone', kind: 'audio', streams: [stream(2, 'microphone', 'microphone', '')] },
    { id: `c${candidate}/screen`, source: 'screen', kind: 'video', streams: [stream(3, 'screen', 'screen', '')] },
  ];
}

/** The stream of a producer a proctor's grid tile receives (and the sink counts): the lowest layer. */
export function watchedStream(plan: ProducerPlan): StreamPlan {
  return plan.streams[0]!;
}

/** The stream the recorder keeps: the highest layer (no bandwidth estimation on its transport). */
export function recordedStream(plan: ProducerPlan): StreamPlan {
  return plan.streams[plan.streams.length - 1]!;
}

/** What a browser offers: VP8 with NACK, PLI and FIR feedback (SSRC simulcast for the camera), or Opus. */
export function producerRtpParameters(plan: ProducerPlan): ms.RtpParameters {
  const pt = plan.streams[0]!.payloadType;
  const codec: ms.RtpCodecParameters =
    plan.kind === 'audio'
      ? { mimeType: 'audio/opus', payloadType: pt, clockRate: 48000, channels: 2, parameters: { useinbandfec: 1, usedtx: 1 }, rtcpFeedback: [] }
      : {
          mimeType: 'video/VP8',
          payloadType: pt,
          clockRate: 90000,
          rtcpFeedback: [{ type: 'nack' }, { type: 'nack', parameter: 'pli' }, { type: 'ccm', parameter: 'fir' }],
        };
  return { codecs: [codec], encodings: plan.streams.map((s) => ({ ssrc: s.ssrc })) };
}

export interface PortRange {
  min: number;
  max: number;
}

/** A candidate's ingest: comedia learns the generator's address from its first packet. */
export function createIngestTransport(router: ms.Router, portRange: PortRange, appData: Record<string, unknown>): Promise<ms.PlainTransport> {
  return router.createPlainTransport({
    // The same socket buffers as the product's WebRTC transports (sfu ExamRoom).
    listenInfo: { protocol: 'udp', ip: '127.0.0.1', portRange, recvBufferSize: 2 * 1024 * 1024, sendBufferSize: 2 * 1024 * 1024 },
    rtcpMux: true,
    comedia: true,
    appData,
  });
}

/**
 * Proctor side: one PlainTransport per candidate, connected to that candidate's sink
 * socket. (A real proctor has one WebRtcTransport for the whole grid; a PlainTransport
 * has one remote address, and a socket per candidate keeps each sink socket's rate low.)
 */
export async function createEgressTransport(router: ms.Router, portRange: PortRange, sinkPort: number): Promise<ms.PlainTransport> {
  const transport = await router.createPlainTransport({
    listenInfo: { protocol: 'udp', ip: '127.0.0.1', portRange },
    rtcpMux: true,
    comedia: false,
  });
  await transport.connect({ ip: '127.0.0.1', port: sinkPort });
  return transport;
}

/**
 * Starts paused and is resumed after creation, as the product's proctor consumers are;
 * a simulcast camera on its grid layer (spatial layer 0), as MediaPeer.consume does.
 */
export async function consumeToSink(transport: ms.PlainTransport, router: ms.Router, producerId: string): Promise<ms.Consumer> {
  const consumer = await transport.consume({ producerId, rtpCapabilities: router.rtpCapabilities, paused: true, preferredLayers: { spatialLayer: 0 } });
  await consumer.resume();
  return consumer;
}

export function consumerSsrc(consumer: ms.Consumer): number {
  const ssrc = consumer.rtpParameters.encodings?.[0]?.ssrc;
  if (ssrc === undefined) throw new Error(`consumer ${consumer.id} has no SSRC`);
  return ssrc;
}

/** Runs `fn` over `items` with at most `limit` in flight. */
export async function mapLimit<T, R>(items: T[], limit: number, fn: (item: T, index: number) => Promise<R>): Promise<R[]> {
  const out = new Array<R>(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const i = next++;
      out[i] = await fn(items[i]!, i);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return out;
}
