// Groups: named catalog entries (catalog.repository.ts) whose uses are candidates, and
// the by-name lookups and bulk creation of the candidate import.
import { sql, type Kysely } from 'kysely';
import type { DB, Group } from '../schema.ts';
import type { AdminListOptions, AdminListPage } from './admin-list.ts';
import { createCatalogEntry, ensureCatalogEntry, getCatalogEntry, listActiveCatalogNames, listCatalog, updateCatalogEntry } from './catalog.repository.ts';

export interface GroupListItem {
  id: string;
  name: string;
  archivedAt: Date | null;
  /** Candidates in this group, archived ones included. */
  candidateCount: number;
}

/** Id of the group with this name, creating it if needed. */
export const ensureGroup = (db: Kysely<DB>, name: string): Promise<string> => ensureCatalogEntry(db, 'groups', name);

/** Administration list: by name, with the number of candidates. */
export async function listGroups(db: Kysely<DB>, opts: AdminListOptions): Promise<AdminListPage<GroupListItem>> {
  const page = await listCatalog(db, 'groups', opts);
  return { rows: page.rows.map(({ uses, ...r }) => ({ ...r, candidateCount: uses })), total: page.total };
}

export const getGroup = (db: Kysely<DB>, id: string): Promise<Group | undefined> => getCatalogEntry(db, 'groups', id);
/** Throws the unique violation (23505) when the name is taken. */
export const createGroup = (db: Kysely<DB>, name: string): Promise<string> => createCatalogEntry(db, 'groups', name);
/** false when there is no such group. */
export const renameGroup = (db: Kysely<DB>, id: string, name: string): Promise<boolean> => updateCatalogEntry(db, 'groups', id, { name });
/** Archives (a date) or restores (null); false when there is no such group. */
export const setGroupArchived = (db: Kysely<DB>, id: string, archivedAt: Date | null): Promise<boolean> => updateCatalogEntry(db, 'groups', id, { archivedAt });
/** Live groups for drop-downs, by name. */
export const listActiveGroupNames = (db: Kysely<DB>): Promise<{ id: string; name: string }[]> => listActiveCatalogNames(db, 'groups');

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
