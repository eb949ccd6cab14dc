// A fresh database for the tests of the calling file: created before them, dropped after.
import { afterAll, beforeAll } from 'vitest';
import { seedMediaDemo } from '../../src/index.ts';
import { createTestDatabase, type TestDatabase } from '../../src/testing.ts';

/** `set` receives the database; `seed` (optional) fills it first. */
export function useTestDatabase(set: (t: TestDatabase) => void): void {
  let t: TestDatabase | undefined;
  beforeAll(async () => {
    t = await createTestDatabase();
    set(t);
  });
  afterAll(() => t?.drop());
}

/** The same, seeded with the media demo of `candidates` candidates; `set` also gets their session ids. */
export function useDemoDatabase(candidates: number, set: (t: TestDatabase, sessionIds: string[]) => void): void {
  let t: TestDatabase | undefined;
  beforeAll(async () => {
    t = await createTestDatabase();
    set(t, (await seedMediaDemo(t.db, { candidates })).sessions.map((s) => s.sessionId));
  });
  afterAll(() => t?.drop());
}
