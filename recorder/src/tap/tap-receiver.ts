/**
 * The receiving end of one mediasoup worker's recording tap: one UDP socket that every
 * recording PlainTransport on that worker's routers sends to (rtcpMux, comedia off), split
 * by SSRC into per-track dumps. It also keeps the live path's repair loop going from the
 * recorder's side, as a browser would:
 *
 * - a video track asks for a key frame (PLI) when it starts and every KEYFRAME_RETRY_MS
 *   until one arrives, so its dump starts decodable;
 * - a gap in sequence numbers is NACKed at once and again every NACK_RETRY_MS, at most
 *   NACK_TRIES times (mediasoup's consumer retransmits from its buffer; no RTX is
 *   negotiated, so retransmissions come on the track's own SSRC and are dumped as they
 *   are — the converter drops duplicates); a packet still missing after that is given up
 *   and a video track asks for a key frame (at most once per PLI_MIN_INTERVAL_MS).
 *
 * It also tells where a track's media stopped arriving (#12): an RTP packet more than the
 * track's holeMs after the one before it (or after the track started) closes a hole, reported
 * to onHole, so the server knows which spans the candidate's device must fill after a drop
 * that kept the recording running.
 *
 * Runs either on the main thread or inside a worker thread (tap-thread.ts); it has no
 * mediasoup objects, only packets, files and timers.
 */
import dgram from 'node:dgram';
import type { DumpHeader } from '../dump/rtp-dump-format.ts';
import { RecordKind } from '../dump/rtp-dump-format.ts';
import { buildNack, buildPli, forEachSenderReport, isRtcp, isVp8KeyframeStart, rtpSeq, rtpSsrc } from './rtp-packets.ts';
import { ChunkPool, TrackDump, type TrackWriteStats } from './track-dump.ts';

export const FLUSH_INTERVAL_MS = 500;
const FEEDBACK_TICK_MS = 50;
const KEYFRAME_RETRY_MS = 500;
const NACK_RETRY_MS = 150;
const NACK_TRIES = 3;
const PLI_MIN_INTERVAL_MS = 1000;
/** Gaps larger than this are not NACKed packet by packet: a key frame repairs them faster. */
const MAX_NACK_GAP = 128;
/** 8 MiB asked; the kernel caps it at net.core.rmem_max. */
const RECV_BUFFER_BYTES = 8 * 1024 * 1024;

export interface TrackSpec {
  /** The consumer's SSRC: the demultiplexing key. */
  ssrc: number;
  /** Absolute path of the .rtpdump to create (must not exist). */
  file: string;
  header: DumpHeader;
  /** Local UDP port of the PlainTransport this track arrives on: where its NACK/PLI go. */
  feedbackPort: number;
  /** A pause between RTP packets longer than this (ms) is a hole; default HOLE_MS. */
  holeMs?: number;
}

export const HOLE_MS = 500;

/** Wall-clock span (ms since the epoch) of one track without RTP. */
export interface TrackHole {
  recordingId: string;
  fromMs: number;
  toMs: number;
}

export interface TrackResult extends TrackWriteStats {
  nacksSent: number;
  plisSent: number;
  /** Sequence numbers given up after NACKs (their packets never arrived). */
  lostPackets: number;
  keyframeSeen: boolean;
  /** Wall clock of the last RTP packet (ms since the epoch); null when none came. */
  lastRtpAtMs: number | null;
}

export interface TapStats {
  tracks: number;
  packets: number;
  unknownPackets: number;
  pooledChunks: number;
  /** How datagrams reach the tap: straight from the socket's handle, or through 'message' events. */
  receive: 'handle' | 'event';
}

interface Track {
  spec: TrackSpec;
  /** spec.header.startedAtMs, one property load away on the per-packet path. */
  startedAtMs: number;
  dump: TrackDump;
  video: boolean;
  keyframeSeen: boolean;
  lastPliAt: number;
  highest: number; // extended sequence number of the newest packet, -1 before the first
  /** Missing extended sequence numbers → [first missed at, tries, last NACK at]. */
  missing: Map<number, [number, number, number]>;
  nacksSent: number;
  plisSent: number;
  lostPackets: number;
  /** Wall clock of the last RTP packet; the track's start before the first. */
  lastRtpAt: number;
  holeMs: number;
}

