/**
 * The recorder's settings from the environment, read and checked here only (as
 * signaling/src/config.ts is for the media node); the modules below are handed the values,
 * or call one of these readers for their default:
 *
 *   DATA_DIR             default <repo>/.data (as the media node)
 *   RECORDINGS_DIR       default DATA_DIR/recordings, shared with the media nodes
 *   REPORTS_DIR          default DATA_DIR/reports, where report exports are written and served
 *   FFMPEG_PATH, FFPROBE_PATH  the binaries; default found on PATH (ffmpeg.ts)
 *   CHROMIUM_PATH        Debian's headless Chromium for PDFs; default /usr/bin/chromium
 *   RECORDER_TAP         inline | thread (default thread; see recorder/README.md)
 *   EVIDENCE_SIGNING_KEY the evidence key as PEM (\n allowed); default a file under DATA_DIR
 *
 * and for the jobs process (jobs/main.ts) `jobsConfigFromEnv`: DATABASE_URL, REDIS_URL,
 * SMTP_URL, MAIL_FROM, JOBS_CONCURRENCY, METRICS_PORT, METRICS_HOST, LOG_LEVEL, LOG_FORMAT.
 */
import { accessSync, constants, statSync } from 'node:fs';
import path from 'node:path';
import type { LogFormat } from './process-logger.ts';
import type { TapHostMode } from './tap/tap-host.ts';

type Env = NodeJS.ProcessEnv;

const repoRoot = path.resolve(import.meta.dirname, '../..');

export function dataDirFromEnv(env: Env = process.env): string {
  return path.resolve(env.DATA_DIR ?? path.join(repoRoot, '.data'));
}

export function recordingsDirFromEnv(env: Env = process.env): string {
  return path.resolve(env.RECORDINGS_DIR ?? path.join(dataDirFromEnv(env), 'recordings'));
}

/** Read by both the job that writes report files and the API that serves them; never from a request. */
export function reportsDirFromEnv(env: Env = process.env): string {
  if (env.REPORTS_DIR) return path.resolve(env.REPORTS_DIR);
  return path.join(dataDirFromEnv(env), 'reports');
}

// Converting recordings and snapshots depends on a system ffmpeg (Debian's 5.1:
// `ffmpeg-static` cannot install here), so a missing binary must fail once, at start-up,
// with a message that says how to fix it — not later as an ENOENT on the first job.
export interface FfmpegPaths {
  ffmpeg: string;
  ffprobe: string;
}

export class FfmpegNotFoundError extends Error {
  constructor(detail: string) {
    super(
      `ffmpeg not found: install Debian's ffmpeg (infra/scripts/install-system-deps.sh) or set FFMPEG_PATH (${detail})`,
    );
    this.name = 'FfmpegNotFoundError';
  }
}

