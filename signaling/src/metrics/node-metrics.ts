/**
 * What a media node reports at `/metrics` besides HTTP and socket latency: people and
 * rooms, media streams, per-worker CPU, RTP packet loss in both directions, recorder
 * lag and bytes, job queue depths. Everything is read when Prometheus scrapes (every
 * 15 s or so), from the live objects; nothing is added to the media path.
 */
import fs from 'node:fs/promises';
import type * as ms from 'mediasoup/types';
import { Counter, Gauge, collectDefaultMetrics, type Registry } from 'prom-client';
import { registerQueueDepths, type JobQueue } from '@proctor/recorder';
import type { WorkerPool } from '@proctor/sfu';
import { DeltaTracker } from './delta-tracker.ts';
import { MediaStreams } from './media-streams.ts';

export interface LiveCounts {
  candidates: number;
  proctors: number;
  rooms: number;
}

/** The slice of RecordingService read here. */
export interface RecorderView {
  readonly activeCount: number;
  recorderOf(producerId: string): { outputPath: string; startedAt: Date } | undefined;
}

export interface NodeMetricsDeps {
  registry: Registry;
  pool: Pick<WorkerPool, 'size' | 'get' | 'on'>;
  live(): LiveCounts;
  recordings: RecorderView;
  queue: Pick<JobQueue, 'counts'>;
}

type StreamStats = { type: string; ssrc: number; packetCount: number; packetsLost: number; byteCount: number };

/** Several metrics share one reading per scrape: the first to ask starts it, the others wait for it. */
function oncePerScrape(read: () => Promise<unknown>): () => Promise<void> {
  let running: Promise<void> | undefined;
  return () =>
    (running ??= read()
      .then(() => undefined)
      .finally(() => setImmediate(() => (running = undefined))));
}