export class TapReceiver {
  readonly #socket: dgram.Socket;
  readonly #tracks = new Map<number, Track>();
  readonly #pool = new ChunkPool();
  readonly #flushTimer: NodeJS.Timeout;
  readonly #feedbackTimer: NodeJS.Timeout;
  readonly #receive: TapStats['receive'];
  readonly #onHole: (hole: TrackHole) => void;
  #packets = 0;
  #unknown = 0;

  private constructor(socket: dgram.Socket, onHole: (hole: TrackHole) => void) {
    this.#socket = socket;
    this.#onHole = onHole;
    this.#receive = receiveDirect(socket, (msg) => this.#onPacket(msg)) ? 'handle' : 'event';
    if (this.#receive === 'event') socket.on('message', (msg) => this.#onPacket(msg));
    socket.on('error', () => undefined); // ICMP-induced send errors must not kill the tap
    this.#flushTimer = setInterval(() => {
      for (const t of this.#tracks.values()) t.dump.flush();
    }, FLUSH_INTERVAL_MS);
    this.#feedbackTimer = setInterval(() => this.#feedback(), FEEDBACK_TICK_MS);
  }

  static open(host = '127.0.0.1', onHole: (hole: TrackHole) => void = () => undefined): Promise<TapReceiver> {
    return new Promise((resolve, reject) => {
      const socket = dgram.createSocket({ type: 'udp4' });
      socket.once('error', reject);
      socket.bind(0, host, () => {
        socket.off('error', reject);
        try {
          socket.setRecvBufferSize(RECV_BUFFER_BYTES);
        } catch {
          /* capped; the default still works at low rates */
        }
        resolve(new TapReceiver(socket, onHole));
      });
    });
  }

  get port(): number {
    return this.#socket.address().port;
  }

