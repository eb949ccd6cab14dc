/**
 * Candidates' reference photos on disk: `<photos dir>/<2 hex>/<candidate id>-<random>.<jpg|png>`,
 * with that path relative to the photos directory in `candidates.reference_photo_path`.
 *
 * Nothing about a stored file comes from the client: the name is ours, the type is sniffed
 * from the first bytes (JPEG or PNG only; the browser's Content-Type and the file name are
 * ignored), and reading resolves the stored path strictly inside the directory.
 */
import { randomBytes } from 'node:crypto';
import fs from 'node:fs/promises';
import path from 'node:path';

export type PhotoType = 'jpeg' | 'png';

export const PHOTO_MIME: Record<PhotoType, string> = { jpeg: 'image/jpeg', png: 'image/png' };
const PHOTO_EXT: Record<PhotoType, string> = { jpeg: 'jpg', png: 'png' };

const PNG_SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);

/** The image type by its magic bytes, or undefined for anything else (GIF, WebP, HTML, …). */
export function sniffImage(data: Uint8Array): PhotoType | undefined {
  if (data.length >= 4 && data[0] === 0xff && data[1] === 0xd8 && data[2] === 0xff) return 'jpeg';
  if (data.length >= 16 && Buffer.from(data.subarray(0, 8)).equals(PNG_SIGNATURE)) return 'png';
  return undefined;
}

// What we write: a shard, our uuid, a random suffix and our extension. Anything else in the
// column is refused when read.
const STORED_PATH = /^[0-9a-f]{2}\/[0-9a-f-]{36}-[0-9a-f]{12}\.(jpg|png)$/;

export class PhotoStore {
  readonly dir: string;

  constructor(dir: string) {
    this.dir = path.resolve(dir);
  }

  /**
   * Writes the photo under a fresh name (write to a temporary file, then rename, so a reader
   * never sees half a file) and returns its relative path. The caller stores it in the same
   * transaction that may fail, and calls `remove` on failure.
   */
  async save(candidateId: string, data: Uint8Array, type: PhotoType): Promise<string> {
    if (!/^[0-9a-f-]{36}$/.test(candidateId)) throw new Error(`not a candidate id: ${candidateId}`);
    const relative = `${candidateId.slice(0, 2)}/${candidateId}-${randomBytes(6).toString('hex')}.${PHOTO_EXT[type]}`;
    const absolute = path.join(this.dir, relative);
    await fs.mkdir(path.dirname(absolute), { recursive: true });
    const temporary = `${absolute}.${randomBytes(4).toString('hex')}.tmp`;
    await fs.writeFile(temporary, data, { mode: 0o640 });
    await fs.rename(temporary, absolute);
    return relative;
  }

  /** The absolute file of a stored path, or undefined for a path we would never have written. */
  resolve(relative: string | null | undefined): string | undefined {
    if (!relative || !STORED_PATH.test(relative)) return undefined;
    const absolute = path.resolve(this.dir, relative);
    return absolute.startsWith(this.dir + path.sep) ? absolute : undefined;
  }

  /** The MIME type of a stored path (by our own extension). */
  mimeOf(relative: string): string {
    return relative.endsWith('.png') ? PHOTO_MIME.png : PHOTO_MIME.jpeg;
  }

  /** Deletes stored files; missing ones are fine (best effort, e.g. after a replacement). */
  async remove(...relatives: (string | null | undefined)[]): Promise<void> {
    await Promise.all(
      relatives.map(async (relative) => {
        const absolute = this.resolve(relative);
        if (absolute) await fs.rm(absolute, { force: true }).catch(() => undefined);
      }),
    );
  }
}

/** Short, stable version of a stored path for the photo URL (changes with every new photo). */
export function photoVersion(relative: string): string {
  return relative.slice(-16, -4);
}
