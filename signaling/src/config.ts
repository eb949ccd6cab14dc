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

export function nodeConfigFromEnv(env = process.env): NodeConfig {
  const port = Number(env.PORT ?? 3000);
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new Error(`PORT must be a port number, got "${env.PORT}"`);
  const host = env.HOST ?? '0.0.0.0';
  const dataDir = path.resolve(env.DATA_DIR ?? path.join(repoRoot, '.data'));
  const secret = env.TOKEN_SECRET ?? localSecret(dataDir);
  if (secret.length < 32) throw new Error('TOKEN_SECRET must be at least 32 characters');
  return {
    host,
    port,
    publicUrl: env.PUBLIC_URL ?? `http://localhost:${port}`,
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
