/**
 * The admin routes that take files: a candidate's reference photo and the candidate import
 * (preview and import). Registered from admin.routes.ts, so `requireRole('admin')` and the
 * admin error format apply.
 *
 * The deliberate exception to "JSON bodies only" (see auth.plugin.ts): these routes set
 * `config.multipartUpload`, which lets `multipart/form-data` through the CSRF check; the
 * same-origin Origin/Referer check still applies. Sizes are limited three times: by
 * Content-Length before anything is read, per file while reading (413 as soon as one is
 * over its limit), and by busboy's own part/file counts.
 */
import fs from 'node:fs';
import multipart from '@fastify/multipart';
import type { FastifyPluginAsync, FastifyRequest } from 'fastify';
import { ADMIN_UPLOAD_LIMITS, adminApi, type ImportPreview, type ImportResult } from '../../contract/api/admin.ts';
import type { AdminCandidateService } from '../../services/admin-candidate.service.ts';
import type { AdminImportService, UploadedFile } from '../../services/admin-import.service.ts';
import { AdminFieldError, DomainError } from '../../domain/errors.ts';
import { signedInUser } from '../guards.ts';
import { idParam } from './admin-routing.ts';

/** Room for the multipart framing and the small text fields around the files. */
const FORM_OVERHEAD = 64 * 1024;

const MiB = (bytes: number) => `${Math.round((bytes / (1024 * 1024)) * 10) / 10} MB`;

/** onRequest: refuses a body announced larger than `max` before reading a byte of it. */
function announcedAtMost(max: number) {
  return async (req: FastifyRequest) => {
    const length = Number(req.headers['content-length'] ?? 0);
    if (length > max) throw new DomainError('payload_too_large', `The upload is larger than ${MiB(max)}.`);
  };
}

/**
 * Reads the file fields named in `limits` into memory, each up to its limit (413 naming the
 * field otherwise). Other fields are drained and ignored; an empty file input (nothing
 * chosen) counts as absent.
 */
async function readFiles<K extends string>(req: FastifyRequest, limits: Record<K, number>): Promise<Partial<Record<K, UploadedFile>>> {
  if (!req.isMultipart()) {
    throw new DomainError('unsupported_media_type', 'Send the files as multipart/form-data.');
  }
  const files: Partial<Record<K, UploadedFile>> = {};
  for await (const part of req.parts()) {
    if (part.type !== 'file') continue;
    const field = part.fieldname as K;
    const max = Object.hasOwn(limits, field) ? limits[field] : undefined;
    if (max === undefined || files[field]) {
      part.file.resume();
      continue;
    }
    const chunks: Buffer[] = [];
    let size = 0;
    for await (const chunk of part.file as AsyncIterable<Buffer>) {
      size += chunk.length;
      if (size > max) {
        throw new AdminFieldError('payload_too_large', `The file "${field}" is larger than ${MiB(max)}.`, field, 'too_large');
      }
      chunks.push(chunk);
    }
    if (part.file.truncated) {
      throw new AdminFieldError('payload_too_large', `The file "${field}" is larger than ${MiB(max)}.`, field, 'too_large');
    }
    if (size === 0 && part.filename === '') continue;
    files[field] = { filename: part.filename.slice(0, 255), data: Buffer.concat(chunks) };
  }
  return files;
}

export const adminUploadRoutes: FastifyPluginAsync<{ candidates: AdminCandidateService; importer: AdminImportService }> = async (
  app,
  { candidates, importer },
) => {
  const L = ADMIN_UPLOAD_LIMITS;
  await app.register(multipart, {
    limits: {
      fileSize: Math.max(L.sheetBytes, L.zipBytes, L.photoBytes) + 1,
      files: 2,
      fields: 8,
      parts: 10,
      fieldSize: 1024,
      headerPairs: 64,
    },
    // Oversized files are reported by readFiles (with the field's own limit), not as a bare error.
    throwFileSizeLimit: false,
  });
  const upload = { multipartUpload: true };

  const importLimits = { sheet: L.sheetBytes, photos: L.zipBytes };
  const importMax = L.sheetBytes + L.zipBytes + FORM_OVERHEAD;
  const importFiles = async (req: FastifyRequest) => {
    const files = await readFiles(req, importLimits);
    if (!files.sheet) throw new AdminFieldError('bad_request', 'Attach the candidate list as the file field "sheet".', 'sheet', 'required');
    return { sheet: files.sheet, photos: files.photos };
  };

  app.post(adminApi.previewImport.path, { config: upload, onRequest: announcedAtMost(importMax) }, async (req): Promise<ImportPreview> => {
    return importer.preview(await importFiles(req));
  });

  app.post(adminApi.importCandidates.path, { config: upload, onRequest: announcedAtMost(importMax) }, async (req): Promise<ImportResult> => {
    return importer.import(signedInUser(req), await importFiles(req));
  });

  app.put(
    adminApi.setCandidatePhoto.path,
    { config: upload, onRequest: announcedAtMost(L.photoBytes + FORM_OVERHEAD) },
    async (req) => {
      const id = idParam(req);
      const { photo } = await readFiles(req, { photo: L.photoBytes });
      if (!photo) throw new AdminFieldError('bad_request', 'Attach the photo as the file field "photo".', 'photo', 'required');
      return { candidate: await candidates.setCandidatePhoto(signedInUser(req), id, photo.data) };
    },
  );

  app.get(adminApi.getCandidatePhoto.path, async (req, reply) => {
    const { file, mime } = await candidates.candidatePhotoFile(idParam(req));
    const stat = await fs.promises.stat(file).catch(() => undefined);
    if (!stat?.isFile()) throw new DomainError('not_found', 'There is no such photo.');
    return reply
      .type(mime)
      .header('content-length', stat.size)
      // The URL carries the photo's version, so a browser may keep it; it is personal data: private.
      .header('cache-control', 'private, max-age=86400')
      .header('x-content-type-options', 'nosniff')
      .header('content-security-policy', "default-src 'none'")
      .send(fs.createReadStream(file));
  });
};
