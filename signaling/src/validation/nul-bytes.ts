/**
 * NUL characters in text input. PostgreSQL text cannot hold U+0000 (the driver fails with an
 * internal error), no legitimate name, search or message contains one, and C-based tools
 * downstream truncate at it. Every boundary (HTTP query, params, JSON bodies; socket
 * payloads) refuses input that has one, naming where it was.
 */

/** Path of the first string (or object key) containing U+0000, e.g. "filters.search"; null when there is none. */
export function findNul(value: unknown, path: string[] = [], depth = 0): string | null {
  if (typeof value === 'string') return value.includes('\u0000') ? path.join('.') || '(value)' : null;
  if (value === null || typeof value !== 'object' || depth > 64) return null;
  for (const [key, child] of Object.entries(value)) {
    if (key.includes('\u0000')) return [...path, '(key)'].join('.');
    const found = findNul(child, [...path, key], depth + 1);
    if (found !== null) return found;
  }
  return null;
}

/** Whether a raw request target (path + query, still percent-encoded) carries a NUL. */
export function urlHasNul(rawUrl: string): boolean {
  return rawUrl.includes('\u0000') || /%00/i.test(rawUrl);
}
