import { sql, type Kysely } from 'kysely';
import type { Candidate, DB } from '../schema.ts';
import { archivedOperator, containsPattern, type AdminListOptions, type AdminListPage } from './admin-list.ts';

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

export interface CandidateListItem {
  id: string;
  fullName: string;
  /** null once erased. */
  iin: string | null;
  erasedAt: Date | null;
  groupId: string | null;
  groupName: string | null;
  email: string | null;
  referencePhotoPath: string | null;
  archivedAt: Date | null;
  createdAt: Date;
}

function candidatesWithGroup(db: Kysely<DB>) {
  return db.selectFrom('candidates as c').leftJoin('groups as g', 'g.id', 'c.groupId');
}

const candidateColumns = [
  'c.id',
  'c.fullName',
  'c.iin',
  'c.groupId',
  'g.name as groupName',
  'c.email',
  'c.referencePhotoPath',
  'c.archivedAt',
  'c.createdAt',
  'c.erasedAt',
] as const;

/**
 * Administration list by name. The search matches a substring of the name or of the group,
 * or the start of the IIN (when it is digits only).
 */
export async function listCandidates(
  db: Kysely<DB>,
  opts: AdminListOptions & { groupId?: string },
): Promise<AdminListPage<CandidateListItem>> {
  let base = candidatesWithGroup(db);
  const op = archivedOperator(opts.archived);
  if (op) base = base.where('c.archivedAt', op, null);
  if (opts.groupId) base = base.where('c.groupId', '=', opts.groupId);
  const search = opts.search;
  if (search) {
    const digits = search.replace(/\s+/g, '');
    base = /^[0-9]{1,12}$/.test(digits)
      ? base.where('c.iin', 'like', `${digits}%`)
      : base.where((eb) => eb.or([eb('c.fullName', 'ilike', containsPattern(search)), eb('g.name', 'ilike', containsPattern(search))]));
  }
  const [rows, count] = await Promise.all([
    base.select(candidateColumns).orderBy('c.fullName').orderBy('c.id').limit(opts.limit).offset(opts.offset).execute(),
    base.select((eb) => eb.fn.countAll<number>().as('total')).executeTakeFirstOrThrow(),
  ]);
  return { rows, total: count.total };
}

export function getCandidateWithGroup(db: Kysely<DB>, id: string): Promise<CandidateListItem | undefined> {
  return candidatesWithGroup(db).select(candidateColumns).where('c.id', '=', id).executeTakeFirst();
}

export interface CandidateFields {
  fullName: string;
  iin: string;
  groupId: string | null;
  email: string | null;
}

/** Throws the unique violation (23505) when the IIN is taken. */
export async function createCandidate(db: Kysely<DB>, input: CandidateFields): Promise<string> {
  const row = await db.insertInto('candidates').values(input).returning('id').executeTakeFirstOrThrow();
  return row.id;
}

/** false when there is no such candidate. */
export async function updateCandidate(db: Kysely<DB>, id: string, input: CandidateFields): Promise<boolean> {
  const result = await db.updateTable('candidates').set(input).where('id', '=', id).executeTakeFirst();
  return result.numUpdatedRows > 0n;
}

/** Archives (a date) or restores (null); false when there is no such candidate. */
export async function setCandidateArchived(db: Kysely<DB>, id: string, archivedAt: Date | null): Promise<boolean> {
  const result = await db.updateTable('candidates').set({ archivedAt }).where('id', '=', id).executeTakeFirst();
  return result.numUpdatedRows > 0n;
}

/** Sets or clears the reference photo; returns the path it replaced (undefined: no such candidate). */
export async function setCandidatePhotoPath(db: Kysely<DB>, id: string, path: string | null): Promise<string | null | undefined> {
  // The old value comes from a self-join on the row being updated (RETURNING sees the new one).
  const row = await db
    .updateTable('candidates as c')
    .from('candidates as old')
    .set({ referencePhotoPath: path })
    .whereRef('old.id', '=', 'c.id')
    .where('c.id', '=', id)
    .returning('old.referencePhotoPath as previous')
    .executeTakeFirst();
  return row === undefined ? undefined : row.previous;
}

export interface CandidateByIin {
  id: string;
  iin: string;
  fullName: string;
  groupId: string | null;
  email: string | null;
  referencePhotoPath: string | null;
  archivedAt: Date | null;
}

/** The existing candidates among these IINs. */
export function getCandidatesByIins(db: Kysely<DB>, iins: string[]): Promise<CandidateByIin[]> {
  if (iins.length === 0) return Promise.resolve([]);
  return db
    .selectFrom('candidates')
    .select(['id', 'iin', 'fullName', 'groupId', 'email', 'referencePhotoPath', 'archivedAt'])
    .where('iin', 'in', iins)
    .$narrowType<{ iin: string }>()
    .execute();
}

export interface ImportCandidateRow {
  /** Used for a new candidate (so files can be named before the insert); ignored for an existing IIN. */
  id?: string;
  fullName: string;
  iin: string;
  groupId: string | null;
  /** null keeps an existing candidate's e-mail. */
  email: string | null;
  /** null keeps an existing candidate's photo. */
  referencePhotoPath: string | null;
}

/**
 * Bulk create-or-update by IIN (an import): name and group are replaced, e-mail and photo
 * only when given, and an archived candidate is restored. Returns how many rows were new.
 * Call inside a transaction: a failing chunk must not leave the earlier ones behind.
 */
export async function upsertCandidatesByIin(db: Kysely<DB>, rows: ImportCandidateRow[], chunkSize = 1000): Promise<{ created: number; updated: number }> {
  let created = 0;
  for (let i = 0; i < rows.length; i += chunkSize) {
    const chunk = rows.slice(i, i + chunkSize);
    const result = await db
      .insertInto('candidates')
      .values(chunk)
      .onConflict((oc) =>
        oc.column('iin').doUpdateSet((eb) => ({
          fullName: eb.ref('excluded.fullName'),
          groupId: eb.ref('excluded.groupId'),
          email: eb.fn.coalesce('excluded.email', 'candidates.email'),
          referencePhotoPath: eb.fn.coalesce('excluded.referencePhotoPath', 'candidates.referencePhotoPath'),
          archivedAt: null,
        })),
      )
      .returning(sql<boolean>`xmax = 0`.as('inserted'))
      .execute();
    created += result.filter((r) => r.inserted).length;
  }
  return { created, updated: rows.length - created };
}
