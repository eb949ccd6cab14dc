// Closed value sets shared by the schema (CHECK constraints in migrations) and TypeScript.
// The migrations freeze their own copy of these lists: changing one here needs a new migration.

export const LOCALES = ['kk', 'ru', 'en'] as const;
export type Locale = (typeof LOCALES)[number];

export const USER_ROLES = ['admin', 'proctor'] as const;
export type UserRole = (typeof USER_ROLES)[number];

export const PROCTORING_MODES = ['online', 'offline', 'ai'] as const;
export type ProctoringMode = (typeof PROCTORING_MODES)[number];

export const SESSION_STATUSES = ['not_started', 'in_progress', 'finished'] as const;
export type SessionStatus = (typeof SESSION_STATUSES)[number];

// The manual only shows the default ("Нет решения") and that the reviewer picks one;
// these are the outcomes a reviewing proctor can record.
export const DECISIONS = ['none', 'admitted', 'not_admitted', 'annulled'] as const;
export type Decision = (typeof DECISIONS)[number];

export const REVIEW_STATUSES = ['not_viewed', 'viewed'] as const;
export type ReviewStatus = (typeof REVIEW_STATUSES)[number];

export const RECORDING_SOURCES = ['camera', 'microphone', 'screen'] as const;
export type RecordingSource = (typeof RECORDING_SOURCES)[number];

export const MEDIA_KINDS = ['audio', 'video'] as const;
export type MediaKind = (typeof MEDIA_KINDS)[number];

export const RECORDING_STATUSES = ['recording', 'stopped', 'finalised', 'failed'] as const;
export type RecordingStatus = (typeof RECORDING_STATUSES)[number];

export const VIOLATION_CATEGORIES = ['behaviour', 'technical'] as const;
export type ViolationCategory = (typeof VIOLATION_CATEGORIES)[number];

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
