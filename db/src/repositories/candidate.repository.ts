import type { Kysely } from 'kysely';
import type { Candidate, DB } from '../schema.ts';

export function getCandidate(db: Kysely<DB>, id: string): Promise<Candidate | undefined> {
  return db.selectFrom('candidates').selectAll().where('id', '=', id).executeTakeFirst();
}

export interface UpsertCandidateInput {
  fullName: string;
  iin: string;
  groupId?: string | null;
  email?: string | null;
}

/** The IIN identifies a person: creates the candidate or updates name/group/e-mail; returns its id. */
export async function upsertCandidateByIin(db: Kysely<DB>, input: UpsertCandidateInput): Promise<string> {
  const row = await db
    .insertInto('candidates')
    .values(input)
    .onConflict((oc) =>
      oc.column('iin').doUpdateSet((eb) => ({
        fullName: eb.ref('excluded.fullName'),
        groupId: eb.ref('excluded.groupId'),
        email: eb.ref('excluded.email'),
      })),
    )
    .returning('id')
    .executeTakeFirstOrThrow();
  return row.id;
}
