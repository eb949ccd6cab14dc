// The named catalog entries, disciplines and groups: the same table shape (id, unique name,
// archived_at) and the same queries, told apart only by which table counts their uses (exams
// of a discipline, candidates of a group). discipline.repository.ts and group.repository.ts
// name them for their callers.
import type { Kysely } from 'kysely';
import type { DB } from '../schema.ts';
import { archivedOperator, containsPattern, type AdminListOptions, type AdminListPage } from './admin-list.ts';

export type CatalogTable = 'disciplines' | 'groups';

export interface CatalogEntry {
  id: string;
  name: string;
  archivedAt: Date | null;
}

/** Where an entry's uses are counted: the rows of `table` whose `column` names it. */
const USES = {
  disciplines: { table: 'exams', column: 'disciplineId' },
  groups: { table: 'candidates', column: 'groupId' },
} as const;

// Both tables have the same columns; the queries are typed on one of them.
const as = (db: Kysely<DB>, table: CatalogTable) => ({ db, table: table as 'groups' });

/** Id of the entry with this name, creating it if needed. */
export async function ensureCatalogEntry(db: Kysely<DB>, table: CatalogTable, name: string): Promise<string> {
  const q = as(db, table);
  const row = await q.db
    .insertInto(q.table)
    .values({ name })
    // A no-op update so RETURNING yields the existing row too.
    .onConflict((oc) => oc.column('name').doUpdateSet((eb) => ({ name: eb.ref('excluded.name') })))
    .returning('id')
    .executeTakeFirstOrThrow();
  return row.id;
}

/** Administration list: by name, with the number of uses (archived ones included). */
export async function listCatalog(db: Kysely<DB>, table: CatalogTable, opts: AdminListOptions): Promise<AdminListPage<CatalogEntry & { uses: number }>> {
  const q = as(db, table);
  const uses = USES[table] as { table: 'candidates'; column: 'groupId' };
  let base = q.db.selectFrom(`${q.table} as t`);
  const op = archivedOperator(opts.archived);
  if (op) base = base.where('t.archivedAt', op, null);
  if (opts.search) base = base.where('t.name', 'ilike', containsPattern(opts.search));
  const [rows, count] = await Promise.all([
    base
      .select((eb) => [
        't.id',
        't.name',
        't.archivedAt',
        eb.selectFrom(`${uses.table} as u`).whereRef(`u.${uses.column}`, '=', 't.id').select(eb.fn.countAll<number>().as('n')).as('uses'),
      ])
      .orderBy('t.name')
      .orderBy('t.id')
      .limit(opts.limit)
      .offset(opts.offset)
      .execute(),
    base.select((eb) => eb.fn.countAll<number>().as('total')).executeTakeFirstOrThrow(),
  ]);
  return { rows: rows.map((r) => ({ ...r, uses: Number(r.uses ?? 0) })), total: count.total };
}

export function getCatalogEntry(db: Kysely<DB>, table: CatalogTable, id: string): Promise<CatalogEntry | undefined> {
  const q = as(db, table);
  return q.db.selectFrom(q.table).selectAll().where('id', '=', id).executeTakeFirst();
}

/** Throws the unique violation (23505) when the name is taken. */
export async function createCatalogEntry(db: Kysely<DB>, table: CatalogTable, name: string): Promise<string> {
  const q = as(db, table);
  const row = await q.db.insertInto(q.table).values({ name }).returning('id').executeTakeFirstOrThrow();
  return row.id;
}

/** Sets the name or the archive date (null = restored); false when there is no such entry. */
export async function updateCatalogEntry(db: Kysely<DB>, table: CatalogTable, id: string, set: { name: string } | { archivedAt: Date | null }): Promise<boolean> {
  const q = as(db, table);
  const result = await q.db.updateTable(q.table).set(set).where('id', '=', id).executeTakeFirst();
  return result.numUpdatedRows > 0n;
}

/** Live entries for drop-downs, by name. */
export function listActiveCatalogNames(db: Kysely<DB>, table: CatalogTable): Promise<{ id: string; name: string }[]> {
  const q = as(db, table);
  return q.db.selectFrom(q.table).select(['id', 'name']).where('archivedAt', 'is', null).orderBy('name').orderBy('id').execute();
}
