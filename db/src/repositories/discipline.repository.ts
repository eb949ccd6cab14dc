// Disciplines: named catalog entries (catalog.repository.ts) whose uses are exams.
import type { Kysely } from 'kysely';
import type { DB, Discipline } from '../schema.ts';
import type { AdminListOptions, AdminListPage } from './admin-list.ts';
import { createCatalogEntry, ensureCatalogEntry, getCatalogEntry, listActiveCatalogNames, listCatalog, updateCatalogEntry } from './catalog.repository.ts';

export interface DisciplineListItem {
  id: string;
  name: string;
  archivedAt: Date | null;
  /** Exams of this discipline, archived ones included. */
  examCount: number;
}

/** Id of the discipline with this name, creating it if needed. */
export const ensureDiscipline = (db: Kysely<DB>, name: string): Promise<string> => ensureCatalogEntry(db, 'disciplines', name);

/** Administration list: by name, with the number of exams. */
export async function listDisciplines(db: Kysely<DB>, opts: AdminListOptions): Promise<AdminListPage<DisciplineListItem>> {
  const page = await listCatalog(db, 'disciplines', opts);
  return { rows: page.rows.map(({ uses, ...r }) => ({ ...r, examCount: uses })), total: page.total };
}

export const getDiscipline = (db: Kysely<DB>, id: string): Promise<Discipline | undefined> => getCatalogEntry(db, 'disciplines', id);
/** Throws the unique violation (23505) when the name is taken. */
export const createDiscipline = (db: Kysely<DB>, name: string): Promise<string> => createCatalogEntry(db, 'disciplines', name);
/** false when there is no such discipline. */
export const renameDiscipline = (db: Kysely<DB>, id: string, name: string): Promise<boolean> => updateCatalogEntry(db, 'disciplines', id, { name });
/** Archives (a date) or restores (null); false when there is no such discipline. */
export const setDisciplineArchived = (db: Kysely<DB>, id: string, archivedAt: Date | null): Promise<boolean> =>
  updateCatalogEntry(db, 'disciplines', id, { archivedAt });
/** Live disciplines for drop-downs, by name. */
export const listActiveDisciplineNames = (db: Kysely<DB>): Promise<{ id: string; name: string }[]> => listActiveCatalogNames(db, 'disciplines');
