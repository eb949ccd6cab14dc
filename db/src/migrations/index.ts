// Static list instead of FileMigrationProvider: works from any cwd and under bundlers.
// Keys are the names recorded in kysely_migration and must sort in apply order.
import type { Migration } from 'kysely';
import * as m0001 from './0001_initial.ts';
import * as m0002 from './0002_login_failures.ts';
import * as m0003 from './0003_results.ts';
import * as m0004 from './0004_results_candidate_summary.ts';
import * as m0005 from './0005_candidate_journey.ts';
import * as m0006 from './0006_honesty_weights.ts';
import * as m0007 from './0007_report_exports.ts';
import * as m0009 from './0009_statistics.ts';
import * as m0010 from './0010_assessment_sign_on.ts';
import * as m0015 from './0015_room_leases.ts';
import * as m0016 from './0016_data_protection.ts';
import * as m0018 from './0018_honesty_short_sessions.ts';
import * as m0021 from './0021_violation_report_keys.ts';
import * as m0022 from './0022_api_keys.ts';
import * as m0024 from './0024_exam_media_profile.ts';
import * as m0025 from './0025_webhooks.ts';
import * as m0026 from './0026_lti.ts';
import * as m0029 from './0029_device_segments.ts';
import * as m0031 from './0031_lti_proctoring.ts';
import * as m0033 from './0033_recording_gaps.ts';

export const migrations: Record<string, Migration> = {
  '0001_initial': m0001,
  '0002_login_failures': m0002,
  '0003_results': m0003,
  '0004_results_candidate_summary': m0004,
  '0005_candidate_journey': m0005,
  '0006_honesty_weights': m0006,
  '0007_report_exports': m0007,
  '0009_statistics': m0009,
  '0010_assessment_sign_on': m0010,
  '0015_room_leases': m0015,
  '0016_data_protection': m0016,
  '0018_honesty_short_sessions': m0018,
  '0021_violation_report_keys': m0021,
  '0022_api_keys': m0022,
  '0024_exam_media_profile': m0024,
  '0025_webhooks': m0025,
  '0026_lti': m0026,
  '0029_device_segments': m0029,
  '0031_lti_proctoring': m0031,
  '0033_recording_gaps': m0033,
};
