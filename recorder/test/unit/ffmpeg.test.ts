import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { test } from 'vitest';
import { FfmpegNotFoundError, resolveFfmpeg } from '../../src/config.ts';

const HINT = /ffmpeg not found: install Debian's ffmpeg \(infra\/scripts\/install-system-deps\.sh\) or set FFMPEG_PATH/;

test('finds the system ffmpeg and ffprobe on PATH', () => {
  const paths = resolveFfmpeg({ PATH: process.env.PATH });
  assert.match(paths.ffmpeg, /\/ffmpeg$/);
  assert.match(paths.ffprobe, /\/ffprobe$/);
});

test('FFMPEG_PATH=/nonexistent gives one clear error', () => {
  assert.throws(() => resolveFfmpeg({ ...process.env, FFMPEG_PATH: '/nonexistent' }), (err: Error) => {
    assert.ok(err instanceof FfmpegNotFoundError);
    assert.match(err.message, HINT);
    assert.match(err.message, /FFMPEG_PATH=\/nonexistent/);
    return true;
  });
});

test('no ffmpeg on PATH gives the same error', async () => {
  const empty = await mkdtemp(path.join(os.tmpdir(), 'no-ffmpeg-'));
  try {
    assert.throws(() => resolveFfmpeg({ PATH: empty }), HINT);
  } finally {
    await rm(empty, { recursive: true });
  }
});
