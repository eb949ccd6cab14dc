/**
 * Administration of disciplines and groups (name, archive), and the options the admin forms
 * pick from. Both are named catalog entries (db catalog.repository.ts): one set of rules,
 * told apart by the names in `KINDS` (audit actions, id field, unique constraint).
 */
import {
  createCatalogEntry,
  getCatalogEntry,
  inTransaction,
  listActiveCatalogNames,
  listActiveProctors,
  listCatalog,
  updateCatalogEntry,
  type CatalogTable,
} from '@proctor/db';
import { type AdminDiscipline, type AdminDisciplinePage, type AdminGroup, type AdminGroupPage, type AdminOptions } from '../contract/api/admin.ts';
import { type SessionUser } from './auth.service.ts';
import { AdminEntityService, notFound, taken, isUniqueViolation, paging, iso, type ListQuery } from './admin-context.ts';

const KINDS = {
  disciplines: { what: 'discipline', idKey: 'disciplineId', constraint: 'disciplines_name_key', uses: 'examCount' },
  groups: { what: 'group', idKey: 'groupId', constraint: 'groups_name_key', uses: 'candidateCount' },
} as const;

type Entry<T extends CatalogTable> = { id: string; name: string; archivedAt: string | null } & Record<(typeof KINDS)[T]['uses'], number>;
type Page<T extends CatalogTable> = { items: Entry<T>[]; total: number; page: number; pageSize: number };

export class AdminCatalogService extends AdminEntityService {
  async options(): Promise<AdminOptions> {
    const { db } = this.deps;
    const [disciplines, groups, proctors] = await Promise.all([listActiveCatalogNames(db, 'disciplines'), listActiveCatalogNames(db, 'groups'), listActiveProctors(db)]);
    return { disciplines, groups, proctors };
  }

  listDisciplines = (q: ListQuery): Promise<AdminDisciplinePage> => this.#list('disciplines', q);
  createDiscipline = (actor: SessionUser, name: string): Promise<AdminDiscipline> => this.#create('disciplines', actor, name);
  renameDiscipline = (actor: SessionUser, id: string, name: string): Promise<void> => this.#rename('disciplines', actor, id, name);
  setDisciplineArchived = (actor: SessionUser, id: string, archived: boolean): Promise<void> => this.#setArchived('disciplines', actor, id, archived);

  listGroups = (q: ListQuery): Promise<AdminGroupPage> => this.#list('groups', q);
  createGroup = (actor: SessionUser, name: string): Promise<AdminGroup> => this.#create('groups', actor, name);
  renameGroup = (actor: SessionUser, id: string, name: string): Promise<void> => this.#rename('groups', actor, id, name);
  setGroupArchived = (actor: SessionUser, id: string, archived: boolean): Promise<void> => this.#setArchived('groups', actor, id, archived);

  async #list<T extends CatalogTable>(table: T, q: ListQuery): Promise<Page<T>> {
    const page = await listCatalog(this.deps.db, table, { search: q.search, archived: q.archived, ...paging(q) });
    const items = page.rows.map(({ uses, ...r }) => ({ ...r, archivedAt: iso(r.archivedAt), [KINDS[table].uses]: uses }) as Entry<T>);
    return { items, total: page.total, page: q.page, pageSize: q.pageSize };
  }

  async #create<T extends CatalogTable>(table: T, actor: SessionUser, name: string): Promise<Entry<T>> {
    const kind = KINDS[table];
    return this.#unique(table, () =>
      inTransaction(this.deps.db, async (trx) => {
        const id = await createCatalogEntry(trx, table, name);
        await this.log(trx, actor, `admin.${kind.what}.created`, { [kind.idKey]: id, name });
        return { id, name, archivedAt: null, [kind.uses]: 0 } as Entry<T>;
      }),
    );
  }

  async #rename(table: CatalogTable, actor: SessionUser, id: string, name: string): Promise<void> {
    const kind = KINDS[table];
    await this.#unique(table, () =>
      inTransaction(this.deps.db, async (trx) => {
        const before = await getCatalogEntry(trx, table, id);
        if (!before) throw notFound(kind.what);
        if (before.name === name) return;
        await updateCatalogEntry(trx, table, id, { name });
        await this.log(trx, actor, `admin.${kind.what}.renamed`, { [kind.idKey]: id, from: before.name, to: name });
      }),
    );
  }

  async #setArchived(table: CatalogTable, actor: SessionUser, id: string, archived: boolean): Promise<void> {
    const kind = KINDS[table];
    await inTransaction(this.deps.db, async (trx) => {
      const before = await getCatalogEntry(trx, table, id);
      if (!before) throw notFound(kind.what);
      if (Boolean(before.archivedAt) === archived) return;
      await updateCatalogEntry(trx, table, id, { archivedAt: archived ? this.now() : null });
      await this.log(trx, actor, `admin.${kind.what}.${archived ? 'archived' : 'unarchived'}`, { [kind.idKey]: id, name: before.name });
    });
  }

  /** A name taken by another entry of the same table is the form's `name` field's fault. */
  async #unique<R>(table: CatalogTable, write: () => Promise<R>): Promise<R> {
    try {
      return await write();
    } catch (err) {
      const kind = KINDS[table];
      if (isUniqueViolation(err, kind.constraint)) throw taken('name', `A ${kind.what} with this name already exists.`);
      throw err;
    }
  }
}
