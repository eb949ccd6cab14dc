/**
 * BASELINE: bare mediasoup forwarding the same RTP, no recorder and no application code.
 * One worker per core with one router each; candidates alternate between them, and each
 * candidate's streams are consumed on the router they arrive at (no pipes) — the cheapest
 * way mediasoup can do this job on this machine, which the product is compared against.
 */
import * as mediasoup from 'mediasoup';
import type * as ms from 'mediasoup/types';
import { type MediaConfig, mediaCodecs, resolveWorkerBin } from '@proctor/sfu';
import type { GeneratorReport } from './protocol.ts';
import type { SetupResult, SfuPids, SfuUnderTest } from './sfu-under-test.ts';
import { SocketLabels } from './socket-labels.ts';
import {
  consumeToSink,
  consumerSsrc,
  createEgressTransport,
  createIngestTransport,
  mapLimit,
  producerPlans,
  producerRtpParameters,
  watchedStream,
} from './streams.ts';

export async function startBaseline(cfg: MediaConfig, candidates: number): Promise<SfuUnderTest> {
  const workerBin = resolveWorkerBin();
  const workers: ms.Worker[] = [];
  const close = async () => {
    for (const w of workers) w.close();
  };
  try {
    for (let i = 0; i < cfg.numWorkers; i++) {
      workers.push(
        await mediasoup.createWorker({ workerBin, logLevel: cfg.logLevel, rtcMinPort: cfg.rtcMinPort, rtcMaxPort: cfg.rtcMaxPort }),
      );
    }
  } catch (error) {
    await close();
    throw error;
  }
  const labels = new SocketLabels();
  for (const w of workers) labels.watch(w);
  const routers = await Promise.all(workers.map((w) => w.createRouter({ mediaCodecs })));
  const portRange = { min: cfg.rtcMinPort, max: cfg.rtcMaxPort };
  const ingests: ms.PlainTransport[] = [];

  return {
    name: 'baseline',
    labels,
    pids: (): SfuPids => ({ workers: workers.map((w) => w.pid), ffmpeg: [], node: [process.pid] }),

    async setup(sinkPorts: number[]): Promise<SetupResult> {
      const result: SetupResult = { candidates: [], sinkStreams: [], placement: '' };
      const perCandidate = await mapLimit([...Array(candidates).keys()], 8, async (i) => {
        const router = routers[i % routers.length]!;
        const ingest = await createIngestTransport(router, portRange, { candidate: i });
        ingests.push(ingest);
        const egress = await createEgressTransport(router, portRange, sinkPorts[i]!);
        const plans = producerPlans(i);
        const sinkStreams = [];
        for (const plan of plans) {
          const producer = await ingest.produce({ kind: plan.kind, rtpParameters: producerRtpParameters(plan) });
          const consumer = await consumeToSink(egress, router, producer.id);
          const watched = watchedStream(plan);
          sinkStreams.push({ ssrc: consumerSsrc(consumer), id: watched.id, tsBase: watched.tsBase, clockRate: watched.clockRate });
        }
        return { plan: { port: ingest.tuple.localPort, streams: plans.flatMap((p) => p.streams) }, sinkStreams };
      });
      for (const c of perCandidate) {
        result.candidates.push(c.plan);
        result.sinkStreams.push(...c.sinkStreams);
      }
      result.placement = `${routers.length} routers, candidates alternate; producers and consumers on the same router`;
      return result;
    },

    async finish(_generator: GeneratorReport) {
      for (const t of ingests) t.close();
      return undefined;
    },

    close,
  };
}
