import type { Kysely } from 'kysely';
import type { DB } from '../schema.ts';

/** Id of the discipline with this name, creating it if needed. */
export async function ensureDiscipline(db: Kysely<DB>, name: string): Promise<string> {
  const row = await db
    .insertInto('disciplines')
    .values({ name })
    // A no-op update so RETURNING yields the existing row too.
    .onConflict((oc) => oc.column('name').doUpdateSet((eb) => ({ name: eb.ref('excluded.name') })))
    .returning('id')
    .executeTakeFirstOrThrow();
  return row.id;
}
