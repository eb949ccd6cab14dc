/**
 * One measured phase (baseline or full): build the SFU paths, start the sink and the
 * generator, warm up, measure CPU and memory over exactly `seconds`, count what arrived,
 * then tear down.
 *
 * Timeline (t = 0 when the generator sends frame 0):
 *   [0, warmup)            ramp-up: first key frames, recorders' first clusters, caches
 *   [warmup, warmup + S)   CPU window (wall clock) = loss window (media time)
 *   warmup + S             generator stops; 1 s for the last packets to drain
 */
import { setPriority } from 'node:os';
import { deferCleanup } from './cleanup.ts';
import type { ClipId } from './encode.ts';
import { Helper } from './ipc.ts';
import { type CpuResult, type Memory, PeakMemory, type PidSet, cpuBetween, sfuMemory, snapshot } from './measure.ts';
import { udpSocketDrops } from './proc.ts';
import type { GeneratorApi, GeneratorReport, SinkApi } from './protocol.ts';
import type { RecordingCheck } from './recording-gaps.ts';
import type { SfuUnderTest } from './sfu-under-test.ts';
import type { SocketKind } from './socket-labels.ts';

export interface PhaseOptions {
  candidates: number;
  seconds: number;
  warmupSec: number;
  clips: Record<ClipId, string>;
  log: (line: string) => void;
}

export interface PhaseResult {
  name: string;
  setupSec: number;
  placement: string;
  cpu: CpuResult;
  /** CPU % of workers + ffmpegs + node. */
  sfuCpuPct: number;
  /** Recording ffmpegs alive when the window started. */
  ffmpegCount: number;
  memBefore: Memory;
  memPeak: Memory;
  packetsSent: number;
  packetsReceived: number;
  lossPct: number;
  /** Streams whose first packet at the sink was not their first frame (lost, or dropped by a consumer waiting for a key frame). */
  timestampMismatches: number;
  unknownPackets: number;
  unknownSsrcs: number[];
  /** Kernel UDP receive-buffer drops: the workers' sockets by kind, the ffmpegs', the recording taps' (this process), the sink's. */
  udpDrops: Record<SocketKind | 'ffmpeg' | 'tap' | 'sink', number>;
  /** Streams that lost packets in the window, worst first ("id: lost"). */
  lossyStreams: string[];
  generator: GeneratorReport;
  recordings: RecordingCheck | undefined;
}

const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, Math.max(0, ms)));
const epochNow = () => performance.timeOrigin + performance.now();
const MEMORY_SAMPLE_MS = 2000;

