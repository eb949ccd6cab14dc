// `pnpm bench:media --candidates N --seconds S` — media load without browsers.
//
// N synthetic candidates send pre-encoded VP8 camera + screen over plain RTP (generator
// child process) into (1) BASELINE: bare mediasoup forwarding to a sink, and (2) FULL:
// the product path (ExamRoom placement + pipes, recording with ffmpeg, database, job
// queue). Each phase measures CPU of the SFU's processes (mediasoup workers, ffmpegs,
// this Node process) over S seconds after a warm-up, packet loss at the sink, and, for
// FULL, gaps in the recordings and memory. Progress and the breakdown go to stderr; the
// last stdout line is one JSON object. See README.md beside this file.
import { mkdtempSync, rmSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import path from 'node:path';
import { pino } from 'pino';
import { mediaConfigFromEnv } from '@proctor/sfu';
import { startBaseline } from './baseline.ts';
import { cleanupAll, cleanupOnSignals, deferCleanup } from './cleanup.ts';
import { SOURCES, ensureEncoded } from './encode.ts';
import { startFull } from './full.ts';
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
const load = () => loadavg().map((x) => x.toFixed(2)).join(' ');

let exitCode = 0;
try {
  const clips = {
    camera: await ensureEncoded(SOURCES.camera, log),
    screen: await ensureEncoded(SOURCES.screen, log),
  };
  const phaseOpts = { candidates: opts.candidates, seconds: opts.seconds, warmupSec: opts.warmupSec, clips, log };
  log(`[bench:media] ${opts.candidates} candidates, ${opts.seconds} s (+${opts.warmupSec} s warm-up), ${cfg.numWorkers} workers`);

  let baseline: PhaseResult | undefined;
  let full: PhaseResult | undefined;
  if (opts.only !== 'full') {
    log(`[bench:media] BASELINE: bare mediasoup (load average ${load()})`);
    baseline = await runPhase(() => startBaseline(cfg, opts.candidates), phaseOpts);
  }
  if (opts.only !== 'baseline') {
    log(`[bench:media] FULL: product path with recording (load average ${load()})`);
    full = await runPhase(
      () =>
        startFull(cfg, {
          candidates: opts.candidates,
          roomSize: opts.roomSize,
          finalise: opts.finalise,
          keep: opts.keep,
          clips,
          logger,
          log,
        }),
      phaseOpts,
    );
  }
  printBreakdown([baseline, full], opts, log);
  if (full?.recordings) {
    log(
      `[bench:media] recordings ${opts.finalise ? 'after the finalise jobs' : 'as written (finalise skipped)'}; ` +
        'finalising ran after the window and is not in the CPU numbers',
    );
  }

  const n = opts.candidates;
  const round = (x: number | undefined, digits = 3) => (x === undefined || !Number.isFinite(x) ? null : Number(x.toFixed(digits)));
  const cpu = full ? full.sfuCpuPct / n : undefined;
  const baseCpu = baseline ? baseline.sfuCpuPct / n : undefined;
  const rss = full ? (full.memPeak.rssBytes - full.memBefore.rssBytes) / n / 2 ** 20 : undefined;
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
