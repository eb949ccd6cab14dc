// The recorder's settings are read and checked in one place (src/config.ts): defaults, and
// one clear error for a wrong value.
import assert from 'node:assert/strict';
import path from 'node:path';
import { test } from 'vitest';
import { chromiumPathFromEnv, evidenceKeyFromEnv, jobsConfigFromEnv, logConfigFromEnv, recordingsDirFromEnv, reportsDirFromEnv, tapModeFromEnv } from '../../src/config.ts';

const PATH = process.env.PATH;

test('directories default under DATA_DIR; explicit ones win', () => {
  assert.equal(reportsDirFromEnv({ DATA_DIR: '/srv/p' }), path.join('/srv/p', 'reports'));
  assert.equal(recordingsDirFromEnv({ DATA_DIR: '/srv/p' }), path.join('/srv/p', 'recordings'));
  assert.equal(reportsDirFromEnv({ DATA_DIR: '/srv/p', REPORTS_DIR: '/var/reports' }), '/var/reports');
  assert.equal(recordingsDirFromEnv({ RECORDINGS_DIR: '/var/rec' }), '/var/rec');
});

test('CHROMIUM_PATH, RECORDER_TAP and EVIDENCE_SIGNING_KEY', () => {
  assert.equal(chromiumPathFromEnv({}), '/usr/bin/chromium');
  assert.equal(chromiumPathFromEnv({ CHROMIUM_PATH: '/opt/chrome' }), '/opt/chrome');
  assert.equal(tapModeFromEnv({}), 'thread');
  assert.equal(tapModeFromEnv({ RECORDER_TAP: 'inline' }), 'inline');
  assert.throws(() => tapModeFromEnv({ RECORDER_TAP: 'fast' }), /RECORDER_TAP must be inline or thread, got "fast"/);
  assert.equal(evidenceKeyFromEnv({}), undefined);
  assert.equal(evidenceKeyFromEnv({ EVIDENCE_SIGNING_KEY: 'a\\nb' }), 'a\nb');
});

test('the jobs process needs DATABASE_URL and refuses wrong numbers', () => {
  assert.throws(() => jobsConfigFromEnv({ PATH }), /DATABASE_URL is required/);
  const base = { PATH, DATABASE_URL: 'postgres://x/y' };
  const config = jobsConfigFromEnv(base);
  assert.equal(config.concurrency, 2);
  assert.equal(config.redisUrl, undefined);
  assert.equal(config.smtp, undefined);
  assert.equal(config.metrics, undefined);
  assert.deepEqual(jobsConfigFromEnv({ ...base, METRICS_PORT: '9400' }).metrics, { host: '127.0.0.1', port: 9400 });
  assert.deepEqual(jobsConfigFromEnv({ ...base, SMTP_URL: 'smtp://m' }).smtp, { url: 'smtp://m', from: 'Proctor <no-reply@localhost>' });
  assert.throws(() => jobsConfigFromEnv({ ...base, JOBS_CONCURRENCY: 'two' }), /JOBS_CONCURRENCY must be a whole number/);
  assert.throws(() => jobsConfigFromEnv({ ...base, METRICS_PORT: '70000' }), /METRICS_PORT must be a port number/);
  assert.deepEqual(logConfigFromEnv({}, false), { level: 'info', format: 'json' });
  assert.deepEqual(logConfigFromEnv({ LOG_FORMAT: 'pretty', LOG_LEVEL: 'debug' }, false), { level: 'debug', format: 'pretty' });
});
