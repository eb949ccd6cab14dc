/**
 * Reading zips without trusting them (the photo archive, and the .xlsx workbook, which is a
 * zip too): the central directory is checked (entry count, declared sizes) before anything
 * is inflated, and entries are inflated under the same caps, with yauzl checking that no
 * entry inflates beyond what it declares ("lying sizes").
 */
import yauzl from 'yauzl';
import type { ImportIssueCode } from '../contract/api/admin.ts';
import { FileProblem, issue } from './import-issues.ts';

export interface ZipEntryInfo {
  name: string;
  size: number;
  directory: boolean;
  entry: yauzl.Entry;
}

function openZip(data: Buffer): Promise<yauzl.ZipFile> {
  return new Promise((resolve, reject) =>
    yauzl.fromBuffer(data, { lazyEntries: true, autoClose: false, validateEntrySizes: true, strictFileNames: false, decodeStrings: true }, (err, zip) =>
      err || !zip ? reject(err ?? new Error('no zip')) : resolve(zip),
    ),
  );
}

/** How much a zip may hold: entries, and bytes once inflated. */
export interface ZipCaps {
  entries: number;
  bytes: number;
}

/** Lists the central directory, refusing too many entries or too many inflated bytes. */
export async function scanZip(
  data: Buffer,
  caps: ZipCaps,
  unreadable: ImportIssueCode,
  tooLarge: ImportIssueCode,
): Promise<{ zip: yauzl.ZipFile; entries: ZipEntryInfo[] }> {
  let zip: yauzl.ZipFile;
  try {
    zip = await openZip(data);
  } catch {
    throw new FileProblem(issue(unreadable, { column: 'file' }));
  }
  if (zip.entryCount > caps.entries) {
    zip.close();
    throw new FileProblem(issue('zip_too_many_entries', { column: 'file' }, { max: caps.entries }));
  }
  const entries: ZipEntryInfo[] = [];
  let total = 0;
  try {
    await new Promise<void>((resolve, reject) => {
      zip.on('entry', (entry: yauzl.Entry) => {
        total += entry.uncompressedSize;
        entries.push({ name: entry.fileName, size: entry.uncompressedSize, directory: entry.fileName.endsWith('/'), entry });
        zip.readEntry();
      });
      zip.on('end', resolve);
      zip.on('error', reject);
      zip.readEntry();
    });
  } catch {
    zip.close();
    throw new FileProblem(issue(unreadable, { column: 'file' }));
  }
  if (total > caps.bytes) {
    zip.close();
    throw new FileProblem(issue(tooLarge, { column: 'file' }, { max: caps.bytes }));
  }
  return { zip, entries };
}

export function readEntry(zip: yauzl.ZipFile, entry: yauzl.Entry, max: number): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    zip.openReadStream(entry, (err, stream) => {
      if (err || !stream) return reject(err ?? new Error('no stream'));
      const chunks: Buffer[] = [];
      let size = 0;
      stream.on('data', (chunk: Buffer) => {
        size += chunk.length;
        if (size > max) stream.destroy(new Error('entry larger than declared'));
        else chunks.push(chunk);
      });
      stream.on('end', () => resolve(Buffer.concat(chunks)));
      stream.on('error', reject);
    });
  });
}

/**
 * Inflates every entry (discarding the bytes): yauzl fails an entry that inflates beyond its
 * declared size, and the total stays under `maxBytes`, so a zip whose central directory lies
 * is caught here at a bounded cost, before a parser that believes it.
 */
export async function inflateWithinCaps(zip: yauzl.ZipFile, entries: ZipEntryInfo[], maxBytes: number): Promise<void> {
  let total = 0;
  for (const { entry, directory } of entries) {
    if (directory) continue;
    await new Promise<void>((resolve, reject) => {
      zip.openReadStream(entry, (err, stream) => {
        if (err || !stream) return reject(err ?? new Error('no stream'));
        stream.on('data', (chunk: Buffer) => {
          total += chunk.length;
          if (total > maxBytes) stream.destroy(new Error('inflates beyond the cap'));
        });
        stream.on('end', resolve);
        stream.on('error', reject);
      });
    });
  }
}
