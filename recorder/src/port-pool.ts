/**
 * Local UDP port pairs for ffmpeg's RTP inputs.
 *
 * ffmpeg's SDP demuxer binds the `m=` port for RTP and that port + 1 for RTCP, so a
 * pair is an even port and its odd neighbour (the RTP convention). A pair is offered
 * only after both ports could actually be bound here, which skips ports held by other
 * programs (or a leftover ffmpeg). There is still a short window between our probe and
 * ffmpeg's bind in which another program could take the port; ffmpeg then exits with
 * "bind failed" and the recorder's start reports that error.
 *
 * The cursor walks the range round-robin instead of reusing the lowest free pair, so a
 * just-released pair is not handed straight to a new ffmpeg while stray packets for
 * the old recording may still be in flight.
 */
import dgram from 'node:dgram';
import { readFile } from 'node:fs/promises';

export interface PortPair {
  rtpPort: number;
  rtcpPort: number;
}

export interface PortPoolOptions {
  /** First port of the range (rounded up to even). */
  min?: number;
  /** Last port of the range (inclusive). */
  max?: number;
  /** Address the probe binds; ffmpeg listens on the same one. */
  host?: string;
}

/**
 * Defaults: 45000–49999. mediasoup's own WebRTC ports default to 40000–44999 in
 * `@proctor/sfu` (MEDIA_RTC_MIN_PORT/MAX_PORT); keeping ffmpeg's ports out of that
 * range means a worker never races an ffmpeg for the same port.
 */
export const DEFAULT_PORT_RANGE = { min: 45000, max: 49999 } as const;

function canBind(port: number, host: string): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = dgram.createSocket({ type: 'udp4', reuseAddr: false });
    socket.once('error', () => {
      socket.close();
      resolve(false);
    });
    socket.bind({ port, address: host, exclusive: true }, () => {
      socket.close(() => resolve(true));
    });
  });
}

export class PortPool {
  readonly min: number;
  readonly max: number;
  readonly host: string;
  private readonly taken = new Set<number>();
  private cursor: number;

  constructor(opts: PortPoolOptions = {}) {
    const min = opts.min ?? DEFAULT_PORT_RANGE.min;
    this.min = min % 2 === 0 ? min : min + 1;
    this.max = opts.max ?? DEFAULT_PORT_RANGE.max;
    this.host = opts.host ?? '127.0.0.1';
    if (this.min < 1024 || this.max > 65535 || this.max < this.min + 1) {
      throw new Error(`invalid RTP port range ${opts.min}-${opts.max}`);
    }
    this.cursor = this.min;
  }

  /** Number of pairs the range holds. */
  get capacity(): number {
    return Math.floor((this.max - this.min + 1) / 2);
  }

  get inUse(): number {
    return this.taken.size;
  }

  async acquire(): Promise<PortPair> {
    for (let tried = 0; tried < this.capacity; tried++) {
      const rtpPort = this.cursor;
      this.cursor = rtpPort + 2 > this.max - 1 ? this.min : rtpPort + 2;
      if (this.taken.has(rtpPort)) continue;
      // Reserve before the async probe so concurrent acquire() calls skip it.
      this.taken.add(rtpPort);
      if ((await canBind(rtpPort, this.host)) && (await canBind(rtpPort + 1, this.host))) {
        return { rtpPort, rtcpPort: rtpPort + 1 };
      }
      this.taken.delete(rtpPort);
    }
    throw new Error(`no free UDP port pair in ${this.min}-${this.max} on ${this.host}`);
  }

  release(pair: PortPair): void {
    this.taken.delete(pair.rtpPort);
  }
}

/**
 * Whether some socket is bound to this local UDP port, read from /proc/net/udp
 * (Linux). Probing by binding would itself hold the port for a moment and could make
 * ffmpeg's own bind fail, so readiness is read, not probed. Returns undefined where
 * /proc is unavailable; callers then fall back to a short fixed wait.
 */
export async function isUdpPortBound(port: number): Promise<boolean | undefined> {
  let table: string;
  try {
    table = await readFile('/proc/net/udp', 'utf8');
  } catch {
    return undefined;
  }
  const hexPort = port.toString(16).toUpperCase().padStart(4, '0');
  // Rows look like "  12: 0100007F:AFC8 00000000:0000 07 ..."; column 2 is local addr:port.
  return table.split('\n').some((line) => line.trim().split(/\s+/)[1]?.endsWith(`:${hexPort}`));
}

/** One pool per process, shared by every recorder that is not given its own. */
let shared: PortPool | undefined;
export function sharedPortPool(): PortPool {
  if (!shared) {
    const min = process.env.RECORDER_RTP_MIN_PORT ? Number(process.env.RECORDER_RTP_MIN_PORT) : undefined;
    const max = process.env.RECORDER_RTP_MAX_PORT ? Number(process.env.RECORDER_RTP_MAX_PORT) : undefined;
    shared = new PortPool({ ...(min ? { min } : {}), ...(max ? { max } : {}) });
  }
  return shared;
}