  /** Opens the track's dump (header written) and starts accepting its packets. */
  addTrack(spec: TrackSpec): void {
    if (this.#tracks.has(spec.ssrc)) throw new Error(`SSRC ${spec.ssrc} is already being recorded`);
    const dump = new TrackDump(spec.file, spec.header, this.#pool);
    const track: Track = {
      spec,
      startedAtMs: spec.header.startedAtMs,
      dump,
      video: spec.header.kind === 'video',
      keyframeSeen: false,
      lastPliAt: -Infinity,
      highest: -1,
      missing: new Map(),
      nacksSent: 0,
      plisSent: 0,
      lostPackets: 0,
      lastRtpAt: spec.header.startedAtMs,
      holeMs: spec.holeMs ?? HOLE_MS,
    };
    this.#tracks.set(spec.ssrc, track);
    if (track.video) this.#pli(track, performance.now());
  }

  /** Stops accepting the track's packets, writes what is buffered and closes its file. */
  async closeTrack(ssrc: number): Promise<TrackResult> {
    const track = this.#tracks.get(ssrc);
    if (!track) throw new Error(`SSRC ${ssrc} is not being recorded`);
    this.#tracks.delete(ssrc);
    const stats = await track.dump.close();
    return {
      ...stats,
      nacksSent: track.nacksSent,
      plisSent: track.plisSent,
      lostPackets: track.lostPackets + track.missing.size,
      keyframeSeen: track.keyframeSeen,
      lastRtpAtMs: track.highest < 0 ? null : track.lastRtpAt,
    };
  }

  stats(): TapStats {
    return { tracks: this.#tracks.size, packets: this.#packets, unknownPackets: this.#unknown, pooledChunks: this.#pool.size, receive: this.#receive };
  }

  async close(): Promise<void> {
    clearInterval(this.#flushTimer);
    clearInterval(this.#feedbackTimer);
    await Promise.all([...this.#tracks.keys()].map((ssrc) => this.closeTrack(ssrc)));
    await new Promise<void>((r) => this.#socket.close(() => r()));
  }

  /** Process exit without the event loop: flush synchronously. */
  closeSync(): void {
    for (const t of this.#tracks.values()) t.dump.closeSync();
    this.#tracks.clear();
  }

  #onPacket(msg: Buffer): void {
    this.#packets++;
    if (msg.length < 12) return;
    const arrivalNow = Date.now();
    if (isRtcp(msg)) {
      forEachSenderReport(msg, (ssrc, start, end) => {
        const track = this.#tracks.get(ssrc);
        if (track) track.dump.append(RecordKind.rtcp, arrivalNow - track.startedAtMs, msg.subarray(start, end));
      });
      return;
    }
    const track = this.#tracks.get(rtpSsrc(msg));
    if (!track) return void this.#unknown++;
    track.dump.append(RecordKind.rtp, arrivalNow - track.startedAtMs, msg);
    if (arrivalNow - track.lastRtpAt > track.holeMs) {
      this.#onHole({ recordingId: track.spec.header.recordingId, fromMs: track.lastRtpAt, toMs: arrivalNow });
    }
    track.lastRtpAt = arrivalNow;
    if (track.video && !track.keyframeSeen && isVp8KeyframeStart(msg)) track.keyframeSeen = true;
    this.#sequence(track, rtpSeq(msg));
  }

  #sequence(track: Track, seq: number): void {
    if (track.highest < 0) {
      track.highest = seq;
      return;
    }
    // Extend the 16-bit number to the one nearest the newest seen (RFC 3550 A.1 style).
    let ext = (track.highest & ~0xffff) | seq;
    if (ext - track.highest > 0x8000) ext -= 0x10000;
    else if (track.highest - ext > 0x8000) ext += 0x10000;
    if (ext <= track.highest) {
      track.missing.delete(ext); // a retransmission or a late packet filled its hole
      return;
    }
    const gap = ext - track.highest - 1;
    track.highest = ext;
    if (gap === 0) return;
    const now = performance.now();
    if (gap > MAX_NACK_GAP) {
      track.lostPackets += gap;
      if (track.video) this.#pli(track, now);
      return;
    }
    const fresh: number[] = [];
    for (let s = ext - gap; s < ext; s++) {
      track.missing.set(s, [now, 1, now]);
      fresh.push(s & 0xffff);
    }
    this.#send(buildNack(track.spec.ssrc, fresh), track.spec.feedbackPort);
    track.nacksSent++;
  }

  #feedback(): void {
    const now = performance.now();
    for (const track of this.#tracks.values()) {
      if (track.video && !track.keyframeSeen && now - track.lastPliAt >= KEYFRAME_RETRY_MS) this.#pli(track, now);
      if (track.missing.size === 0) continue;
      const again: number[] = [];
      let gaveUp = false;
      for (const [ext, entry] of track.missing) {
        if (now - entry[2] < NACK_RETRY_MS) continue;
        if (entry[1] >= NACK_TRIES) {
          track.missing.delete(ext);
          track.lostPackets++;
          gaveUp = true;
          continue;
        }
        entry[1]++;
        entry[2] = now;
        again.push(ext & 0xffff);
      }
      if (again.length > 0) {
        this.#send(buildNack(track.spec.ssrc, again), track.spec.feedbackPort);
        track.nacksSent++;
      }
      if (gaveUp && track.video) this.#pli(track, now);
    }
  }

  #pli(track: Track, now: number): void {
    if (track.keyframeSeen && now - track.lastPliAt < PLI_MIN_INTERVAL_MS) return;
    track.lastPliAt = now;
    track.plisSent++;
    this.#send(buildPli(track.spec.ssrc), track.spec.feedbackPort);
  }

  #send(packet: Buffer, port: number): void {
    this.#socket.send(packet, port, '127.0.0.1');
  }
}

/**
 * Node's dgram hands every datagram to its handle's `onmessage`, which adds `size` to the
 * rinfo object (a hidden-class transition per packet) and then goes through
 * EventEmitter.emit: ~1 µs of each ~10 µs a packet costs the tap here (perf, issue 11),
 * neither of which the tap needs. When the handle sits where Node 20 keeps it, the tap
 * takes that callback itself (errors still reach the socket's 'error' listeners);
 * otherwise it returns false and the caller listens to 'message' as usual.
 */
function receiveDirect(socket: dgram.Socket, onPacket: (msg: Buffer) => void): boolean {
  const state = Object.getOwnPropertySymbols(socket).find((s) => s.description === 'state symbol');
  const handle = state && (socket as unknown as Record<symbol, { handle?: { onmessage?: unknown } }>)[state]?.handle;
  if (!handle || typeof handle.onmessage !== 'function') return false;
  const original = handle.onmessage as (nread: number, ...rest: unknown[]) => void;
  handle.onmessage = (nread: number, h: unknown, buf: Buffer, rinfo: unknown) => {
    if (nread < 0) return original(nread, h, buf, rinfo);
    onPacket(buf);
  };
  return true;
}