function isExecutableFile(file: string): boolean {
  try {
    if (!statSync(file).isFile()) return false;
    accessSync(file, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

function findOnPath(name: string, envPath: string | undefined): string | undefined {
  for (const dir of (envPath ?? '').split(path.delimiter)) {
    if (!dir) continue;
    const candidate = path.join(dir, name);
    if (isExecutableFile(candidate)) return candidate;
  }
  return undefined;
}

/**
 * `FFMPEG_PATH` / `FFPROBE_PATH` win; otherwise both are looked up on PATH. When only
 * FFMPEG_PATH is set, an `ffprobe` next to it is preferred (they ship together).
 */
export function resolveFfmpeg(env: NodeJS.ProcessEnv = process.env): FfmpegPaths {
  let ffmpeg: string | undefined;
  if (env.FFMPEG_PATH) {
    if (!isExecutableFile(env.FFMPEG_PATH)) {
      throw new FfmpegNotFoundError(`FFMPEG_PATH=${env.FFMPEG_PATH} is not an executable file`);
    }
    ffmpeg = env.FFMPEG_PATH;
  } else {
    ffmpeg = findOnPath('ffmpeg', env.PATH);
    if (!ffmpeg) throw new FfmpegNotFoundError('no ffmpeg on PATH');
  }

  let ffprobe: string | undefined;
  if (env.FFPROBE_PATH) {
    if (!isExecutableFile(env.FFPROBE_PATH)) {
      throw new FfmpegNotFoundError(`FFPROBE_PATH=${env.FFPROBE_PATH} is not an executable file`);
    }
    ffprobe = env.FFPROBE_PATH;
  } else {
    const sibling = path.join(path.dirname(ffmpeg), 'ffprobe');
    ffprobe = isExecutableFile(sibling) ? sibling : findOnPath('ffprobe', env.PATH);
    if (!ffprobe) throw new FfmpegNotFoundError('ffmpeg found but no ffprobe next to it or on PATH');
  }
  return { ffmpeg, ffprobe };
}

export function chromiumPathFromEnv(env: Env = process.env): string {
  return env.CHROMIUM_PATH || '/usr/bin/chromium';
}

/** RECORDER_TAP=inline|thread (default thread: see recorder/README.md for the numbers). */
export function tapModeFromEnv(env: Env = process.env): TapHostMode {
  const v = env.RECORDER_TAP ?? 'thread';
  if (v !== 'inline' && v !== 'thread') throw new Error(`RECORDER_TAP must be inline or thread, got ${JSON.stringify(v)}`);
  return v;
}

/** EVIDENCE_SIGNING_KEY as PEM (an environment file may write its newlines as `\n`); undefined = use the key file. */
export function evidenceKeyFromEnv(env: Env = process.env): string | undefined {
  return env.EVIDENCE_SIGNING_KEY ? env.EVIDENCE_SIGNING_KEY.replace(/\\n/g, '\n') : undefined;
}

/** The separate jobs process (jobs/main.ts). */
export interface JobsConfig {
  databaseUrl: string;
  /** The queue; undefined = BullMQ's PostgreSQL backend in DATABASE_URL. */
  redisUrl: string | undefined;
  recordingsDir: string;
  reportsDir: string;
  ffmpeg: FfmpegPaths;
  /** Mail server for e-mailed photo reports; undefined = those jobs fail saying so. */
  smtp: { url: string; from: string } | undefined;
  /** Finalise jobs in parallel. */
  concurrency: number;
  /** Settled webhook deliveries older than this many days are deleted by the daily retention run. */
  webhookDeliveryRetentionDays: number;
  /** Prometheus /metrics; undefined = off. */
  metrics: { host: string; port: number } | undefined;
}

/** LOG_LEVEL, LOG_FORMAT as for the media node (pretty on a terminal, JSON otherwise); read first, to report the rest. */
export function logConfigFromEnv(env: Env = process.env, isTTY = process.stdout.isTTY === true): { level: string; format: LogFormat } {
  const format = env.LOG_FORMAT === 'json' || (env.LOG_FORMAT !== 'pretty' && !isTTY) ? 'json' : 'pretty';
  return { level: env.LOG_LEVEL || 'info', format };
}

export function jobsConfigFromEnv(env: Env = process.env): JobsConfig {
  const databaseUrl = env.DATABASE_URL;
  if (!databaseUrl) throw new Error('DATABASE_URL is required');
  const concurrency = Number(env.JOBS_CONCURRENCY ?? 2);
  if (!Number.isInteger(concurrency) || concurrency < 1) throw new Error(`JOBS_CONCURRENCY must be a whole number ≥ 1, got "${env.JOBS_CONCURRENCY}"`);
  return {
    databaseUrl,
    redisUrl: env.REDIS_URL || undefined,
    recordingsDir: recordingsDirFromEnv(env),
    reportsDir: reportsDirFromEnv(env),
    ffmpeg: resolveFfmpeg(env), // fails here, once, with the install hint
    smtp: env.SMTP_URL ? { url: env.SMTP_URL, from: env.MAIL_FROM ?? 'Proctor <no-reply@localhost>' } : undefined,
    concurrency,
    webhookDeliveryRetentionDays: webhookDeliveryRetentionDaysFromEnv(env),
    metrics: metricsFrom(env),
  };
}

function metricsFrom(env: Env): JobsConfig['metrics'] {
  const raw = env.METRICS_PORT;
  if (raw === undefined || raw === '') return undefined;
  const port = Number(raw);
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new Error(`METRICS_PORT must be a port number, got "${raw}"`);
  return { host: env.METRICS_HOST || '127.0.0.1', port };
}

/** WEBHOOK_DELIVERY_RETENTION_DAYS unset: a month of delivery log. */
export const DEFAULT_WEBHOOK_DELIVERY_RETENTION_DAYS = 30;

/** Reads WEBHOOK_DELIVERY_RETENTION_DAYS (a whole number of days ≥ 1; default 30). */
export function webhookDeliveryRetentionDaysFromEnv(env: Env = process.env): number {
  const raw = env.WEBHOOK_DELIVERY_RETENTION_DAYS?.trim();
  if (!raw) return DEFAULT_WEBHOOK_DELIVERY_RETENTION_DAYS;
  const days = Number(raw);
  if (!Number.isInteger(days) || days < 1 || days > 3650) throw new Error(`WEBHOOK_DELIVERY_RETENTION_DAYS must be a whole number of days from 1 to 3650, got "${raw}"`);
  return days;
}
