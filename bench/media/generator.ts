/**
 * Load generator (child process): plays the pre-encoded clips over plain RTP to each
 * synthetic candidate's ingest PlainTransport, paced in real time: the camera as two VP8
 * simulcast layers, the microphone as Opus (one 20 ms packet each), the screen as VP8 —
 * the default media profile's rates (encode.ts). Every stream also sends an RTCP sender
 * report each second, as a browser does (mediasoup needs them to switch simulcast layers,
 * the recorder keeps them for A/V sync).
 *
 * One UDP socket per candidate sends all its streams, like one browser transport; the SFU learns the address from the first packet (comedia). Streams are
 * spread evenly over one frame interval so 2N streams don't all fire on the same
 * millisecond. Each frame's packets go out back to back (as a browser's pacer would
 * send a frame at a few times the bitrate). Keyframe requests coming back are counted
 * and answered like a browser would: the stream jumps back to the clip's first frame (a
 * key frame) at its next frame time, at most once per KEYFRAME_MIN_INTERVAL_MS. Without
 * that, one lost packet would cost the recorder up to a GOP (5 s) of video, because
 * ffmpeg drops inter frames after a loss until the next key frame. NACKs are answered
 * too, by resending the packet unchanged (no RTX is negotiated, so the retransmission
 * travels in the original stream), from a history of the last HISTORY packets — but,
 * as a browser's pacer does, within a budget: a packet at most once per
 * RESEND_MIN_INTERVAL_MS and at most RESEND_BUDGET of the stream's packet rate. An
 * unbounded responder turns an overloaded SFU's NACKs into a retransmission storm that
 * overloads it further (seen here: 1.5 M resends in 30 s at N = 100).
 */
import dgram from 'node:dgram';
import { readIvf } from './ivf.ts';
import { serve } from './ipc.ts';
import { CLIPS, type ClipId } from './encode.ts';
import { readOggOpus } from './ogg.ts';
import type { GeneratorApi, GeneratorPlan, GeneratorReport, StreamPlan } from './protocol.ts';
import { buildSenderReport, isRtcp, keyframeRequestSsrcs, nackRequests } from './rtcp.ts';
import { buildRtpPacket, buildVp8RtpPacket, fragmentFrame } from './vp8-rtp.ts';

interface PacketizedClip {
  kind: 'audio' | 'video';
  fps: number;
  /** Per frame, the slices that become one RTP packet each (VP8 slices, or one Opus packet). */
  frames: Buffer[][];
}

const SENDER_REPORT_INTERVAL_MS = 1000;

const KEYFRAME_MIN_INTERVAL_MS = 500;
/** Packets kept per stream for retransmission: ~5 s of camera, ~3.5 s of screen (mediasoup gives up NACKing well before). */
const HISTORY = 512;
const RESEND_MIN_INTERVAL_MS = 100;
/** Retransmissions per second as a fraction of the stream's average packet rate. */
const RESEND_BUDGET = 0.1;

interface StreamState {
  plan: StreamPlan;
  /** Clip frame sent at the next frame time (advances by one, wraps; 0 after a key frame request). */
  clipFrame: number;
  keyframeRequested: boolean;
  lastForcedKeyframeAt: number;
  /** Sent packets by sequence number modulo HISTORY, with when each was last (re)sent. */
  history: (Buffer | undefined)[];
  sentAt: Float64Array;
  /** Token bucket of retransmissions (packets), refilled at RESEND_BUDGET × packet rate. */
  resendTokens: number;
  resendRate: number;
  resendRefilledAt: number;
  clip: PacketizedClip;
  socket: dgram.Socket;
  port: number;
  sequence: number;
  frame: number;
  /** performance.now() at which the next frame is due. */
  due: number;
  firstDue: number;
  totalFrames: number;
  windowFrames: [number, number];
  ticksPerFrame: number;
  packetsSent: number;
  packetsInWindow: number;
  bytesInWindow: number;
  nextReportAt: number;
  octetsSent: number;
}

async function packetize(id: ClipId, file: string): Promise<PacketizedClip> {
  if (CLIPS[id].kind === 'audio') {
    const clip = await readOggOpus(file);
    return { kind: 'audio', fps: clip.fps, frames: clip.packets.map((p) => [p]) };
  }
  const clip = await readIvf(file);
  return { kind: 'video', fps: clip.fps, frames: clip.frames.map((f) => fragmentFrame(f.data)) };
}

