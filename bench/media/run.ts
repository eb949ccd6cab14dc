// `pnpm bench:media --candidates N --seconds S` — media load without browsers.
//
// N synthetic candidates send the default media profile (VP8 camera in 2 simulcast layers,
// Opus microphone, VP8 screen) over plain RTP (generator child process) into (1) BASELINE:
// bare mediasoup forwarding to a sink, and (2) FULL: the product path (ExamRoom placement +
// pipes, recording through the RTP taps into dumps, database, job queue), measured at the
// curve's steps (50, 100, 200, 300 below N) and at N. Each phase measures CPU of the SFU's
// processes (mediasoup workers, this Node process with its tap threads) over S seconds after
// a warm-up, packet loss at the sink and memory; at N also the gaps in the dumps and the
// finalise jobs' CPU per converted media second. Progress and the breakdown go to stderr;
// the last stdout line is one JSON object. See README.md beside this file.
import { mkdtempSync, rmSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import path from 'node:path';
import { pino } from 'pino';
import { mediaConfigFromEnv } from '@proctor/sfu';
import { startBaseline } from './baseline.ts';
import { cleanupAll, cleanupOnSignals, deferCleanup } from './cleanup.ts';
import { ensureAllEncoded } from './encode.ts';
import { type ConvertResult, startFull } from './full.ts';
import { parseOptions } from './options.ts';
import { type PhaseResult, runPhase } from './phase.ts';
import { printBreakdown } from './report.ts';

const log = (line: string) => process.stderr.write(`${line}\n`);
cleanupOnSignals(log);

const opts = parseOptions(process.argv.slice(2));

// A private temporary directory for everything this run writes (the recorders' SDP files,
// the recordings): os.tmpdir() follows TMPDIR, also in the ffmpeg children. Shared /tmp
// names can be swept by other programs' cleanup globs mid-run.
const scratch = mkdtempSync(path.join(tmpdir(), 'bench-media-'));
process.env.TMPDIR = scratch;
deferCleanup(async () => {
  if (opts.keep) log(`[bench:media] kept ${scratch}`);
  else rmSync(scratch, { recursive: true, force: true });
});
const cfg = mediaConfigFromEnv();
// mediasoup/product logs at warn and above, to stderr (stdout carries only the result line).
const logger = pino({ level: process.env.LOG_LEVEL ?? 'warn' }, pino.destination(2));
/** Where the cost curve is measured (below --candidates; --candidates itself is the last point). */
const CURVE_STEPS = [50, 100, 200, 300];
const rssGrowth = (p: PhaseResult) => p.memPeak.rssBytes - p.memBefore.rssBytes;
const load = () => loadavg().map((x) => x.toFixed(2)).join(' ');

let exitCode = 0;
try {
  const clips = await ensureAllEncoded(log);
  const phaseOpts = { candidates: opts.candidates, seconds: opts.seconds, warmupSec: opts.warmupSec, clips, log };
  log(`[bench:media] ${opts.candidates} candidates, ${opts.seconds} s (+${opts.warmupSec} s warm-up), ${cfg.numWorkers} workers`);

  let baseline: PhaseResult | undefined;
  let full: PhaseResult | undefined;
  if (opts.only !== 'full') {
    log(`[bench:media] BASELINE: bare mediasoup (load average ${load()})`);
    baseline = await runPhase(() => startBaseline(cfg, opts.candidates), phaseOpts);
  }
  const curve: { candidates: number; phase: PhaseResult }[] = [];
  let convert: ConvertResult | undefined;
  if (opts.only !== 'baseline') {
    const fullOpts = { roomSize: opts.roomSize, keep: opts.keep, logger, log };
    for (const step of CURVE_STEPS.filter((n) => n < opts.candidates)) {
      log(`[bench:media] FULL at ${step} candidates (curve; load average ${load()})`);
      const phase = await runPhase(
        () => startFull(cfg, { ...fullOpts, candidates: step, finalise: false, checkRecordings: false }),
        { ...phaseOpts, candidates: step },
      );
      curve.push({ candidates: step, phase });
    }
    log(`[bench:media] FULL: product path with recording (load average ${load()})`);
    let sfu: Awaited<ReturnType<typeof startFull>> | undefined;
    full = await runPhase(async () => {
      sfu = await startFull(cfg, { ...fullOpts, candidates: opts.candidates, finalise: opts.finalise, checkRecordings: true });
      return sfu;
    }, phaseOpts);
    convert = sfu?.convert;
    curve.push({ candidates: opts.candidates, phase: full });
  }
  printBreakdown([baseline, full], opts, log);
  for (const { candidates, phase } of curve) {
    log(
      `[bench:media] curve ${String(candidates).padStart(4)} candidates: ${(phase.sfuCpuPct / candidates).toFixed(3)} % CPU and ` +
        `${(rssGrowth(phase) / candidates / 2 ** 20).toFixed(1)} MB RSS per candidate, loss ${phase.lossPct.toFixed(4)} % ` +
        `(workers ${phase.cpu.perWorker.map((w) => w.toFixed(1)).join(' + ')} %, node ${phase.cpu.groups.node.toFixed(1)} %)`,
    );
  }
  if (convert) {
    log(
      `[bench:media] finalise jobs (after the window, not in the CPU numbers): ${JSON.stringify(convert.statuses)}, ` +
        `${convert.mediaSeconds.toFixed(0)} media s in ${convert.cpuSeconds.toFixed(1)} CPU s (${convert.wallSeconds.toFixed(1)} s wall)` +
        (convert.errors.length ? `; errors: ${convert.errors.join(' | ')}` : ''),
    );
  }

  const n = opts.candidates;
  const round = (x: number | undefined, digits = 3) => (x === undefined || !Number.isFinite(x) ? null : Number(x.toFixed(digits)));
  const cpu = full ? full.sfuCpuPct / n : undefined;
  const baseCpu = baseline ? baseline.sfuCpuPct / n : undefined;
  const rss = full ? rssGrowth(full) / n / 2 ** 20 : undefined;
  console.log(
    JSON.stringify({
      candidates: n,
      seconds: opts.seconds,
      cpuPerCandidatePct: round(cpu),
      baselineCpuPerCandidatePct: round(baseCpu),
      ratio: round(cpu !== undefined && baseCpu ? cpu / baseCpu : undefined, 2),
      lossPct: round(full?.lossPct ?? baseline?.lossPct, 4),
      recordingGapSeconds: round(full?.recordings?.gapSeconds, 2),
      rssMbPerCandidate: round(rss, 1),
      curve: curve.map(({ candidates, phase }) => ({
        candidates,
        cpuPerCandidatePct: round(phase.sfuCpuPct / candidates),
        rssMbPerCandidate: round(rssGrowth(phase) / candidates / 2 ** 20, 2),
      })),
      convertRealtimeFactor: round(convert?.realtimeFactor ?? undefined, 1),
    }),
  );
} catch (error) {
  log(`[bench:media] failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
  exitCode = 1;
} finally {
  await cleanupAll(log);
}
// Pools, sockets or timers left by a library must not keep a finished benchmark alive.
process.exit(exitCode);
