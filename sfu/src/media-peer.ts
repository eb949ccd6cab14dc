/**
 * The transports, producers and consumers of one socket connection in one exam room.
 * It enforces what is structural (a transport belongs to this peer, one producer per
 * source, consumers only on a receive transport); who may do what is decided by the
 * caller (signaling) before it calls in.
 */
import type * as ms from 'mediasoup/types';
import type { ExamRoom, Placement, ProducerTags } from './exam-room.ts';
import { MediaError } from './errors.ts';
import type { MediaSource } from '@proctor/values';

// The closed set lives in @proctor/values (the contract and the database use the same one).
export type Source = MediaSource;
export type Direction = 'send' | 'recv';

const kindOf: Record<Source, ms.MediaKind> = { camera: 'video', microphone: 'audio', screen: 'video' };

export class MediaPeer {
  readonly transports = new Map<string, ms.WebRtcTransport>();
  readonly producers = new Map<Source, ms.Producer>();
  readonly consumers = new Map<string, ms.Consumer>();
  /** Which router (and so which worker) each transport lives on. */
  readonly #placement = new Map<string, Placement>();
  #closed = false;

  constructor(
    readonly room: ExamRoom,
    readonly peerId: string,
    private readonly maxIncomingBitrate: number,
  ) {}

  async createTransport(direction: Direction): Promise<ms.WebRtcTransport> {
    this.#assertOpen();
    if ([...this.transports.values()].some((t) => t.appData.direction === direction)) {
      throw new MediaError('conflict', `a ${direction} transport already exists`);
    }
    const placed = direction === 'send' ? await this.room.placeCandidate() : await this.room.placeProctor();
    let transport: ms.WebRtcTransport;
    try {
      transport = await this.room.createWebRtcTransport(placed, { direction, peerId: this.peerId });
    } catch (err) {
      placed.release();
      throw err;
    }
    // The placement's load is held for as long as the transport lives (closing the room closes it too).
    transport.observer.once('close', () => {
      placed.release();
      this.transports.delete(transport.id);
      this.#placement.delete(transport.id);
    });
    this.transports.set(transport.id, transport);
    this.#placement.set(transport.id, placed);
    if (direction === 'send') await transport.setMaxIncomingBitrate(this.maxIncomingBitrate).catch(() => undefined);
    return transport;
  }

  async connectTransport(transportId: string, dtlsParameters: ms.DtlsParameters): Promise<void> {
    await this.#transport(transportId).connect({ dtlsParameters });
  }

  async restartIce(transportId: string): Promise<ms.IceParameters> {
    return this.#transport(transportId).restartIce();
  }

  async produce(
    transportId: string,
    source: Source,
    kind: ms.MediaKind,
    rtpParameters: ms.RtpParameters,
    /** Session and attempt the stream belongs to: with them the room announces it for recording. */
    tags: Partial<Omit<ProducerTags, 'source'>>,
  ): Promise<ms.Producer> {
    const transport = this.#transport(transportId, 'send');
    if (kind !== kindOf[source]) throw new MediaError('bad_request', `${source} must be ${kindOf[source]}`);
    if (this.producers.has(source)) throw new MediaError('conflict', `${source} is already being published`);
    let producer: ms.Producer;
    try {
      producer = await transport.produce({ kind, rtpParameters, appData: { ...tags, source } });
    } catch (err) {
      throw new MediaError('bad_request', `cannot publish ${source}: ${(err as Error).message}`);
    }
    this.producers.set(source, producer);
    const { sessionId, attemptId, attemptNumber } = tags;
    const tagged = sessionId && attemptId && attemptNumber ? { sessionId, attemptId, attemptNumber, source } : undefined;
    this.room.adoptProducer(producer, this.#placement.get(transportId)!, tagged);
    producer.observer.once('close', () => {
      if (this.producers.get(source) === producer) this.producers.delete(source);
    });
    return producer;
  }

  closeProducer(producerId: string): ms.Producer {
    const producer = [...this.producers.values()].find((p) => p.id === producerId);
    if (!producer) throw new MediaError('not_found', 'no such producer');
    producer.close();
    return producer;
  }

  /** Consume `producer` (piped here from whichever worker it lives on), starting paused. */
  async consume(
    transportId: string,
    producer: ms.Producer,
    rtpCapabilities: ms.RtpCapabilities,
    appData: Record<string, unknown>,
  ): Promise<ms.Consumer> {
    const transport = this.#transport(transportId, 'recv');
    const placed = this.#placement.get(transportId)!;
    await this.room.ensureProducerOn(producer.id, placed);
    if (!placed.router.canConsume({ producerId: producer.id, rtpCapabilities })) {
      throw new MediaError('bad_request', 'your device cannot receive this stream');
    }
    const consumer = await transport.consume({
      producerId: producer.id,
      rtpCapabilities,
      paused: true,
      // Grid tiles start on the lowest simulcast layer; the client raises it for a focused tile.
      preferredLayers: { spatialLayer: 0 },
      appData,
    });
    this.consumers.set(consumer.id, consumer);
    const release = this.room.chargeConsumer(placed.workerIndex);
    consumer.observer.once('close', () => {
      release();
      this.consumers.delete(consumer.id);
    });
    return consumer;
  }

  consumer(consumerId: string): ms.Consumer {
    const c = this.consumers.get(consumerId);
    if (!c) throw new MediaError('not_found', 'no such consumer');
    return c;
  }

  /** True once closed, or once its room is gone (e.g. the worker died). */
  get closed(): boolean {
    return this.#closed || this.room.closed;
  }

  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    for (const t of this.transports.values()) t.close();
  }

  #transport(id: string, direction?: Direction): ms.WebRtcTransport {
    this.#assertOpen();
    const t = this.transports.get(id);
    if (!t) throw new MediaError('not_found', 'no such transport');
    if (direction && t.appData.direction !== direction) {
      throw new MediaError('bad_request', `transport is not a ${direction} transport`);
    }
    return t;
  }

  #assertOpen(): void {
    if (this.#closed || this.room.closed) throw new MediaError('unavailable', 'media room is restarting; rejoin');
  }
}
