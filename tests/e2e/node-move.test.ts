/**
 * A proctor's live grid follows its exam room when the node holding it dies. Two media
 * node processes share one database; B is the entry address. The proctor opens the link
 * on B, is redirected to A (which holds the room), and joins there. A is killed with SIGKILL:
 * once the room's lease has run out the page reopens its link at the entry, B takes the room,
 * and the grid is live again on B without anyone touching the page.
 */
import { afterAll, beforeAll, describe, it } from 'vitest';
import assert from 'node:assert/strict';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { randomBytes } from 'node:crypto';
import type { Browser } from 'playwright-core';
import { createTestDatabase } from '@proctor/db/testing';
import { seedMediaDemo } from '@proctor/db';
import { mintToken } from '@proctor/signaling/token';
import { launchBrowser } from '../support/browser.ts';
import { freePort } from '../support/ports.ts';
import { startNodeProcess, type NodeProcess } from '../support/node-process.ts';
import { openProctor } from '../support/pages.ts';
import { waitFor } from '../support/media.ts';

const LEASE_SECONDS = 3;

describe('a page follows its room to another node', () => {
  const tokenSecret = randomBytes(32).toString('base64url');
  let testDb: Awaited<ReturnType<typeof createTestDatabase>>;
  let seed: Awaited<ReturnType<typeof seedMediaDemo>>;
  let dir: string;
  let a: NodeProcess;
  let b: NodeProcess;
  let browser: Browser;

  beforeAll(async () => {
    testDb = await createTestDatabase();
    seed = await seedMediaDemo(testDb.db, { candidates: 1 });
    dir = await fs.mkdtemp(path.join(os.tmpdir(), 'proctor-move-'));
    const [portA, portB] = [await freePort(), await freePort()];
    const entry = `http://127.0.0.1:${portB}`;
    const env = (name: string, port: number) => ({
      PORT: String(port),
      NODE_ID: `${name}-${randomBytes(3).toString('hex')}`,
      NODE_URL: `http://127.0.0.1:${port}`,
      PUBLIC_URL: entry,
      ROOM_LEASE_SECONDS: String(LEASE_SECONDS),
      DATABASE_URL: testDb.url,
      TOKEN_SECRET: tokenSecret,
      DATA_DIR: dir,
      RECORDINGS_DIR: path.join(dir, 'recordings'),
      REPORTS_DIR: path.join(dir, 'reports'),
    });
    [a, b] = await Promise.all([startNodeProcess(env('a', portA)), startNodeProcess(env('b', portB))]);
    browser = await launchBrowser();
  });
  afterAll(async () => {
    await browser?.close();
    await a?.stop();
    await b?.stop();
    await testDb?.drop();
    if (dir) await fs.rm(dir, { recursive: true, force: true });
  });

  it('reopens the link at the entry once the dead node\'s lease is over, and is live on the new node', async () => {
    // A takes the room first (a candidate's link opened there).
    const candidateToken = mintToken({ role: 'candidate', sessionId: seed.sessions[0]!.sessionId }, tokenSecret, 600);
    assert.equal((await fetch(`${a.url}/exam?token=${candidateToken}`)).status, 200);

    const proctorToken = mintToken({ role: 'proctor', userId: seed.proctorUserId }, tokenSecret, 600);
    const page = await openProctor(browser, `${b.url}/proctor/exams/${seed.examId}/live?token=${proctorToken}`);
    assert.equal(new URL(page.url()).origin, a.url, 'redirected to the node holding the room');
    const live = () => page.evaluate(() => (window as unknown as { __media?: { state(): string } }).__media?.state());
    await waitFor('grid connected on A', async () => (await live()) === 'connected', 30_000);

    await a.stop('SIGKILL');
    await waitFor('page moved to B', async () => new URL(page.url()).origin === b.url, (LEASE_SECONDS + 20) * 1000, 500);
    await waitFor('grid connected on B', async () => (await live()) === 'connected', 30_000);
    const lease = await testDb.db.selectFrom('roomLeases').select('nodeUrl').where('examId', '=', seed.examId).executeTakeFirst();
    assert.equal(lease?.nodeUrl, b.url);
    assert.equal(new URL(page.url()).searchParams.has('token'), false, 'the token left the address bar again');
  });
});
