import { sql, type Kysely } from 'kysely';
import type { DB, Group } from '../schema.ts';
import { archivedOperator, containsPattern, type AdminListOptions, type AdminListPage } from './admin-list.ts';

/** Id of the group with this name, creating it if needed. */
export async function ensureGroup(db: Kysely<DB>, name: string): Promise<string> {
  const row = await db
    .insertInto('groups')
    .values({ name })
    // A no-op update so RETURNING yields the existing row too.
    .onConflict((oc) => oc.column('name').doUpdateSet((eb) => ({ name: eb.ref('excluded.name') })))
    .returning('id')
    .executeTakeFirstOrThrow();
  return row.id;
}

export interface GroupListItem {
  id: string;
  name: string;
  archivedAt: Date | null;
  /** Candidates in this group, archived ones included. */
  candidateCount: number;
}

/** Administration list: by name, with the number of candidates. */
export async function listGroups(db: Kysely<DB>, opts: AdminListOptions): Promise<AdminListPage<GroupListItem>> {
  let base = db.selectFrom('groups as g');
  const op = archivedOperator(opts.archived);
  if (op) base = base.where('g.archivedAt', op, null);
  if (opts.search) base = base.where('g.name', 'ilike', containsPattern(opts.search));
  const [rows, count] = await Promise.all([
    base
      .select((eb) => [
        'g.id',
        'g.name',
        'g.archivedAt',
        eb.selectFrom('candidates as c').whereRef('c.groupId', '=', 'g.id').select(eb.fn.countAll<number>().as('n')).as('candidateCount'),
      ])
      .orderBy('g.name')
      .orderBy('g.id')
      .limit(opts.limit)
      .offset(opts.offset)
      .execute(),
    base.select((eb) => eb.fn.countAll<number>().as('total')).executeTakeFirstOrThrow(),
  ]);
  return { rows: rows.map((r) => ({ ...r, candidateCount: Number(r.candidateCount ?? 0) })), total: count.total };
}

export function getGroup(db: Kysely<DB>, id: string): Promise<Group | undefined> {
  return db.selectFrom('groups').selectAll().where('id', '=', id).executeTakeFirst();
}

/** Throws the unique violation (23505) when the name is taken. */
export async function createGroup(db: Kysely<DB>, name: string): Promise<string> {
  const row = await db.insertInto('groups').values({ name }).returning('id').executeTakeFirstOrThrow();
  return row.id;
}

/** false when there is no such group. */
export async function renameGroup(db: Kysely<DB>, id: string, name: string): Promise<boolean> {
  const result = await db.updateTable('groups').set({ name }).where('id', '=', id).executeTakeFirst();
  return result.numUpdatedRows > 0n;
}

/** Archives (a date) or restores (null); false when there is no such group. */
export async function setGroupArchived(db: Kysely<DB>, id: string, archivedAt: Date | null): Promise<boolean> {
  const result = await db.updateTable('groups').set({ archivedAt }).where('id', '=', id).executeTakeFirst();
  return result.numUpdatedRows > 0n;
}

/** Live groups for drop-downs, by name. */
export function listActiveGroupNames(db: Kysely<DB>): Promise<{ id: string; name: string }[]> {
  return db.selectFrom('groups').select(['id', 'name']).where('archivedAt', 'is', null).orderBy('name').orderBy('id').execute();
}

/**
 * Groups whose name equals one of `names` ignoring case (for imports, where "группа 1" means
 * the existing "Группа 1"). Exact-case matches come first.
 */
export function findGroupsByNames(db: Kysely<DB>, names: string[]): Promise<Group[]> {
  if (names.length === 0) return Promise.resolve([]);
  const lowered = [...new Set(names.map((n) => n.toLowerCase()))];
  return db
    .selectFrom('groups')
    .selectAll()
    .where(sql<string>`lower(name)`, 'in', lowered)
    .orderBy(sql`name = any(${sql.val(names)}::text[])`, 'desc')
    .orderBy('archivedAt', 'asc')
    .orderBy('id')
    .execute();
}

/** Creates the groups that do not exist yet (exact names); every name's id and how many were new. */
export async function ensureGroups(db: Kysely<DB>, names: string[]): Promise<{ ids: Map<string, string>; created: number }> {
  const unique = [...new Set(names)];
  const ids = new Map<string, string>();
  if (unique.length === 0) return { ids, created: 0 };
  const rows = await db
    .insertInto('groups')
    .values(unique.map((name) => ({ name })))
    // A no-op update so RETURNING yields the existing rows too; xmax = 0 only for new rows.
    .onConflict((oc) => oc.column('name').doUpdateSet((eb) => ({ name: eb.ref('excluded.name') })))
    .returning(['id', 'name', sql<boolean>`xmax = 0`.as('inserted')])
    .execute();
  for (const row of rows) ids.set(row.name, row.id);
  return { ids, created: rows.filter((r) => r.inserted).length };
}