/** Average packets per second of a looped clip. */
function packetRate(clip: PacketizedClip): number {
  const packets = clip.frames.reduce((n, f) => n + f.length, 0);
  return (packets / clip.frames.length) * clip.fps;
}

function bind(): Promise<dgram.Socket> {
  return new Promise((resolve, reject) => {
    const socket = dgram.createSocket('udp4');
    socket.once('error', reject);
    socket.bind(0, '127.0.0.1', () => {
      socket.off('error', reject);
      resolve(socket);
    });
  });
}

function percentile(values: number[], p: number): number {
  if (values.length === 0) return 0;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]!;
}

interface Prepared {
  plan: GeneratorPlan;
  clips: Record<ClipId, PacketizedClip>;
  sockets: dgram.Socket[];
  keyframeRequests: number;
  retransmissions: number;
  /** Filled by start(): where a key frame request or a NACK for an SSRC goes. */
  bySsrc: Map<number, StreamState>;
}

let prepared: Prepared | undefined;

async function prepare(plan: GeneratorPlan): Promise<Record<string, never>> {
  const clips = {} as Record<ClipId, PacketizedClip>;
  for (const id of Object.keys(plan.clips) as ClipId[]) clips[id] = await packetize(id, plan.clips[id]);
  const sockets = await Promise.all(plan.candidates.map(() => bind()));
  const state: Prepared = { plan, clips, sockets, keyframeRequests: 0, retransmissions: 0, bySsrc: new Map() };
  for (const socket of sockets) {
    socket.on('message', (msg) => {
      if (!isRtcp(msg)) return;
      for (const ssrc of keyframeRequestSsrcs(msg)) {
        state.keyframeRequests++;
        const stream = state.bySsrc.get(ssrc);
        if (stream) stream.keyframeRequested = true;
      }
      for (const { ssrc, sequenceNumbers } of nackRequests(msg)) {
        const stream = state.bySsrc.get(ssrc);
        if (!stream) continue;
        const now = performance.now();
        stream.resendTokens = Math.min(
          stream.resendRate,
          stream.resendTokens + ((now - stream.resendRefilledAt) / 1000) * stream.resendRate,
        );
        stream.resendRefilledAt = now;
        for (const seq of sequenceNumbers) {
          const slot = seq % HISTORY;
          const packet = stream.history[slot];
          if (!packet || packet.readUInt16BE(2) !== seq) continue; // too old: overwritten
          if (now - stream.sentAt[slot]! < RESEND_MIN_INTERVAL_MS) continue;
          if (stream.resendTokens < 1) break; // over budget: the receiver will ask for a key frame
          stream.resendTokens--;
          stream.sentAt[slot] = now;
          stream.socket.send(packet, stream.port, '127.0.0.1');
          state.retransmissions++;
        }
      }
    });
    socket.on('error', (err) => process.stderr.write(`[generator] socket error: ${err.message}\n`));
  }
  prepared = state;
  return {};
}

