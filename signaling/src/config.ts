/**
 * Media node settings from the environment. With no DATABASE_URL the launcher runs an
 * embedded PostgreSQL under DATA_DIR; with no REDIS_URL, jobs run in-process
 * on a PostgreSQL-backed queue.
 */
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

export interface NodeConfig {
  host: string;
  port: number;
  publicUrl: string;
  databaseUrl: string | undefined;
  redisUrl: string | undefined;
  dataDir: string;
  recordingsDir: string;
  tokenSecret: string;
  nodeId: string;
  webBuildDir: string;
  /** Outgoing mail (password reset); unset = demo inbox in memory at /dev/mail. */
  smtpUrl: string | undefined;
  mailFrom: string | undefined;
  // --- trusted proxies (issue 16) ---
  /** Addresses/CIDRs whose X-Forwarded-For is believed (TRUSTED_PROXIES); empty = none. */
  trustedProxies: string[];
  /**
   * MEDIA_DROP_GRACE_MS: how long a candidate whose socket dropped keeps their attempt
   * (peer, producers, recordings) waiting for the same page to resume (#12). Default 30 s.
   */
  mediaDropGraceMs: number;
  /**
   * WEBHOOK_DELIVERY_RETENTION_DAYS: settled webhook deliveries (the admins' delivery log,
   * with each event's body) are deleted this many days after they were made, by the daily
   * retention run of the jobs (in-process here, or the jobs process, which reads the same
   * variable). Default 30.
   */
  webhookDeliveryRetentionDays: number;
  /** Several media nodes, TURN, metrics, logs: see the blocks below. */
  cluster: ClusterConfig;
  ice: IceConfig;
  metrics: MetricsConfig;
  log: LogConfig;
  /** Reference photos and report exports (PHOTOS_DIR, REPORTS_DIR). */
  storage: StorageConfig;
}

/**
 * Where the node keeps files no request names: reference photos (`PHOTOS_DIR`, default
 * DATA_DIR/photos) and report exports (`REPORTS_DIR`, default DATA_DIR/reports, as the job
 * worker's reportsDirFromEnv). Read here only; services and routes are handed the paths.
 */
export interface StorageConfig {
  photosDir: string;
  reportsDir: string;
}

export function storageFromEnv(env: NodeJS.ProcessEnv = process.env): StorageConfig {
  const dataDir = path.resolve(env.DATA_DIR ?? path.join(repoRoot, '.data'));
  const dir = (name: 'PHOTOS_DIR' | 'REPORTS_DIR', fallback: string) => {
    const value = env[name];
    if (value !== undefined && value !== '' && value.trim() === '') throw new Error(`${name} must name a directory, got only spaces`);
    return value ? path.resolve(value) : fallback;
  };
  return { photosDir: dir('PHOTOS_DIR', path.join(dataDir, 'photos')), reportsDir: dir('REPORTS_DIR', path.join(dataDir, 'reports')) };
}

// ── Several media nodes (infra/README.md, "Several media nodes") ─────────────
export interface ClusterConfig {
  /**
   * This node's own address (NODE_URL). Links open at PUBLIC_URL (any node); a node that
   * does not own the exam's room redirects there. Default PUBLIC_URL (a single node).
   */
  nodeUrl: string;
  /** How long a room stays with a node that stopped renewing it (ROOM_LEASE_SECONDS). */
  leaseSeconds: number;
}

// ── TURN and ICE (infra/README.md, "TURN") ───────────────────────────────────
export interface IceConfig {
  /** TURN_URLS: comma-separated `turn:`/`turns:` URLs handed to browsers; empty = no TURN. */
  turnUrls: string[];
  /** TURN_SECRET: coturn's `static-auth-secret` (use-auth-secret REST credentials). */
  turnSecret: string | undefined;
  /** TURN_CREDENTIAL_TTL_SECONDS: lifetime of one credential; must outlast the longest exam. */
  turnCredentialTtlSeconds: number;
  /** ICE_TRANSPORT_POLICY: 'relay' sends every browser's media through TURN. */
  transportPolicy: 'all' | 'relay';
}

// ── Metrics (infra/README.md, "Metrics") ─────────────────────────────────────
export interface MetricsConfig {
  /** METRICS_PORT: Prometheus `/metrics` on its own port; unset = off. Never expose it publicly. */
  port: number | undefined;
  /** METRICS_HOST: where that port listens (default 127.0.0.1). */
  host: string;
}

// ── Logs ─────────────────────────────────────────────────────────────────────
export interface LogConfig {
  /** LOG_LEVEL (default info). */
  level: string;
  /** LOG_FORMAT: 'pretty' (readable), 'json'; default pretty on a terminal, JSON otherwise. */
  format: 'pretty' | 'json';
}

const repoRoot = path.resolve(import.meta.dirname, '../..');

/** A stable secret for a single-machine install, created once under the data dir. */
function localSecret(dataDir: string): string {
  const file = path.join(dataDir, 'token-secret');
  try {
    return fs.readFileSync(file, 'utf8').trim();
  } catch {
    fs.mkdirSync(dataDir, { recursive: true });
    const secret = randomBytes(32).toString('base64url');
    fs.writeFileSync(file, secret, { mode: 0o600 });
    return secret;
  }
}

function positiveInt(env: NodeJS.ProcessEnv, name: string, fallback: number): number {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  const n = Number(raw);
  if (!Number.isInteger(n) || n <= 0) throw new Error(`${name} must be a positive integer, got "${raw}"`);
  return n;
}

