/**
 * Running ffmpeg/ffprobe and reading facts about recorded files. Where the binaries are
 * (FFMPEG_PATH, FFPROBE_PATH, PATH) is config.ts's `resolveFfmpeg`.
 */
import { spawn } from 'node:child_process';
import { resolveFfmpeg } from './config.ts';

/** Runs a binary to completion, collecting stdout/stderr (small outputs only). */
export function run(
  bin: string,
  args: string[],
  opts: { timeoutMs?: number } = {},
): Promise<{ code: number | null; signal: NodeJS.Signals | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(bin, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (d: string) => (stdout += d));
    child.stderr.setEncoding('utf8').on('data', (d: string) => {
      // Keep the tail only: ffmpeg can be chatty and we only quote it in errors.
      stderr = (stderr + d).slice(-8000);
    });
    const timer = opts.timeoutMs
      ? setTimeout(() => child.kill('SIGKILL'), opts.timeoutMs).unref()
      : undefined;
    child.on('error', (err) => {
      if (timer) clearTimeout(timer);
      reject(err);
    });
    child.on('close', (code, signal) => {
      if (timer) clearTimeout(timer);
      resolve({ code, signal, stdout, stderr });
    });
  });
}

export interface ProbeResult {
  /** Seconds, or null when the container does not state it (e.g. a live WebM cut off by SIGKILL). */
  durationSec: number | null;
  streams: Array<{ index: number; codecType: string; codecName: string; width?: number; height?: number }>;
}

export async function probe(file: string, ffprobe = resolveFfmpeg().ffprobe): Promise<ProbeResult> {
  const res = await run(
    ffprobe,
    ['-v', 'error', '-show_entries', 'format=duration:stream=index,codec_type,codec_name,width,height', '-of', 'json', file],
    { timeoutMs: 30_000 },
  );
  if (res.code !== 0) throw new Error(`ffprobe failed on ${file}: ${res.stderr.trim() || `exit ${res.code}`}`);
  const json = JSON.parse(res.stdout) as {
    format?: { duration?: string };
    streams?: Array<{ index: number; codec_type: string; codec_name: string; width?: number; height?: number }>;
  };
  const d = json.format?.duration !== undefined ? Number(json.format.duration) : NaN;
  return {
    durationSec: Number.isFinite(d) ? d : null,
    streams: (json.streams ?? []).map((s) => ({
      index: s.index,
      codecType: s.codec_type,
      codecName: s.codec_name,
      ...(s.width !== undefined ? { width: s.width } : {}),
      ...(s.height !== undefined ? { height: s.height } : {}),
    })),
  };
}

/** Container duration in seconds; throws if ffprobe cannot read one. */
export async function probeDuration(file: string, ffprobe?: string): Promise<number> {
  const { durationSec } = await probe(file, ffprobe);
  if (durationSec === null) throw new Error(`ffprobe reports no duration for ${file}`);
  return durationSec;
}
