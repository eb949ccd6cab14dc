/**
 * Bulk import of candidates from a CSV or XLSX sheet (full name, IIN, group, optional e-mail),
 * optionally with a zip of reference photos named by IIN (`900101300123.jpg`).
 *
 * This service is thin: the files are read by import-sheet.ts and import-photo-zip.ts (zips:
 * import-zip.ts) and checked by import-analysis.ts; an import then runs in one transaction,
 * so a file is imported whole or not at all. The preview and the import run the same analysis: the import re-reads the uploaded
 * files instead of trusting an earlier preview (nothing is kept between the two requests,
 * so it works across media nodes and after restarts).
 *
 * Hostile input: the sheet and zip sizes are capped by the route; the zip's and the XLSX's
 * inflated sizes and entry counts are checked from the central directory before inflating
 * and enforced while inflating (yauzl validates the declared sizes); photos are sniffed by
 * their bytes. Cell text is stored verbatim (no SQL is ever built from it).
 */
import { randomUUID } from 'node:crypto';
import type { Kysely } from 'kysely';
import { appendAction, ensureGroups, inTransaction, upsertCandidatesByIin, type DB } from '@proctor/db';
import { ADMIN_UPLOAD_LIMITS, type ImportIssue, type ImportPreview, type ImportResult } from '../contract/api/admin.ts';
import type { SessionUser } from './auth.service.ts';
import type { PhotoStore } from './admin-photo.service.ts';
import { analyseImport, type ImportFiles } from './import-analysis.ts';
import type { Limits } from './import-issues.ts';

export type { ImportFiles } from './import-analysis.ts';
export type { UploadedFile } from './import-issues.ts';

export interface ImportServiceDeps {
  db: Kysely<DB>;
  photos: PhotoStore;
  /** Where notable events go (the app's logger). */
  log: { info(obj: object, msg: string): void };
  limits?: Limits;
  now?: () => Date;
}

export class ImportRejectedError extends Error {
  constructor(
    readonly issues: ImportIssue[],
    readonly errorCount: number,
  ) {
    super(`The import was refused: ${errorCount} problem(s); nothing was imported.`);
  }
}

export class AdminImportService {
  readonly #deps: ImportServiceDeps;
  readonly #limits: Limits;

  constructor(deps: ImportServiceDeps) {
    this.#deps = deps;
    this.#limits = deps.limits ?? ADMIN_UPLOAD_LIMITS;
  }

  /** What an import of these files would do, with every problem. Writes nothing. */
  async preview(files: ImportFiles): Promise<ImportPreview> {
    return (await analyseImport(this.#deps.db, files, this.#limits)).preview;
  }

  /** Imports every line or nothing: throws ImportRejectedError (with every issue) if any line is bad. */
  async import(actor: SessionUser, files: ImportFiles): Promise<ImportResult> {
    const { db, photos: store, log } = this.#deps;
    const analysis = await analyseImport(this.#deps.db, files, this.#limits);
    if (!analysis.preview.valid) throw new ImportRejectedError(analysis.preview.errors, analysis.errorCount);

    // New candidates get their id now, so their photo files can be written before the
    // transaction (and removed again if it fails).
    const ids = new Map(analysis.rows.map((r) => [r.iin, r.existingId ?? randomUUID()]));
    const written = new Map<string, string>();
    try {
      for (const [iin, photo] of analysis.photos) {
        const id = ids.get(iin);
        if (id) written.set(iin, await store.save(id, photo.data, photo.type));
      }
      const result = await inTransaction(db, async (trx) => {
        const newGroupNames = [...new Set(analysis.rows.map((r) => r.group).filter((g) => !analysis.groupIds.has(g)))];
        const created = await ensureGroups(trx, newGroupNames);
        const groupId = (name: string) => analysis.groupIds.get(name) ?? created.ids.get(name) ?? null;
        const counts = await upsertCandidatesByIin(
          trx,
          analysis.rows.map((r) => ({
            id: ids.get(r.iin)!,
            fullName: r.fullName,
            iin: r.iin,
            groupId: groupId(r.group),
            email: r.email,
            referencePhotoPath: written.get(r.iin) ?? null,
          })),
        );
        const result: ImportResult = { ...counts, groupsCreated: created.created, photos: written.size };
        await appendAction(trx, {
          actorUserId: actor.id,
          actorName: actor.fullName,
          actorIin: actor.iin,
          action: 'admin.candidates.imported',
          details: {
            sheet: files.sheet.filename,
            format: analysis.preview.format,
            photosArchive: files.photos?.filename ?? null,
            rows: analysis.rows.length,
            ...result,
          },
          at: this.#now(),
        });
        return result;
      });
      // The photos these replaced are no longer referenced.
      await store.remove(...analysis.rows.filter((r) => written.has(r.iin)).map((r) => r.previousPhoto));
      log.info({ actor: actor.id, ...result }, 'candidates imported');
      return result;
    } catch (err) {
      await store.remove(...written.values());
      throw err;
    }
  }

  #now(): Date {
    return this.#deps.now?.() ?? new Date();
  }
}
