/**
 * Recording without a process per track: per mediasoup worker one TapHost (one UDP
 * socket, optionally in its own thread), per router one PlainTransport connected to it
 * (rtcpMux on, comedia off), and per recorded producer one consumer on that transport,
 * created paused and resumed once the tap is ready for its SSRC.
 *
 * The consumer is negotiated with the codec alone plus NACK/PLI/FIR feedback: no RTX
 * (retransmissions arrive on the media SSRC), no header extensions (nothing the
 * converter needs; smaller packets) and so no bandwidth estimation — a simulcast
 * producer's consumer therefore sticks to the highest layer, which is what is kept.
 */
import type * as ms from 'mediasoup/types';
import { DUMP_EXTENSION, type DumpHeader } from '../dump/rtp-dump-format.ts';
import { startTapHost, type TapHost, type TapHostMode } from './tap-host.ts';
import { tapModeFromEnv } from '../config.ts';
import type { TapStats, TrackHole, TrackResult } from './tap-receiver.ts';

export interface TapTrackInput {
  router: ms.Router;
  /** Which mediasoup worker the router lives on: tracks of one worker share one tap. */
  workerIndex: number;
  producer: ms.Producer;
  recordingId: string;
  /** Absolute path of the .rtpdump to create. */
  file: string;
  startedAt: Date;
  /** A pause between packets longer than this (ms) is reported as a hole (tap-receiver.ts). */
  holeMs?: number;
}

export interface TapTrack {
  readonly producerId: string;
  readonly file: string;
  readonly startedAt: Date;
  readonly ssrc: number;
  readonly header: DumpHeader;
  /** Closes the consumer and the dump (idempotent). */
  stop(): Promise<TrackResult>;
}

const KEPT_FEEDBACK = new Set(['nack', 'ccm']);

export function mediaCodecOf(rtpParameters: ms.RtpParameters): ms.RtpCodecParameters {
  const codec = rtpParameters.codecs.find((c) => !/\/(rtx|red|ulpfec|flexfec)$/i.test(c.mimeType));
  if (!codec) throw new Error('producer has no media codec');
  return codec;
}

export class RtpTap {
  readonly #mode: TapHostMode;
  readonly #onHole: (hole: TrackHole) => void;
  readonly #hosts = new Map<number, Promise<TapHost>>();
  readonly #transports = new Map<string, Promise<ms.PlainTransport>>();
  #closed = false;

  /** `onHole`: every span a recorded track went without RTP, once its media is back. */
  constructor(opts: { mode?: TapHostMode; onHole?: (hole: TrackHole) => void } = {}) {
    this.#mode = opts.mode ?? tapModeFromEnv();
    this.#onHole = opts.onHole ?? (() => undefined);
  }

  get mode(): TapHostMode {
    return this.#mode;
  }

