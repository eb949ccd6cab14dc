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
  };
}
