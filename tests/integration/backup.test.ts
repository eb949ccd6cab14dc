/**
 * infra/scripts/backup.sh for real: a dump of a test database that restores into a fresh
 * one with the same rows, recordings copied, and a second run's snapshot sharing unchanged
 * files with the first (hard links) instead of copying them again.
 */
import { afterAll, beforeAll, describe, it } from 'vitest';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { createTestDatabase, type TestDatabase } from '@proctor/db/testing';
import { seedMediaDemo } from '@proctor/db';

const run = promisify(execFile);
const SCRIPT = path.resolve(import.meta.dirname, '../../infra/scripts/backup.sh');

describe('backup.sh', () => {
  let source: TestDatabase;
  let restored: TestDatabase;
  let dir: string;
  beforeAll(async () => {
    source = await createTestDatabase();
    await seedMediaDemo(source.db, { candidates: 3 });
    restored = await createTestDatabase({ migrate: false });
    dir = await fs.mkdtemp(path.join(os.tmpdir(), 'proctor-backup-'));
    await fs.mkdir(path.join(dir, 'recordings/exam/session'), { recursive: true });
    await fs.writeFile(path.join(dir, 'recordings/exam/session/camera.webm'), Buffer.alloc(64 * 1024, 7));
  });
  afterAll(async () => {
    await source?.drop();
    await restored?.drop();
    if (dir) await fs.rm(dir, { recursive: true, force: true });
  });

  const backup = () =>
    run('bash', [SCRIPT], {
      env: { ...process.env, DATABASE_URL: source.url, RECORDINGS_DIR: path.join(dir, 'recordings'), BACKUP_DIR: path.join(dir, 'backups') },
    });

  it('writes a dump that restores, and snapshots of the recordings sharing unchanged files', async () => {
    const first = await backup();
    assert.match(first.stdout, /backup done/);
    const [dump] = await fs.readdir(path.join(dir, 'backups/db'));
    assert.match(dump!, /^proctor-.*\.dump$/);
    await run('pg_restore', ['--no-owner', `--dbname=${restored.url}`, path.join(dir, 'backups/db', dump!)]);
    const count = async (t: TestDatabase) => (await t.db.selectFrom('examSessions').select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow()).n;
    assert.equal(await count(restored), await count(source));
    assert.equal(await count(restored), 3);

    await new Promise((r) => setTimeout(r, 1100)); // a new snapshot name (second resolution)
    await backup();
    const snapshots = (await fs.readdir(path.join(dir, 'backups/files'))).sort();
    assert.equal(snapshots.length, 2);
    const stats = await Promise.all(snapshots.map((s) => fs.stat(path.join(dir, 'backups/files', s, 'recordings/exam/session/camera.webm'))));
    assert.equal(stats[0]!.size, 64 * 1024);
    assert.equal(stats[0]!.ino, stats[1]!.ino, 'the unchanged recording is one file on disk');
  });

  it('refuses to run without its settings', async () => {
    await assert.rejects(run('bash', [SCRIPT], { env: { PATH: process.env.PATH } }), /DATABASE_URL is required/);
  });
});