export function registerNodeMetrics(deps: NodeMetricsDeps): void {
  const { registry } = deps;
  const registers = [registry];
  collectDefaultMetrics({ register: registry, prefix: 'proctor_node_process_' });
  const streams = new MediaStreams(deps.pool);

  new Gauge({
    name: 'proctor_live_people',
    help: 'People in live exam rooms on this node, by role (candidates connected, proctor sockets joined)',
    labelNames: ['role'],
    registers,
    collect() {
      const live = deps.live();
      this.set({ role: 'candidate' }, live.candidates);
      this.set({ role: 'proctor' }, live.proctors);
    },
  });
  new Gauge({
    name: 'proctor_live_rooms',
    help: 'Exam rooms live on this node',
    registers,
    collect() {
      this.set(deps.live().rooms);
    },
  });
  new Gauge({
    name: 'proctor_producers',
    help: 'Tracks candidates send to this node over WebRTC, by source',
    labelNames: ['source'],
    registers,
    collect() {
      const counts = { camera: 0, microphone: 0, screen: 0 } as Record<string, number>;
      for (const p of streams.producers) {
        const source = String(p.appData.source ?? 'unknown');
        counts[source] = (counts[source] ?? 0) + 1;
      }
      for (const [source, n] of Object.entries(counts)) this.set({ source }, n);
    },
  });
  new Gauge({
    name: 'proctor_consumers',
    help: 'Tracks this node sends to proctors over WebRTC, by kind',
    labelNames: ['kind'],
    registers,
    collect() {
      let audio = 0;
      let video = 0;
      for (const c of streams.consumers) c.kind === 'audio' ? audio++ : video++;
      this.set({ kind: 'audio' }, audio);
      this.set({ kind: 'video' }, video);
    },
  });

  // Per-worker CPU: user + system time of each mediasoup worker process.
  const cpuSeen = new DeltaTracker();
  new Counter({
    name: 'proctor_mediasoup_worker_cpu_seconds_total',
    help: 'CPU time (user + system) used by each mediasoup worker; rate() gives cores busy',
    labelNames: ['worker'],
    registers,
    async collect() {
      const reads: Promise<void>[] = [];
      for (let i = 0; i < deps.pool.size; i++) {
        const worker = deps.pool.get(i);
        if (!worker) continue;
        reads.push(
          worker.getResourceUsage().then(
            (u) => this.inc({ worker: String(i) }, cpuSeen.delta(`${i}:${worker.pid}`, (u.ru_utime + u.ru_stime) / 1000)),
            () => undefined, // died between get() and the request: its replacement shows up next time
          ),
        );
      }
      await Promise.all(reads);
      cpuSeen.endRound();
    },
  });

  // RTP in (candidates → node, loss seen by the node) and out (node → proctors, loss the
  // proctors' browsers report back in RTCP). One reading serves both counters of a direction.
  const rtpSeen = { in: new DeltaTracker(), out: new DeltaTracker() };
  const rtpIncrements = { in: { packets: 0, lost: 0 }, out: { packets: 0, lost: 0 } };
  async function readDirection(direction: 'in' | 'out', objects: Array<ms.Producer | ms.Consumer>, type: string): Promise<void> {
    const seen = rtpSeen[direction];
    await Promise.all(
      objects.map(async (o) => {
        const stats = (await o.getStats().catch(() => [])) as StreamStats[];
        for (const s of stats) {
          if (s.type !== type) continue;
          const key = `${o.id}:${s.ssrc}`;
          rtpIncrements[direction].packets += seen.delta(`${key}:n`, s.packetCount);
          rtpIncrements[direction].lost += seen.delta(`${key}:lost`, Math.max(0, s.packetsLost));
        }
      }),
    );
    seen.endRound();
  }
  const readRtp = oncePerScrape(() =>
    Promise.all([readDirection('in', [...streams.producers], 'inbound-rtp'), readDirection('out', [...streams.consumers], 'outbound-rtp')]),
  );
  /** Both counters read one shared reading; each takes what accumulated for it. */
  const rtpCounter = (name: string, help: string, field: 'packets' | 'lost') =>
    new Counter({
      name,
      help,
      labelNames: ['direction'],
      registers,
      async collect() {
        await readRtp();
        for (const direction of ['in', 'out'] as const) {
          this.inc({ direction }, rtpIncrements[direction][field]);
          rtpIncrements[direction][field] = 0;
        }
      },
    });
  rtpCounter('proctor_rtp_packets_total', 'RTP packets received from candidates (in) and sent to proctors (out)', 'packets');
  rtpCounter(
    'proctor_rtp_packets_lost_total',
    'RTP packets lost on the way in (seen here) and out (reported back by the receiving browser)',
    'lost',
  );

  // Recorders: bytes reaching disk, and how long since each file last grew.
  const bytesSeen = new DeltaTracker();
  const recorder = { bytes: 0, lagSeconds: 0 };
  const readRecorders = oncePerScrape(async () => {
    const now = Date.now();
    let worst = 0;
    await Promise.all(
      [...streams.producers].map(async (p) => {
        const r = deps.recordings.recorderOf(p.id);
        if (!r) return;
        const info = await fs.stat(r.outputPath).catch(() => undefined);
        // No file yet (waiting for the first keyframe): behind since the recorder started.
        const lastWrite = info?.mtimeMs ?? r.startedAt.getTime();
        worst = Math.max(worst, (now - lastWrite) / 1000);
        if (info) recorder.bytes += bytesSeen.delta(r.outputPath, info.size);
      }),
    );
    bytesSeen.endRound();
    recorder.lagSeconds = worst;
  });
  new Counter({
    name: 'proctor_recorder_bytes_total',
    help: 'Bytes written to recording files on this node',
    registers,
    async collect() {
      await readRecorders();
      this.inc(recorder.bytes);
      recorder.bytes = 0;
    },
  });
  new Gauge({
    name: 'proctor_recorder_lag_seconds',
    help: 'Longest time since a live recording file last grew (a stalled recorder shows here first)',
    registers,
    async collect() {
      await readRecorders();
      this.set(recorder.lagSeconds);
    },
  });
  new Gauge({
    name: 'proctor_recordings_active',
    help: 'Tracks being recorded on this node',
    registers,
    collect() {
      this.set(deps.recordings.activeCount);
    },
  });

  registerQueueDepths(registry, deps.queue);
}
