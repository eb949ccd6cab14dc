import { beforeAll, describe, it } from 'vitest';
import assert from 'node:assert/strict';
import { sql } from 'kysely';
import { appendAction, listActionsForSession, seedMediaDemo } from '../src/index.ts';
import type { TestDatabase } from '../src/testing.ts';
import { useTestDatabase } from './support/test-db.ts';

describe('action log', () => {
  let t: TestDatabase;
  let sessionId: string;
  let entryId: number;
  useTestDatabase((db) => (t = db));
  beforeAll(async () => {
    sessionId = (await seedMediaDemo(t.db, { candidates: 1 })).sessions[0]!.sessionId;
    await appendAction(t.db, {
      actorName: 'Нұрланова Айгүл Бекқызы',
      actorIin: '880514400016',
      sessionId,
      action: 'session.viewed',
      at: new Date('2025-05-03T10:00:00Z'),
    });
    entryId = await appendAction(t.db, {
      actorName: 'Нұрланова Айгүл Бекқызы',
      sessionId,
      action: 'session.decision_changed',
      details: { from: 'none', to: 'admitted', reasons: ['reviewed'] },
      at: new Date('2025-05-03T10:05:00Z'),
    });
  });

  it('lists a session’s entries newest first, details intact', async () => {
    const entries = await listActionsForSession(t.db, sessionId);
    assert.deepEqual(entries.map((e) => e.action), ['session.decision_changed', 'session.viewed']);
    assert.equal(typeof entries[0]!.id, 'number');
    assert.deepEqual(entries[0]!.details, { from: 'none', to: 'admitted', reasons: ['reviewed'] });
    assert.deepEqual(entries[1]!.details, {});
    assert.equal(entries[1]!.actorIin, '880514400016');
  });

  it('rejects UPDATE', async () => {
    await assert.rejects(
      t.db.updateTable('actionLog').set({ action: 'forged' }).where('id', '=', entryId).execute(),
      /append-only \(UPDATE rejected\)/,
    );
  });

  it('rejects DELETE', async () => {
    await assert.rejects(t.db.deleteFrom('actionLog').where('id', '=', entryId).execute(), /append-only \(DELETE rejected\)/);
  });

  it('rejects TRUNCATE', async () => {
    await assert.rejects(sql`TRUNCATE action_log`.execute(t.db), /append-only \(TRUNCATE rejected\)/);
    assert.equal((await listActionsForSession(t.db, sessionId)).length, 2);
  });
});
