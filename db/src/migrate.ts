import { type Kysely, Migrator } from 'kysely';
import { migrations } from './migrations/index.ts';
import type { DB } from './schema.ts';

/**
 * Applies pending migrations and returns the names applied. Safe to call from several
 * processes at once: kysely serialises migrators with an advisory lock.
 */
export async function migrateToLatest(db: Kysely<DB>): Promise<string[]> {
  const migrator = new Migrator({
    db,
    provider: { getMigrations: async () => migrations },
    // Migrations are numbered by the issue that adds them and merged in any order, so a
    // database may already have a higher number than one merged later (e.g. 0016 before
    // 0015). They touch separate tables; apply whichever is missing.
    allowUnorderedMigrations: true,
  });
  const { error, results = [] } = await migrator.migrateToLatest();
  if (error !== undefined) {
    const failed = results.find((r) => r.status === 'Error')?.migrationName;
    const reason = error instanceof Error ? error.message : String(error);
    throw new Error(
      `Database migration ${failed ? `"${failed}" ` : ''}failed: ${reason}` +
        (failed ? ' (it was rolled back; earlier migrations stay applied)' : ''),
      { cause: error },
    );
  }
  return results.filter((r) => r.status === 'Success').map((r) => r.migrationName);
}