  async record(input: TapTrackInput): Promise<TapTrack> {
    if (this.#closed) throw new Error('recording tap is closed');
    const { router, producer } = input;
    const host = await this.#host(input.workerIndex);
    const transport = await this.#transport(router, host);
    const codec = mediaCodecOf(producer.rtpParameters);
    const routerCodec = (router.rtpCapabilities.codecs ?? []).find(
      (c) => c.kind === producer.kind && c.mimeType.toLowerCase() === codec.mimeType.toLowerCase(),
    );
    if (!routerCodec) throw new Error(`router cannot record ${codec.mimeType}`);
    const rtpCapabilities: ms.RtpCapabilities = {
      codecs: [{ ...routerCodec, rtcpFeedback: (routerCodec.rtcpFeedback ?? []).filter((f) => KEPT_FEEDBACK.has(f.type)) }],
      headerExtensions: [],
    };
    if (!router.canConsume({ producerId: producer.id, rtpCapabilities })) {
      throw new Error(`router cannot consume producer ${producer.id} (${codec.mimeType}) for recording`);
    }
    const consumer = await transport.consume({
      producerId: producer.id,
      rtpCapabilities,
      paused: true,
      appData: { purpose: 'recording', recordingId: input.recordingId },
    });
    const ssrc = consumer.rtpParameters.encodings?.[0]?.ssrc;
    const consumed = consumer.rtpParameters.codecs[0]!;
    if (ssrc === undefined) {
      consumer.close();
      throw new Error(`recording consumer ${consumer.id} has no SSRC`);
    }
    const header: DumpHeader = {
      version: 1,
      recordingId: input.recordingId,
      kind: consumer.kind,
      mimeType: consumed.mimeType,
      payloadType: consumed.payloadType,
      clockRate: consumed.clockRate,
      ...(consumed.channels ? { channels: consumed.channels } : {}),
      ssrc,
      startedAtMs: input.startedAt.getTime(),
    };
    try {
      await host.addTrack({ ssrc, file: input.file, header, feedbackPort: transport.tuple.localPort, ...(input.holeMs ? { holeMs: input.holeMs } : {}) });
    } catch (error) {
      consumer.close();
      throw error;
    }
    // Resumed only now, so the first key frame mediasoup asks for on resume is dumped.
    await consumer.resume().catch(() => undefined);
    const climb = consumer.type === 'simulcast' ? climbToTopLayer(consumer, producer.rtpParameters.encodings?.length ?? 1) : undefined;
    let stopping: Promise<TrackResult> | undefined;
    return {
      producerId: producer.id,
      file: input.file,
      startedAt: input.startedAt,
      ssrc,
      header,
      stop: () =>
        (stopping ??= (async () => {
          if (climb) clearInterval(climb);
          consumer.close();
          return host.closeTrack(ssrc);
        })()),
    };
  }

  /** Per-worker receive counters (diagnostics, bench). */
  async stats(): Promise<TapStats[]> {
    return Promise.all([...this.#hosts.values()].map(async (h) => (await h).stats()));
  }

  async close(): Promise<void> {
    this.#closed = true;
    for (const t of this.#transports.values()) void t.then((x) => x.close()).catch(() => undefined);
    this.#transports.clear();
    await Promise.all([...this.#hosts.values()].map(async (h) => (await h.catch(() => undefined))?.close()));
    this.#hosts.clear();
  }

  #host(workerIndex: number): Promise<TapHost> {
    let host = this.#hosts.get(workerIndex);
    if (!host) {
      host = startTapHost(this.#mode, this.#onHole);
      host.catch(() => this.#hosts.delete(workerIndex));
      this.#hosts.set(workerIndex, host);
    }
    return host;
  }

  #transport(router: ms.Router, host: TapHost): Promise<ms.PlainTransport> {
    let transport = this.#transports.get(router.id);
    if (!transport) {
      transport = (async () => {
        const t = await router.createPlainTransport({
          listenInfo: { protocol: 'udp', ip: '127.0.0.1' },
          rtcpMux: true,
          comedia: false,
          appData: { purpose: 'recording' },
        });
        await t.connect({ ip: '127.0.0.1', port: host.port });
        // Closed with its router; a later router (rebuilt room) gets a new one.
        t.observer.once('close', () => this.#transports.delete(router.id));
        return t;
      })();
      transport.catch(() => this.#transports.delete(router.id));
      this.#transports.set(router.id, transport);
    }
    return transport;
  }
}

const CLIMB_INTERVAL_MS = 1000;

/**
 * mediasoup's SimulcastConsumer picks its layer when the producer's stream scores change,
 * and may only take a layer once it has a sender report for it. A browser's first SR of
 * the high layer usually comes after both layers' first scores, so without another score
 * change the consumer would stay on the low layer for good (bench:media: 2 of 4 cameras
 * recorded at 320×180). Re-asking for the top layer every second until it is current
 * makes mediasoup re-evaluate; it then switches at the layer's next key frame.
 */
function climbToTopLayer(consumer: ms.Consumer, layers: number): NodeJS.Timeout {
  const top = layers - 1;
  const timer = setInterval(() => {
    if (consumer.closed) return clearInterval(timer);
    if ((consumer.currentLayers?.spatialLayer ?? -1) >= top) return clearInterval(timer);
    consumer.setPreferredLayers({ spatialLayer: top }).catch(() => undefined);
  }, CLIMB_INTERVAL_MS);
  timer.unref();
  return timer;
}

export { DUMP_EXTENSION };