export async function runPhase(start: () => Promise<SfuUnderTest>, opts: PhaseOptions): Promise<PhaseResult> {
  const { log } = opts;
  const sfu = await start();
  const closeSfu = deferCleanup(() => sfu.close());
  const sink = Helper.start<SinkApi>('sink', new URL('./sink.ts', import.meta.url));
  const stopSink = deferCleanup(() => sink.stop());
  const generator = Helper.start<GeneratorApi>('generator', new URL('./generator.ts', import.meta.url));
  const stopGenerator = deferCleanup(() => generator.stop());
  // The generator plays the network: its packets must leave on time even when the SFU
  // saturates the cores, or the SFU would be offered bursts instead of a steady load.
  // A higher priority (root only; ignored otherwise) keeps its pacing; its CPU is still
  // measured and reported, just not charged to the SFU.
  try {
    setPriority(generator.pid, -10);
  } catch {
    log('[bench:media] could not raise the generator priority; its pacing may suffer on a busy machine');
  }
  try {
    const memBefore = sfuMemory({ ...sfu.pids(), generator: [], sink: [] });
    const t0 = performance.now();
    const { ports: sinkPorts } = await sink.call('open', { count: opts.candidates }, 30_000);
    const setup = await sfu.setup(sinkPorts);
    const setupSec = (performance.now() - t0) / 1000;
    log(`[${sfu.name}] set up ${opts.candidates} candidates in ${setupSec.toFixed(1)} s (${setup.placement})`);

    const window = { warmupSec: opts.warmupSec, seconds: opts.seconds };
    await sink.call('expect', { ...window, streams: setup.sinkStreams }, 30_000);
    await generator.call('prepare', { ...window, clips: opts.clips, candidates: setup.candidates }, 60_000);

    const startAtMs = epochNow() + 500;
    const windowStart = startAtMs + opts.warmupSec * 1000;
    const windowEnd = windowStart + opts.seconds * 1000;
    const sending = generator.call('start', { startAtMs }, (opts.warmupSec + opts.seconds + 120) * 1000);
    sending.catch(() => undefined); // awaited below; don't let an early failure go unhandled meanwhile
    log(`[${sfu.name}] sending: ${opts.warmupSec} s warm-up, then ${opts.seconds} s measured`);

    await sleep(windowStart - epochNow());
    // The pid set is fixed at the window's start: an ffmpeg that dies inside it shows up as vanished.
    const pids: PidSet = { ...sfu.pids(), generator: [generator.pid], sink: [sink.pid] };
    const a = snapshot(pids);
    const peak = new PeakMemory();
    while (epochNow() < windowEnd) {
      peak.sample(pids);
      await sleep(Math.min(MEMORY_SAMPLE_MS, windowEnd - epochNow()));
    }
    const b = snapshot(pids);
    const cpu = cpuBetween(a, b, pids);

    const gen = await sending;
    await sleep(1000); // packets still inside the SFU or in socket buffers
    const sinkReport = await sink.call('report', {}, 30_000);
    const udpDrops = { ingest: 0, pipe: 0, egress: 0, recording: 0, other: 0, ffmpeg: 0, tap: 0, sink: 0 };
    for (const s of udpSocketDrops(pids.workers)) udpDrops[sfu.labels.kindOf(s.port)] += s.drops;
    for (const s of udpSocketDrops(pids.ffmpeg)) udpDrops.ffmpeg += s.drops;
    for (const s of udpSocketDrops(pids.node)) udpDrops.tap += s.drops;
    for (const s of udpSocketDrops(pids.sink)) udpDrops.sink += s.drops;

    const sentById = new Map(gen.streams.map((s) => [s.id, s]));
    let packetsSent = 0;
    let packetsReceived = 0;
    const lossy: { id: string; lost: number }[] = [];
    for (const s of sinkReport.streams) {
      const sent = sentById.get(s.id)?.packetsInWindow ?? 0;
      packetsSent += sent;
      packetsReceived += Math.min(sent, s.packetsInWindow);
      if (s.packetsInWindow < sent) lossy.push({ id: s.id, lost: sent - s.packetsInWindow });
    }
    lossy.sort((x, y) => y.lost - x.lost);
    const planById = new Map(setup.sinkStreams.map((s) => [s.id, s]));
    const timestampMismatches = sinkReport.streams.filter((s) => s.firstTs !== null && s.firstTs !== planById.get(s.id)?.tsBase).length;

    const recordings = await sfu.finish(gen);
    return {
      name: sfu.name,
      setupSec,
      placement: setup.placement,
      cpu,
      sfuCpuPct: cpu.groups.workers + cpu.groups.ffmpeg + cpu.groups.node,
      ffmpegCount: pids.ffmpeg.length,
      memBefore,
      memPeak: peak.peak ?? memBefore,
      packetsSent,
      packetsReceived,
      lossPct: packetsSent > 0 ? ((packetsSent - packetsReceived) / packetsSent) * 100 : 100,
      timestampMismatches,
      unknownPackets: sinkReport.unknownPackets,
      unknownSsrcs: sinkReport.unknownSsrcs,
      udpDrops,
      lossyStreams: lossy.map((l) => `${l.id}: ${l.lost}`),
      generator: gen,
      recordings,
    };
  } finally {
    await stopGenerator();
    await stopSink();
    await closeSfu();
  }
}
