/** The human-readable breakdown on stderr: where the CPU, the packets and the memory went. */
import type { Options } from './options.ts';
import type { PhaseResult } from './phase.ts';

const f1 = (x: number) => x.toFixed(1);
const mb = (bytes: number) => (bytes / 2 ** 20).toFixed(0);

export function printBreakdown(phases: (PhaseResult | undefined)[], opts: Options, log: (line: string) => void): void {
  const n = opts.candidates;
  log('');
  log(`[bench:media] CPU over the ${opts.seconds} s window, % of one core (this machine: 100 % per core)`);
  log('  phase     workers (each)            ffmpeg (count, mean)      node    SFU total  per candidate | generator  sink  machine busy');
  for (const p of phases) {
    if (!p) continue;
    const c = p.cpu;
    const ffmpegCount = p.ffmpegCount;
    const ffmpeg = ffmpegCount > 0 ? `${f1(c.groups.ffmpeg)} (${ffmpegCount} × ${(c.groups.ffmpeg / ffmpegCount).toFixed(2)})` : '—';
    log(
      `  ${p.name.padEnd(9)} ${`${f1(c.groups.workers)} (${c.perWorker.map(f1).join(' + ')})`.padEnd(25)} ${ffmpeg.padEnd(25)} ` +
        `${f1(c.groups.node).padStart(5)}   ${f1(p.sfuCpuPct).padStart(8)}  ${(p.sfuCpuPct / n).toFixed(3).padStart(13)} | ` +
        `${f1(c.groups.generator).padStart(9)}  ${f1(c.groups.sink).padStart(4)}  ${f1(c.machineBusyPct).padStart(6)} % of all cores` +
        (c.vanished > 0 ? `  (${c.vanished} processes vanished in the window)` : ''),
    );
  }
  for (const p of phases) {
    if (!p) continue;
    log(`  ${p.name.padEnd(9)} workers waited for a free core ${p.cpu.workerWaitPct.map((w) => `${f1(w)} %`).join(' / ')} of the window (run-queue delay)`);
  }
  log('');
  log('[bench:media] packets in the window (sink vs generator) and kernel drops');
  for (const p of phases) {
    if (!p) continue;
    const g = p.generator;
    log(
      `  ${p.name.padEnd(9)} sent ${p.packetsSent}, received ${p.packetsReceived}, loss ${p.lossPct.toFixed(4)} %; ` +
        `kernel UDP drops: ${dropsText(p)}; generator lateness p99 ${f1(g.lateMsP99)} ms, max ${f1(g.lateMsMax)} ms; ` +
        `key frame requests reaching the generator ${g.keyframeRequestsReceived} (answered with ${g.keyframesSentOnRequest} early key frames), ` +
        `packets resent on NACK ${g.retransmissions}` +
        (p.timestampMismatches > 0 ? `; ${p.timestampMismatches} streams' first packet at the sink was not their first frame` : '') +
        (p.unknownPackets > 0 ? `; ${p.unknownPackets} packets of other SSRCs (${p.unknownSsrcs.join(', ')})` : ''),
    );
    if (p.lossyStreams.length > 0) {
      log(`  ${''.padEnd(9)} ${p.lossyStreams.length} streams lost packets; worst: ${p.lossyStreams.slice(0, 6).join(', ')}`);
    }
    const kbps = (g.streams.reduce((s, x) => s + x.bytesInWindow, 0) * 8) / opts.seconds / 1000 / n;
    log(`  ${''.padEnd(9)} offered load ${kbps.toFixed(0)} kbit/s per candidate (RTP incl. headers); set-up ${f1(p.setupSec)} s; ${p.placement}`);
  }
  log('');
  log('[bench:media] memory of workers + ffmpegs + node (peak during the window vs before set-up)');
  for (const p of phases) {
    if (!p) continue;
    const d = (k: 'workers' | 'ffmpeg' | 'node') => `${k} ${mb(p.memPeak.groups[k] - p.memBefore.groups[k])}`;
    log(
      `  ${p.name.padEnd(9)} RSS +${mb(p.memPeak.rssBytes - p.memBefore.rssBytes)} MB (${d('workers')}, ${d('ffmpeg')}, ${d('node')}); ` +
        `PSS +${mb(p.memPeak.pssBytes - p.memBefore.pssBytes)} MB (shared library pages counted once)`,
    );
  }
  const rec = phases[1]?.recordings;
  if (rec) {
    log('');
    log(
      `[bench:media] recordings: ${rec.files} files ${JSON.stringify(rec.statuses)}; gaps ${rec.gapSeconds.toFixed(2)} s ` +
        `(inside files ${rec.internalGapSeconds.toFixed(2)}, short at the edges ${rec.shortfallSeconds.toFixed(2)} = head ` +
        `${rec.headSeconds.toFixed(2)} + tail ${rec.tailSeconds.toFixed(2)}, ` +
        `missing ${rec.missingSeconds.toFixed(2)}); durations ${rec.minDurationSec.toFixed(2)}–${rec.maxDurationSec.toFixed(2)} s; ` +
        `largest edge shortfall ${rec.maxShortfallSec.toFixed(3)} s; ${rec.dumpedPackets} packets dumped, ${rec.missingPackets} missing ` +
        `inside the dumps, ${rec.shortRecordings} recordings with < 90 % of their stream's packets; ` +
        `${(rec.dumpBytes / 2 ** 20).toFixed(1)} MB of dumps = ${((rec.dumpBytes / Math.max(1, rec.mediaSeconds / 3)) * 3600 / 2 ** 20).toFixed(0)} MB per candidate-hour (3 tracks)`,
    );
    for (const w of rec.worst) log(`  ${w}`);
  }
  log('');
}

function dropsText(p: PhaseResult): string {
  const parts = Object.entries(p.udpDrops)
    .filter(([, n]) => n > 0)
    .map(([kind, n]) => `${kind} ${n}`);
  return parts.length > 0 ? parts.join(', ') : 'none';
}
