/** Administration of candidates and their reference photos; the bulk import is admin-import.service.ts. */
import {
  createCandidate,
  getCandidateWithGroup,
  getGroup,
  inTransaction,
  listCandidates,
  setCandidateArchived,
  setCandidatePhotoPath,
  updateCandidate,
  type DB,
} from '@proctor/db';
import { ADMIN_UPLOAD_LIMITS, type AdminCandidate, type AdminCandidatePage } from '../contract/api/admin.ts';
import { AdminFieldError, DomainError } from '../domain/errors.ts';
import { type SessionUser } from './auth.service.ts';
import { sniffImage } from './admin-photo.service.ts';
import { AdminEntityService, notFound, taken, isUniqueViolation, paging, changes, erased, toCandidate, type CandidateListQuery, type CandidateInput } from './admin-context.ts';
import type { Kysely } from 'kysely';

export class AdminCandidateService extends AdminEntityService {
  async listCandidates(q: CandidateListQuery): Promise<AdminCandidatePage> {
    const page = await listCandidates(this.deps.db, { search: q.search, archived: q.archived, groupId: q.groupId, ...paging(q) });
    return { items: page.rows.map(toCandidate), total: page.total, page: q.page, pageSize: q.pageSize };
  }

  async getCandidate(id: string, db: Kysely<DB> = this.deps.db): Promise<AdminCandidate> {
    const row = await getCandidateWithGroup(db, id);
    if (!row) throw notFound('candidate');
    return toCandidate(row);
  }

  async #checkGroup(db: Kysely<DB>, groupId: string | null, previous?: string | null): Promise<void> {
    if (groupId === null) return;
    const group = await getGroup(db, groupId);
    if (!group) throw new AdminFieldError('bad_request', 'There is no such group.', 'groupId', 'not_found');
    if (group.archivedAt && group.id !== previous) {
      throw new AdminFieldError('bad_request', 'This group is archived; restore it first.', 'groupId', 'archived');
    }
  }

  async createCandidate(actor: SessionUser, input: CandidateInput): Promise<AdminCandidate> {
    try {
      return await inTransaction(this.deps.db, async (trx) => {
        await this.#checkGroup(trx, input.groupId);
        const id = await createCandidate(trx, input);
        await this.log(trx, actor, 'admin.candidate.created', { candidateId: id, ...input });
        return this.getCandidate(id, trx);
      });
    } catch (err) {
      if (isUniqueViolation(err, 'candidates_iin_key')) throw taken('iin', 'A candidate with this IIN already exists.');
      throw err;
    }
  }

  async updateCandidate(actor: SessionUser, id: string, input: CandidateInput): Promise<AdminCandidate> {
    try {
      return await inTransaction(this.deps.db, async (trx) => {
        const before = await getCandidateWithGroup(trx, id);
        if (!before) throw notFound('candidate');
        if (before.erasedAt) throw erased();
        await this.#checkGroup(trx, input.groupId, before.groupId);
        const diff = changes(before, input);
        if (Object.keys(diff).length > 0) {
          await updateCandidate(trx, id, input);
          await this.log(trx, actor, 'admin.candidate.updated', { candidateId: id, iin: input.iin, changes: diff });
        }
        return this.getCandidate(id, trx);
      });
    } catch (err) {
      if (isUniqueViolation(err, 'candidates_iin_key')) throw taken('iin', 'A candidate with this IIN already exists.');
      throw err;
    }
  }

  async setCandidateArchived(actor: SessionUser, id: string, archived: boolean): Promise<void> {
    await inTransaction(this.deps.db, async (trx) => {
      const before = await getCandidateWithGroup(trx, id);
      if (!before) throw notFound('candidate');
      if (Boolean(before.archivedAt) === archived) return;
      await setCandidateArchived(trx, id, archived ? this.now() : null);
      await this.log(trx, actor, archived ? 'admin.candidate.archived' : 'admin.candidate.unarchived', {
        candidateId: id,
        fullName: before.fullName,
        iin: before.iin,
      });
    });
  }

  /** Stores a new reference photo (JPEG/PNG by its bytes) and removes the one it replaces. */
  async setCandidatePhoto(actor: SessionUser, id: string, data: Buffer): Promise<AdminCandidate> {
    const { db, photos } = this.deps;
    if (data.length > ADMIN_UPLOAD_LIMITS.photoBytes) throw new DomainError('payload_too_large', 'The photo is too large.');
    const type = sniffImage(data);
    if (!type) throw new AdminFieldError('unsupported_media_type', 'The photo must be a JPEG or PNG image.', 'photo', 'invalid');
    const existing = await getCandidateWithGroup(db, id);
    if (!existing) throw notFound('candidate');
    if (existing.erasedAt) throw erased();
    const path = await photos.save(id, data, type);
    try {
      const { previous, candidate } = await inTransaction(db, async (trx) => {
        const previous = await setCandidatePhotoPath(trx, id, path);
        if (previous === undefined) throw notFound('candidate');
        await this.log(trx, actor, 'admin.candidate.photo_set', { candidateId: id, type, bytes: data.length });
        return { previous, candidate: await this.getCandidate(id, trx) };
      });
      await photos.remove(previous);
      return candidate;
    } catch (err) {
      await photos.remove(path);
      throw err;
    }
  }

  async deleteCandidatePhoto(actor: SessionUser, id: string): Promise<AdminCandidate> {
    const { db, photos } = this.deps;
    const { previous, candidate } = await inTransaction(db, async (trx) => {
      const previous = await setCandidatePhotoPath(trx, id, null);
      if (previous === undefined) throw notFound('candidate');
      if (previous) await this.log(trx, actor, 'admin.candidate.photo_removed', { candidateId: id });
      return { previous, candidate: await this.getCandidate(id, trx) };
    });
    await photos.remove(previous);
    return candidate;
  }

  /** The stored photo's file and type, or 404. */
  async candidatePhotoFile(id: string): Promise<{ file: string; mime: string }> {
    const row = await getCandidateWithGroup(this.deps.db, id);
    const file = this.deps.photos.resolve(row?.referencePhotoPath);
    if (!row?.referencePhotoPath || !file) throw notFound('photo');
    return { file, mime: this.deps.photos.mimeOf(row.referencePhotoPath) };
  }
}
