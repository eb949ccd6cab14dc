/**
 * The synthetic candidates' streams and the plain-RTP plumbing both phases share: how a
 * candidate's RTP enters a router (ingest) and how a consumer's RTP leaves it to the
 * sink (egress). Keeping this in one place is what makes baseline and full comparable.
 */
import type * as ms from 'mediasoup/types';
import type { Source } from './encode.ts';
import type { StreamPlan } from './protocol.ts';

/** Fixed payload type, as a browser's offer fixes one; the router maps it to its own (101). */
export const INGEST_PAYLOAD_TYPE = 96;
const SOURCES: Source[] = ['camera', 'screen'];

export function streamPlans(candidate: number): StreamPlan[] {
  return SOURCES.map((source, k) => {
    const n = candidate * 2 + k;
    return {
      id: `c${candidate}/${source}`,
      source,
      ssrc: 0x10000000 + n,
      payloadType: INGEST_PAYLOAD_TYPE,
      // Arbitrary but distinct starting timestamps (a browser's are random too).
      tsBase: Math.imul(n + 1, 2654435761) >>> 0,
    };
  });
}

/** What a browser offers for VP8: NACK, PLI and FIR feedback, one SSRC, no simulcast. */
export function producerRtpParameters(plan: StreamPlan): ms.RtpParameters {
  return {
    codecs: [
      {
        mimeType: 'video/VP8',
        payloadType: plan.payloadType,
        clockRate: 90000,
        rtcpFeedback: [{ type: 'nack' }, { type: 'nack', parameter: 'pli' }, { type: 'ccm', parameter: 'fir' }],
      },
    ],
    encodings: [{ ssrc: plan.ssrc }],
  };
}

export interface PortRange {
  min: number;
  max: number;
}

/** A candidate's ingest: comedia learns the generator's address from its first packet. */
export function createIngestTransport(router: ms.Router, portRange: PortRange, appData: Record<string, unknown>): Promise<ms.PlainTransport> {
  return router.createPlainTransport({
    listenInfo: { protocol: 'udp', ip: '127.0.0.1', portRange },
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

/** Starts paused and is resumed after creation, as the product's proctor consumers are. */
export async function consumeToSink(transport: ms.PlainTransport, router: ms.Router, producerId: string): Promise<ms.Consumer> {
  const consumer = await transport.consume({ producerId, rtpCapabilities: router.rtpCapabilities, paused: true });
  await consumer.resume();
  return consumer;
}

export function consumerSsrc(consumer: ms.Consumer): number {
  const ssrc = consumer.rtpParameters.encodings?.[0]?.ssrc;
  if (ssrc === undefined) throw new Error(`consumer ${consumer.id} has no SSRC`);
  return ssrc;
}

/** Runs `fn` over `items` with at most `limit` in flight (set-up would otherwise spawn 2N ffmpegs at once). */
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
