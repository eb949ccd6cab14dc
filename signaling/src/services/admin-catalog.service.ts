/** Administration of disciplines and groups (name, archive), and the options the admin forms pick from. */
import {
  createDiscipline,
  createGroup,
  getDiscipline,
  getGroup,
  inTransaction,
  listActiveDisciplineNames,
  listActiveGroupNames,
  listActiveProctors,
  listDisciplines,
  listGroups,
  renameDiscipline,
  renameGroup,
  setDisciplineArchived,
  setGroupArchived,
} from '@proctor/db';
import { type AdminDiscipline, type AdminDisciplinePage, type AdminGroup, type AdminGroupPage, type AdminOptions } from '../contract/api/admin.ts';
import { type SessionUser } from './auth.service.ts';
import { AdminEntityService, notFound, taken, isUniqueViolation, paging, iso, type ListQuery } from './admin-context.ts';

export class AdminCatalogService extends AdminEntityService {
  async options(): Promise<AdminOptions> {
    const { db } = this.deps;
    const [disciplines, groups, proctors] = await Promise.all([listActiveDisciplineNames(db), listActiveGroupNames(db), listActiveProctors(db)]);
    return { disciplines, groups, proctors };
  }

  // -------------------------------------------------------------------------------------
  // Disciplines

  async listDisciplines(q: ListQuery): Promise<AdminDisciplinePage> {
    const page = await listDisciplines(this.deps.db, { search: q.search, archived: q.archived, ...paging(q) });
    return { items: page.rows.map((r): AdminDiscipline => ({ ...r, archivedAt: iso(r.archivedAt) })), total: page.total, page: q.page, pageSize: q.pageSize };
  }

  async createDiscipline(actor: SessionUser, name: string): Promise<AdminDiscipline> {
    try {
      return await inTransaction(this.deps.db, async (trx) => {
        const id = await createDiscipline(trx, name);
        await this.log(trx, actor, 'admin.discipline.created', { disciplineId: id, name });
        return { id, name, archivedAt: null, examCount: 0 };
      });
    } catch (err) {
      if (isUniqueViolation(err, 'disciplines_name_key')) throw taken('name', 'A discipline with this name already exists.');
      throw err;
    }
  }

  async renameDiscipline(actor: SessionUser, id: string, name: string): Promise<void> {
    try {
      await inTransaction(this.deps.db, async (trx) => {
        const before = await getDiscipline(trx, id);
        if (!before) throw notFound('discipline');
        if (before.name === name) return;
        await renameDiscipline(trx, id, name);
        await this.log(trx, actor, 'admin.discipline.renamed', { disciplineId: id, from: before.name, to: name });
      });
    } catch (err) {
      if (isUniqueViolation(err, 'disciplines_name_key')) throw taken('name', 'A discipline with this name already exists.');
      throw err;
    }
  }

  async setDisciplineArchived(actor: SessionUser, id: string, archived: boolean): Promise<void> {
    await inTransaction(this.deps.db, async (trx) => {
      const before = await getDiscipline(trx, id);
      if (!before) throw notFound('discipline');
      if (Boolean(before.archivedAt) === archived) return;
      await setDisciplineArchived(trx, id, archived ? this.now() : null);
      await this.log(trx, actor, archived ? 'admin.discipline.archived' : 'admin.discipline.unarchived', { disciplineId: id, name: before.name });
    });
  }

  // -------------------------------------------------------------------------------------
  // Groups

  async listGroups(q: ListQuery): Promise<AdminGroupPage> {
    const page = await listGroups(this.deps.db, { search: q.search, archived: q.archived, ...paging(q) });
    return { items: page.rows.map((r): AdminGroup => ({ ...r, archivedAt: iso(r.archivedAt) })), total: page.total, page: q.page, pageSize: q.pageSize };
  }

  async createGroup(actor: SessionUser, name: string): Promise<AdminGroup> {
    try {
      return await inTransaction(this.deps.db, async (trx) => {
        const id = await createGroup(trx, name);
        await this.log(trx, actor, 'admin.group.created', { groupId: id, name });
        return { id, name, archivedAt: null, candidateCount: 0 };
      });
    } catch (err) {
      if (isUniqueViolation(err, 'groups_name_key')) throw taken('name', 'A group with this name already exists.');
      throw err;
    }
  }

  async renameGroup(actor: SessionUser, id: string, name: string): Promise<void> {
    try {
      await inTransaction(this.deps.db, async (trx) => {
        const before = await getGroup(trx, id);
        if (!before) throw notFound('group');
        if (before.name === name) return;
        await renameGroup(trx, id, name);
        await this.log(trx, actor, 'admin.group.renamed', { groupId: id, from: before.name, to: name });
      });
    } catch (err) {
      if (isUniqueViolation(err, 'groups_name_key')) throw taken('name', 'A group with this name already exists.');
      throw err;
    }
  }

  async setGroupArchived(actor: SessionUser, id: string, archived: boolean): Promise<void> {
    await inTransaction(this.deps.db, async (trx) => {
      const before = await getGroup(trx, id);
      if (!before) throw notFound('group');
      if (Boolean(before.archivedAt) === archived) return;
      await setGroupArchived(trx, id, archived ? this.now() : null);
      await this.log(trx, actor, archived ? 'admin.group.archived' : 'admin.group.unarchived', { groupId: id, name: before.name });
    });
  }
}