function httpUrl(name: string, value: string): string {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new Error(`${name} must be a URL like https://proctor.example.edu, got "${value}"`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new Error(`${name} must start with http:// or https://`);
  return url.origin;
}

function clusterFromEnv(env: NodeJS.ProcessEnv, publicUrl: string): ClusterConfig {
  const leaseSeconds = positiveInt(env, 'ROOM_LEASE_SECONDS', 20);
  if (leaseSeconds < 3) throw new Error('ROOM_LEASE_SECONDS must be at least 3 (renewed every third of it)');
  return { nodeUrl: env.NODE_URL ? httpUrl('NODE_URL', env.NODE_URL) : publicUrl, leaseSeconds };
}

function iceFromEnv(env: NodeJS.ProcessEnv): IceConfig {
  const turnUrls = (env.TURN_URLS ?? '').split(',').map((u) => u.trim()).filter(Boolean);
  for (const u of turnUrls) {
    if (!/^turns?:[^\s]+$/.test(u)) throw new Error(`TURN_URLS: "${u}" is not a turn: or turns: URL`);
  }
  const turnSecret = env.TURN_SECRET || undefined;
  if (turnUrls.length > 0 && !turnSecret) throw new Error('TURN_URLS is set but TURN_SECRET is not (coturn static-auth-secret)');
  if (turnSecret && turnSecret.length < 16) throw new Error('TURN_SECRET must be at least 16 characters');
  const policy = env.ICE_TRANSPORT_POLICY || 'all';
  if (policy !== 'all' && policy !== 'relay') throw new Error(`ICE_TRANSPORT_POLICY must be "all" or "relay", got "${policy}"`);
  if (policy === 'relay' && turnUrls.length === 0) throw new Error('ICE_TRANSPORT_POLICY=relay needs TURN_URLS');
  return {
    turnUrls,
    turnSecret,
    turnCredentialTtlSeconds: positiveInt(env, 'TURN_CREDENTIAL_TTL_SECONDS', 12 * 3600),
    transportPolicy: policy,
  };
}

function metricsFromEnv(env: NodeJS.ProcessEnv): MetricsConfig {
  const raw = env.METRICS_PORT;
  const port = raw === undefined || raw === '' ? undefined : Number(raw);
  if (port !== undefined && (!Number.isInteger(port) || port < 0 || port > 65535)) {
    throw new Error(`METRICS_PORT must be a port number, got "${raw}"`);
  }
  return { port, host: env.METRICS_HOST || '127.0.0.1' };
}

function logFromEnv(env: NodeJS.ProcessEnv): LogConfig {
  const format = env.LOG_FORMAT || (process.stdout.isTTY ? 'pretty' : 'json');
  if (format !== 'pretty' && format !== 'json') throw new Error(`LOG_FORMAT must be "pretty" or "json", got "${format}"`);
  return { level: env.LOG_LEVEL || 'info', format };
}

export function nodeConfigFromEnv(env = process.env): NodeConfig {
  const port = Number(env.PORT ?? 3000);
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new Error(`PORT must be a port number, got "${env.PORT}"`);
  const host = env.HOST ?? '0.0.0.0';
  const dataDir = path.resolve(env.DATA_DIR ?? path.join(repoRoot, '.data'));
  const secret = env.TOKEN_SECRET ?? localSecret(dataDir);
  if (secret.length < 32) throw new Error('TOKEN_SECRET must be at least 32 characters');
  const publicUrl = env.PUBLIC_URL ? httpUrl('PUBLIC_URL', env.PUBLIC_URL) : `http://localhost:${port}`;
  return {
    host,
    port,
    publicUrl,
    databaseUrl: env.DATABASE_URL || undefined,
    redisUrl: env.REDIS_URL || undefined,
    dataDir,
    recordingsDir: path.resolve(env.RECORDINGS_DIR ?? path.join(dataDir, 'recordings')),
    tokenSecret: secret,
    nodeId: env.NODE_ID ?? `${os.hostname()}:${port}`,
    webBuildDir: path.resolve(env.WEB_BUILD_DIR ?? path.join(repoRoot, 'web/build')),
    smtpUrl: env.SMTP_URL || undefined,
    mailFrom: env.MAIL_FROM || undefined,
    trustedProxies: trustedProxiesFromEnv(env.TRUSTED_PROXIES),
    mediaDropGraceMs: positiveInt(env, 'MEDIA_DROP_GRACE_MS', 30_000),
    // The jobs process reads the same variable (recorder/src/jobs/retention.ts), same default.
    webhookDeliveryRetentionDays: positiveInt(env, 'WEBHOOK_DELIVERY_RETENTION_DAYS', 30),
    cluster: clusterFromEnv(env, publicUrl),
    ice: iceFromEnv(env),
    metrics: metricsFromEnv(env),
    log: logFromEnv(env),
    storage: storageFromEnv(env),
  };
}

// --- trusted proxies (issue 16) ---
// X-Forwarded-For decides the client address that per-address limits and the audit log
// use, so it is believed only from the reverse proxies named here (comma-separated
// addresses or CIDRs, e.g. "127.0.0.1,10.0.0.0/8"); from anyone else it is ignored.
const PROXY_ENTRY = /^(?:\d{1,3}(?:\.\d{1,3}){3}|[0-9a-f:]*:[0-9a-f:.]*)(?:\/\d{1,3})?$/i;

export function trustedProxiesFromEnv(value: string | undefined): string[] {
  const entries = (value ?? '').split(',').map((s) => s.trim()).filter(Boolean);
  for (const entry of entries) {
    if (!PROXY_ENTRY.test(entry)) throw new Error(`TRUSTED_PROXIES: "${entry}" is not an IP address or CIDR`);
  }
  return entries;
}
