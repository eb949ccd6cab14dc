// Throwaway databases for tests: each call gets its own, so test files can run in parallel.
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import type { Kysely } from 'kysely';
import { createDb } from './connection.ts';
import { migrateToLatest } from './migrate.ts';
import type { DB } from './schema.ts';

export interface TestDatabase {
  url: string;
  db: Kysely<DB>;
  /** Closes db, disconnects everyone else and drops the database. Safe to call twice. */
  drop(): Promise<void>;
}

export function testAdminUrl(): string {
  return process.env.TEST_DATABASE_ADMIN_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
}

async function withAdmin(adminUrl: string, sqlText: string): Promise<void> {
  const client = new pg.Client({ connectionString: adminUrl });
  await client.connect();
  try {
    await client.query(sqlText);
  } finally {
    await client.end();
  }
}

/**
 * Creates `proctor_test_<ms>_<hex>` on the server at TEST_DATABASE_ADMIN_URL (default: local
 * postgres superuser, trust auth) and migrates it unless `migrate: false`.
 */
export async function createTestDatabase(opts: { migrate?: boolean } = {}): Promise<TestDatabase> {
  const adminUrl = testAdminUrl();
  const name = `proctor_test_${Date.now()}_${randomBytes(4).toString('hex')}`;
  const quoted = pg.escapeIdentifier(name);
  await withAdmin(adminUrl, `CREATE DATABASE ${quoted}`);

  const url = new URL(adminUrl);
  url.pathname = `/${name}`;
  const db = createDb(url.toString(), { max: 10, applicationName: 'proctor-test' });

  let dropped: Promise<void> | undefined;
  const drop = () =>
    (dropped ??= (async () => {
      await db.destroy();
      // FORCE (PostgreSQL 13+) terminates connections a test leaked, e.g. its own pools.
      await withAdmin(adminUrl, `DROP DATABASE IF EXISTS ${quoted} WITH (FORCE)`);
    })());

  if (opts.migrate ?? true) {
    try {
      await migrateToLatest(db);
    } catch (error) {
      await drop();
      throw error;
    }
  }
  return { url: url.toString(), db, drop };
}

export { generateScaleData, type ScaleDataOptions, type ScaleDataSample } from './repositories/scale-data.repository.ts';
export { generateScaleAttempts, type ScaleAttemptsResult } from './repositories/scale-attempts.repository.ts';
export { generateScaleConnectionEvents } from './repositories/statistics-scale-data.repository.ts';
