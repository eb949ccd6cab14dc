/** Range header parsing for recording streaming (RFC 9110 §14.1.2). */
import { describe, it } from 'vitest';
import assert from 'node:assert/strict';
import { contentRange, parseByteRange, unsatisfiedRange } from '../../src/http/byte-range.ts';

describe('parseByteRange', () => {
  const size = 10_000;

  it('serves the whole file without a Range header', () => {
    assert.deepEqual(parseByteRange(undefined, size), { kind: 'full' });
  });

  it('reads a closed range, inclusive at both ends', () => {
    assert.deepEqual(parseByteRange('bytes=1000-1999', size), { kind: 'partial', start: 1000, end: 1999 });
    assert.deepEqual(parseByteRange('bytes=0-0', size), { kind: 'partial', start: 0, end: 0 });
  });

  it('reads an open range to the end of the file', () => {
    assert.deepEqual(parseByteRange('bytes=9000-', size), { kind: 'partial', start: 9000, end: 9999 });
  });

  it('reads a suffix range (the last N bytes), capped at the file', () => {
    assert.deepEqual(parseByteRange('bytes=-500', size), { kind: 'partial', start: 9500, end: 9999 });
    assert.deepEqual(parseByteRange('bytes=-20000', size), { kind: 'partial', start: 0, end: 9999 });
  });

  it('clamps an end past the file to its last byte', () => {
    assert.deepEqual(parseByteRange('bytes=9990-20000', size), { kind: 'partial', start: 9990, end: 9999 });
  });

  it('is unsatisfiable when the range starts at or past the end, or asks for zero bytes', () => {
    assert.deepEqual(parseByteRange('bytes=10000-', size), { kind: 'unsatisfiable' });
    assert.deepEqual(parseByteRange('bytes=20000-30000', size), { kind: 'unsatisfiable' });
    assert.deepEqual(parseByteRange('bytes=-0', size), { kind: 'unsatisfiable' });
    assert.deepEqual(parseByteRange('bytes=0-', 0), { kind: 'unsatisfiable' });
  });

  it('ignores what it does not understand and serves the whole file', () => {
    for (const header of ['bytes=5-2', 'items=0-10', 'bytes=0-10,20-30', 'bytes=-', 'bytes=a-b', 'bytes=../etc', '', 'bytes=1e3-2e3', `bytes=0-${'9'.repeat(30)}`]) {
      assert.deepEqual(parseByteRange(header, size), { kind: 'full' }, header);
    }
  });

  it('tolerates surrounding whitespace', () => {
    assert.deepEqual(parseByteRange('  bytes=1-2 ', size), { kind: 'partial', start: 1, end: 2 });
  });

  it('formats Content-Range for 206 and 416', () => {
    assert.equal(contentRange({ start: 1000, end: 1999 }, size), 'bytes 1000-1999/10000');
    assert.equal(unsatisfiedRange(size), 'bytes */10000');
  });
});
