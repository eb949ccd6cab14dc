/**
 * The photo-zip reader of a candidate import: reference photos named by IIN
 * (`900101300123.jpg`), each capped and sniffed by its bytes, plus the entries that are not
 * photos or not usable (reported as warnings or errors).
 */
import type { ImportIssue } from '../contract/api/admin.ts';
import { sniffImage, type PhotoType } from './admin-photo.service.ts';
import { issue, type Limits } from './import-issues.ts';
import { readEntry, scanZip } from './import-zip.ts';

export interface ZipPhoto {
  file: string;
  data: Buffer;
  type: PhotoType;
}

const PHOTO_NAME = /^([0-9]{12})\.(jpe?g|png)$/i;

/** Photos by IIN, plus the entries that are not photos or not usable. */
export async function readPhotoZip(
  data: Buffer,
  limits: Limits,
): Promise<{ photos: Map<string, ZipPhoto>; problems: { iin: string | null; issue: ImportIssue; error: boolean }[] }> {
  const { zip, entries } = await scanZip(data, { entries: limits.zipEntries, bytes: limits.unzippedBytes }, 'zip_unreadable', 'zip_too_large');
  const photos = new Map<string, ZipPhoto>();
  const problems: { iin: string | null; issue: ImportIssue; error: boolean }[] = [];
  try {
    for (const { name, size, directory, entry } of entries) {
      const base = name.split('/').pop() ?? '';
      if (directory || base === '' || base.startsWith('.') || name.startsWith('__MACOSX/') || /^(thumbs\.db|desktop\.ini)$/i.test(base)) continue;
      const match = PHOTO_NAME.exec(base);
      if (!match) {
        problems.push({ iin: null, issue: issue('photo_ignored', { column: 'photo' }, { file: name }), error: false });
        continue;
      }
      const iin = match[1]!;
      const other = photos.get(iin);
      if (other) {
        problems.push({ iin, issue: issue('photo_duplicate', { column: 'photo' }, { value: iin, file: name, otherFile: other.file }), error: true });
        continue;
      }
      if (size > limits.photoBytes) {
        problems.push({ iin, issue: issue('photo_too_large', { column: 'photo' }, { file: name, max: limits.photoBytes }), error: true });
        continue;
      }
      let bytes: Buffer;
      try {
        bytes = await readEntry(zip, entry, limits.photoBytes);
      } catch {
        // Encrypted, corrupt, or inflating beyond its declared size.
        problems.push({ iin, issue: issue('photo_type', { column: 'photo' }, { file: name }), error: true });
        continue;
      }
      const type = sniffImage(bytes);
      if (!type) {
        problems.push({ iin, issue: issue('photo_type', { column: 'photo' }, { file: name }), error: true });
        continue;
      }
      photos.set(iin, { file: name, data: bytes, type });
    }
  } finally {
    zip.close();
  }
  return { photos, problems };
}
