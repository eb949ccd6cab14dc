/**
 * A media node as its own process (`signaling/src/main.ts`, as systemd runs it) on a PRIVATE
 * PostgreSQL and a PRIVATE Redis (private-services.ts), with the job workers inside it
 * (RUN_JOBS=1: recordings are finalised), so a test can stop and restart either server
 * mid-exam. The test keeps its own connection to the database to seed it and to check rows.
 */
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { randomBytes } from 'node:crypto';
import { sql, type Kysely } from 'kysely';
import { createDb, migrateToLatest, seedMediaDemo, type DB } from '@proctor/db';
import { mintToken, type ClaimsInput } from '@proctor/signaling/token';
import { freePort } from './ports.ts';
import { startNodeProcess, type NodeProcess } from './node-process.ts';
import { startPrivatePostgres, startPrivateRedis, type PrivatePostgres, type PrivateRedis } from './private-services.ts';
import type { Seed } from './stack.ts';

export interface FaultStack {
  pg: PrivatePostgres;
  redis: PrivateRedis;
  node: NodeProcess;
  /** The test's own pool on the private database (its idle connections' errors are ignored). */
  db: Kysely<DB>;
  seed: Seed;
  recordingsDir: string;
  token(claims: ClaimsInput, ttlSeconds?: number): string;
  candidateUrl(sessionId: string): string;
  proctorUrl(examId?: string): string;
  /** GET /healthz of the node. */
  health(): Promise<{ status: number; body: Record<string, unknown> }>;
  close(): Promise<void>;
}

export async function startFaultStack({ candidates = 1 }: { candidates?: number } = {}): Promise<FaultStack> {
  const cleanups: Array<() => Promise<unknown>> = [];
  const close = async () => {
    for (const fn of cleanups.splice(0).reverse()) await fn().catch((err: unknown) => console.error('[fault-stack] close:', err));
  };
  try {
    const pgServer = await startPrivatePostgres();
    cleanups.push(() => pgServer.close());
    const redis = await startPrivateRedis();
    cleanups.push(() => redis.close());

    const admin = createDb(pgServer.url, { max: 1 });
    await sql`CREATE DATABASE proctor`.execute(admin);
    await admin.destroy();
    const databaseUrl = pgServer.databaseUrl('proctor');
    const db = createDb(databaseUrl, { max: 4, applicationName: 'fault-test', onPoolError: () => undefined });
    cleanups.push(() => db.destroy());
    await migrateToLatest(db);
    const seed = await seedMediaDemo(db, { candidates });

    const dataDir = await fs.mkdtemp(path.join(os.tmpdir(), 'proctor-fault-'));
    cleanups.push(() => fs.rm(dataDir, { recursive: true, force: true }));
    const recordingsDir = path.join(dataDir, 'recordings');
    const tokenSecret = randomBytes(32).toString('base64url');
    const port = await freePort();
    const node = await startNodeProcess({
      PORT: String(port),
      DATABASE_URL: databaseUrl,
      REDIS_URL: redis.url,
      RUN_JOBS: '1',
      TOKEN_SECRET: tokenSecret,
      DATA_DIR: dataDir,
      RECORDINGS_DIR: recordingsDir,
      NODE_ID: `fault-${randomBytes(3).toString('hex')}`,
      WEB_BUILD_DIR: process.env.WEB_BUILD_DIR ?? path.resolve(import.meta.dirname, '../../web/build'),
    }, 150_000);
    cleanups.push(() => node.stop());

    const token = (claims: ClaimsInput, ttl = 3600) => mintToken(claims, tokenSecret, ttl);
    return {
      pg: pgServer,
      redis,
      node,
      db,
      seed,
      recordingsDir,
      token,
      candidateUrl: (sessionId) => `${node.url}/exam?token=${token({ role: 'candidate', sessionId })}`,
      proctorUrl: (examId = seed.examId) => `${node.url}/proctor/exams/${examId}/live?token=${token({ role: 'proctor', userId: seed.proctorUserId })}`,
      async health() {
        const res = await fetch(`${node.url}/healthz`);
        return { status: res.status, body: (await res.json()) as Record<string, unknown> };
      },
      close,
    };
  } catch (error) {
    await close();
    throw error;
  }
}

/** What a node's log must never say, whatever the fault: it would have crashed or lost work silently. */
export const CRASH_SIGNS = /unhandled ?rejection|uncaught ?exception|"level":60/i;
