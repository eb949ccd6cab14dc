import type { Kysely } from 'kysely';
import type { DB, Discipline } from '../schema.ts';
import { archivedOperator, containsPattern, type AdminListOptions, type AdminListPage } from './admin-list.ts';

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

export interface DisciplineListItem {
  id: string;
  name: string;
  archivedAt: Date | null;
  /** Exams of this discipline, archived ones included. */
  examCount: number;
}

/** Administration list: by name, with the number of exams. */
export async function listDisciplines(db: Kysely<DB>, opts: AdminListOptions): Promise<AdminListPage<DisciplineListItem>> {
  let base = db.selectFrom('disciplines as d');
  const op = archivedOperator(opts.archived);
  if (op) base = base.where('d.archivedAt', op, null);
  if (opts.search) base = base.where('d.name', 'ilike', containsPattern(opts.search));
  const [rows, count] = await Promise.all([
    base
      .select((eb) => [
        'd.id',
        'd.name',
        'd.archivedAt',
        eb.selectFrom('exams as e').whereRef('e.disciplineId', '=', 'd.id').select(eb.fn.countAll<number>().as('n')).as('examCount'),
      ])
      .orderBy('d.name')
      .orderBy('d.id')
      .limit(opts.limit)
      .offset(opts.offset)
      .execute(),
    base.select((eb) => eb.fn.countAll<number>().as('total')).executeTakeFirstOrThrow(),
  ]);
  return { rows: rows.map((r) => ({ ...r, examCount: Number(r.examCount ?? 0) })), total: count.total };
}

export function getDiscipline(db: Kysely<DB>, id: string): Promise<Discipline | undefined> {
  return db.selectFrom('disciplines').selectAll().where('id', '=', id).executeTakeFirst();
}

/** Throws the unique violation (23505) when the name is taken. */
export async function createDiscipline(db: Kysely<DB>, name: string): Promise<string> {
  const row = await db.insertInto('disciplines').values({ name }).returning('id').executeTakeFirstOrThrow();
  return row.id;
}

/** false when there is no such discipline. */
export async function renameDiscipline(db: Kysely<DB>, id: string, name: string): Promise<boolean> {
  const result = await db.updateTable('disciplines').set({ name }).where('id', '=', id).executeTakeFirst();
  return result.numUpdatedRows > 0n;
}

/** Archives (a date) or restores (null); false when there is no such discipline. */
export async function setDisciplineArchived(db: Kysely<DB>, id: string, archivedAt: Date | null): Promise<boolean> {
  const result = await db.updateTable('disciplines').set({ archivedAt }).where('id', '=', id).executeTakeFirst();
  return result.numUpdatedRows > 0n;
}

/** Live disciplines for drop-downs, by name. */
export function listActiveDisciplineNames(db: Kysely<DB>): Promise<{ id: string; name: string }[]> {
  return db.selectFrom('disciplines').select(['id', 'name']).where('archivedAt', 'is', null).orderBy('name').orderBy('id').execute();
}
