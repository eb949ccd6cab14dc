/**
 * A candidate's latest photo for the Results rows (manual §2.1.1.1): the face photo of their
 * latest verification (under the recordings root), else the admin's reference photo (photo
 * store). A row gets a URL only for a file that exists, so a page never asks for a photo that
 * would answer 404 (a restored database or the demo data can name files that are not there).
 */
import { createHash } from 'node:crypto';
import fs from 'node:fs/promises';
import path from 'node:path';
import type { CandidatePhotoPaths } from '@proctor/db';
import { resultsApi } from '../contract/api/results.ts';
import type { PhotoStore } from './admin-photo.service.ts';

export interface PhotoFile {
  file: string;
  mime: string;
  /** Changes with every new photo, so its URL can be cached. */
  version: string;
}

const MIME: Record<string, string> = { '.jpg': 'image/jpeg', '.jpeg': 'image/jpeg', '.png': 'image/png' };

const versionOf = (relative: string) => createHash('sha1').update(relative).digest('hex').slice(0, 12);

async function isFile(file: string): Promise<boolean> {
  const stat = await fs.stat(file).catch(() => undefined);
  return stat?.isFile() ?? false;
}

export class CandidatePhotos {
  constructor(private readonly deps: { recordingsDir: string | null; photos: PhotoStore }) {}

  /** The photo to show for these paths, or null when neither file exists. */
  async pick(paths: CandidatePhotoPaths): Promise<PhotoFile | null> {
    if (paths.verificationPhotoPath) {
      const file = await this.#recordingFile(paths.verificationPhotoPath);
      const mime = MIME[path.extname(paths.verificationPhotoPath).toLowerCase()];
      if (file && mime) return { file, mime, version: versionOf(paths.verificationPhotoPath) };
    }
    const reference = paths.referencePhotoPath;
    const file = this.deps.photos.resolve(reference);
    if (reference && file && (await isFile(file))) return { file, mime: this.deps.photos.mimeOf(reference), version: versionOf(reference) };
    return null;
  }

  /** A row's `photoUrl`. */
  async urlOf(candidateId: string, paths: CandidatePhotoPaths): Promise<string | null> {
    const photo = await this.pick(paths);
    return photo ? `${resultsApi.candidatePhoto.path.replace(':candidateId', candidateId)}?v=${photo.version}` : null;
  }

  /** Strictly inside the recordings root (symlinks resolved), and a file. */
  async #recordingFile(relative: string): Promise<string | null> {
    const dir = this.deps.recordingsDir;
    if (!dir) return null;
    try {
      const root = await fs.realpath(dir);
      const real = await fs.realpath(path.resolve(root, relative));
      return real.startsWith(root + path.sep) && (await isFile(real)) ? real : null;
    } catch {
      return null;
    }
  }
}
