/**
 * Proctor-side sink (child process): UDP sockets that the SFU's consumers send to, which
 * count RTP packets per SSRC. It stands in for the proctors' browsers, so it is a
 * separate process whose CPU is not charged to the SFU.
 *
 * A packet counts as "in the window" by its RTP timestamp, which the SFU passes through
 * unchanged for single-stream producers (and a simulcast consumer on its first layer): the same frames the generator counted, however
 * late they arrive.
 */
import dgram from 'node:dgram';
import { serve } from './ipc.ts';
import type { SinkApi, SinkExpect, SinkReport } from './protocol.ts';
import { isRtcp } from './rtcp.ts';

/** 4 MB (the host's rmem_max here): a stalled sink must not drop what the SFU delivered. */
const RECV_BUFFER_BYTES = 4 * 1024 * 1024;

interface Counter {
  id: string;
  tsBase: number;
  window: [number, number];
  received: number;
  inWindow: number;
  firstTs: number | null;
}

const sockets: dgram.Socket[] = [];
const bySsrc = new Map<number, Counter>();
let unknownPackets = 0;
const unknownSsrcs = new Set<number>();

function onPacket(msg: Buffer): void {
  if (msg.length < 12 || msg[0]! >> 6 !== 2 || isRtcp(msg)) return;
  const counter = bySsrc.get(msg.readUInt32BE(8));
  if (!counter) {
    unknownPackets++;
    if (unknownSsrcs.size < 8) unknownSsrcs.add(msg.readUInt32BE(8));
    return;
  }
  const ts = msg.readUInt32BE(4);
  counter.received++;
  counter.firstTs ??= ts;
  const offset = (ts - counter.tsBase) >>> 0; // 32-bit wrap-safe distance from the first frame
  if (offset >= counter.window[0] && offset < counter.window[1]) counter.inWindow++;
}

function bind(): Promise<dgram.Socket> {
  return new Promise((resolve, reject) => {
    const socket = dgram.createSocket('udp4');
    socket.once('error', reject);
    socket.bind(0, '127.0.0.1', () => {
      socket.off('error', reject);
      try {
        socket.setRecvBufferSize(RECV_BUFFER_BYTES);
      } catch {
        /* capped by net.core.rmem_max; the default still works at low rates */
      }
      socket.on('message', onPacket);
      resolve(socket);
    });
  });
}

serve<SinkApi>({
  async open({ count }) {
    for (let i = 0; i < count; i++) sockets.push(await bind());
    return { ports: sockets.map((s) => s.address().port) };
  },
  async expect(plan: SinkExpect) {
    for (const s of plan.streams) {
      const window: [number, number] = [plan.warmupSec * s.clockRate, (plan.warmupSec + plan.seconds) * s.clockRate];
      bySsrc.set(s.ssrc, { id: s.id, tsBase: s.tsBase, window, received: 0, inWindow: 0, firstTs: null });
    }
    return {};
  },
  async report(): Promise<SinkReport> {
    return {
      streams: [...bySsrc.values()].map((c) => ({
        id: c.id,
        packetsReceived: c.received,
        packetsInWindow: c.inWindow,
        firstTs: c.firstTs,
      })),
      unknownPackets,
      unknownSsrcs: [...unknownSsrcs],
    };
  },
});