async function start({ startAtMs }: { startAtMs: number }): Promise<GeneratorReport> {
  const state = prepared;
  if (!state) throw new Error('prepare first');
  const { plan, clips, sockets } = state;
  const startPerf = startAtMs - performance.timeOrigin;
  const all = plan.candidates.flatMap((c, i) => c.streams.map((s) => ({ plan: s, port: c.port, socket: sockets[i]! })));
  const maxFps = Math.max(...Object.values(clips).map((c) => c.fps));
  const streams: StreamState[] = all.map(({ plan: s, port, socket }, k) => {
    const clip = clips[s.clip];
    // Stagger streams over one frame interval of the fastest source.
    const offset = (k / all.length) * (1000 / maxFps);
    const firstDue = startPerf + offset;
    return {
      plan: s,
      clipFrame: 0,
      keyframeRequested: false,
      lastForcedKeyframeAt: -Infinity,
      history: new Array<Buffer | undefined>(HISTORY),
      sentAt: new Float64Array(HISTORY),
      resendRate: RESEND_BUDGET * packetRate(clip),
      resendTokens: RESEND_BUDGET * packetRate(clip),
      resendRefilledAt: 0,
      clip,
      socket,
      port,
      // A browser starts at a random sequence number; 0 (candidate 0's first stream) made mediasoup score that layer 0 for a moment.
      sequence: (Math.imul(s.ssrc, 2654435761) >>> 16) & 0xffff,
      frame: 0,
      due: firstDue,
      firstDue,
      totalFrames: Math.round((plan.warmupSec + plan.seconds) * clip.fps),
      windowFrames: [Math.round(plan.warmupSec * clip.fps), Math.round((plan.warmupSec + plan.seconds) * clip.fps)],
      ticksPerFrame: s.clockRate / clip.fps,
      nextReportAt: firstDue,
      octetsSent: 0,
      packetsSent: 0,
      packetsInWindow: 0,
      bytesInWindow: 0,
    };
  });

  for (const s of streams) state.bySsrc.set(s.plan.ssrc, s);
  let forcedKeyframes = 0;
  const late: number[] = [];
  const sendFrame = (s: StreamState, now: number) => {
    late.push(now - s.due);
    if (s.clip.kind === 'video' && s.keyframeRequested && now - s.lastForcedKeyframeAt >= KEYFRAME_MIN_INTERVAL_MS) {
      if (s.clipFrame !== 0) forcedKeyframes++;
      s.clipFrame = 0;
      s.keyframeRequested = false;
      s.lastForcedKeyframeAt = now;
    }
    const slices = s.clip.frames[s.clipFrame]!;
    s.clipFrame = (s.clipFrame + 1) % s.clip.frames.length;
    const timestamp = (s.plan.tsBase + s.frame * s.ticksPerFrame) >>> 0;
    const inWindow = s.frame >= s.windowFrames[0] && s.frame < s.windowFrames[1];
    slices.forEach((slice, i) => {
      const fields = { payloadType: s.plan.payloadType, sequenceNumber: s.sequence, timestamp, ssrc: s.plan.ssrc, marker: i === slices.length - 1 };
      const packet = s.clip.kind === 'video' ? buildVp8RtpPacket(fields, s.frame, slice, i === 0) : buildRtpPacket({ ...fields, marker: false }, slice);
      s.octetsSent += packet.length - 12;
      s.history[s.sequence % HISTORY] = packet;
      s.sentAt[s.sequence % HISTORY] = now;
      s.sequence = (s.sequence + 1) & 0xffff;
      s.socket.send(packet, s.port, '127.0.0.1');
      s.packetsSent++;
      if (inWindow) {
        s.packetsInWindow++;
        s.bytesInWindow += packet.length;
      }
    });
    // After the frame, as a browser's first SR follows its first packets (mediasoup ignores
    // an SR for an SSRC it has not seen RTP of yet).
    if (now >= s.nextReportAt) {
      // The RTP time of "now" on this stream's clock, from the schedule (as a capture clock).
      const rtpNow = (s.plan.tsBase + Math.round(((now - s.firstDue) / 1000) * s.plan.clockRate)) >>> 0;
      s.socket.send(buildSenderReport(s.plan.ssrc, performance.timeOrigin + now, rtpNow, s.packetsSent, s.octetsSent), s.port, '127.0.0.1');
      s.nextReportAt = now + SENDER_REPORT_INTERVAL_MS;
    }
    s.frame++;
    // From the schedule, not from `now`: a late frame does not shift the ones after it.
    s.due = s.firstDue + (s.frame * 1000) / s.clip.fps;
  };

  await new Promise<void>((resolve) => {
    const tick = () => {
      const now = performance.now();
      let next = Infinity;
      for (const s of streams) {
        while (s.frame < s.totalFrames && s.due <= now) sendFrame(s, now);
        if (s.frame < s.totalFrames) next = Math.min(next, s.due);
      }
      if (next === Infinity) resolve();
      else setTimeout(tick, Math.max(0, next - performance.now()));
    };
    setTimeout(tick, Math.max(0, startPerf - performance.now()));
  });

  // Let queued sends leave before the sockets close.
  await new Promise((r) => setTimeout(r, 200));
  for (const socket of sockets) socket.close();
  return {
    streams: streams.map((s) => ({
      id: s.plan.id,
      packetsSent: s.packetsSent,
      packetsInWindow: s.packetsInWindow,
      bytesInWindow: s.bytesInWindow,
      framesSent: s.frame,
      fps: s.clip.fps,
    })),
    lateMsP99: percentile(late, 99),
    lateMsMax: late.reduce((a, b) => Math.max(a, b), 0),
    keyframeRequestsReceived: state.keyframeRequests,
    keyframesSentOnRequest: forcedKeyframes,
    retransmissions: state.retransmissions,
  };
}

serve<GeneratorApi>({ prepare, start });
