// Closed value sets shared by the schema (CHECK constraints in migrations) and TypeScript.
// The migrations freeze their own copy of these lists: changing one here needs a new migration.
// The sets the browser also needs live in @proctor/values (one copy); the rest are db-only.
export {
  LOCALES,
  type Locale,
  SESSION_STATUSES,
  type SessionStatus,
  DECISIONS,
  type Decision,
  REVIEW_STATUSES,
  type ReviewStatus,
  MEDIA_SOURCES as RECORDING_SOURCES,
  type MediaSource as RecordingSource,
  VIOLATION_CATEGORIES,
  type ViolationCategory,
} from '@proctor/values';

export const USER_ROLES = ['admin', 'proctor'] as const;
export type UserRole = (typeof USER_ROLES)[number];

export const PROCTORING_MODES = ['online', 'offline', 'ai'] as const;
export type ProctoringMode = (typeof PROCTORING_MODES)[number];

export const MEDIA_KINDS = ['audio', 'video'] as const;
export type MediaKind = (typeof MEDIA_KINDS)[number];

export const RECORDING_STATUSES = ['recording', 'stopped', 'finalised', 'failed'] as const;
export type RecordingStatus = (typeof RECORDING_STATUSES)[number];

export const VIOLATION_SOURCES = ['client', 'server', 'proctor'] as const;
export type ViolationSource = (typeof VIOLATION_SOURCES)[number];

// Open sets: stored as plain text without a CHECK so a new detector or end reason needs no
// migration; extend the union here when adding one.
export type AttemptEndReason =
  | 'left'
  | 'finished'
  | 'disconnected'
  | 'worker_died'
  | 'node_restarted'
  | 'node_shutdown'
  | 'replaced'
  | 'kicked'
  /** Another media node took the exam's room over (room lease, several nodes). */
  | 'room_moved';

export type ConnectionEventKind =
  | 'joined'
  | 'device_check_passed'
  | 'device_check_failed'
  | 'ice_failed'
  | 'disconnected'
  | 'reconnected'
  | 'left';
