/**
 * The `Range: bytes=…` request header (RFC 9110 §14), for streaming recordings so a video
 * element can seek without downloading the whole file.
 *
 * One range is served. A header this server does not understand (another unit, several
 * ranges, garbage) is ignored and the whole file sent, as the RFC allows; only a well-formed
 * range that lies wholly past the end of the file is "unsatisfiable" (416).
 */
export type ByteRange =
  | { kind: 'full' }
  /** Inclusive byte positions, already clamped to the file. */
  | { kind: 'partial'; start: number; end: number }
  | { kind: 'unsatisfiable' };

const SINGLE = /^bytes=(\d*)-(\d*)$/;

export function parseByteRange(header: string | undefined, size: number): ByteRange {
  if (header === undefined) return { kind: 'full' };
  const match = SINGLE.exec(header.trim());
  if (!match) return { kind: 'full' };
  const [, first = '', last = ''] = match;
  if (first === '' && last === '') return { kind: 'full' };

  if (first === '') {
    // Suffix range: the last N bytes.
    const length = Number(last);
    if (!Number.isSafeInteger(length)) return { kind: 'full' };
    if (length === 0 || size === 0) return { kind: 'unsatisfiable' };
    return { kind: 'partial', start: Math.max(0, size - length), end: size - 1 };
  }

  const start = Number(first);
  const end = last === '' ? size - 1 : Number(last);
  if (!Number.isSafeInteger(start) || !Number.isSafeInteger(end)) return { kind: 'full' };
  // "bytes=5-2" is syntactically invalid: ignore it, as for any malformed header.
  if (last !== '' && end < start) return { kind: 'full' };
  if (start >= size) return { kind: 'unsatisfiable' };
  return { kind: 'partial', start, end: Math.min(end, size - 1) };
}

/** `Content-Range` of a 206 answer. */
export function contentRange(range: { start: number; end: number }, size: number): string {
  return `bytes ${range.start}-${range.end}/${size}`;
}

/** `Content-Range` of a 416 answer. */
export function unsatisfiedRange(size: number): string {
  return `bytes */${size}`;
}
