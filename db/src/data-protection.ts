// Value sets of data protection (migration 0016): what retention and erasure remove, why,
// and what the evidence chain covers. The migration freezes its own copy of these lists.

/** What an exam keeps for a limited time (exams.retention_*_days) and an erasure removes. */
export const RETAINED_KINDS = ['recordings', 'snapshots', 'photos', 'violations'] as const;
export type RetainedKind = (typeof RETAINED_KINDS)[number];

export const REMOVAL_REASONS = ['retention', 'erasure'] as const;
export type RemovalReason = (typeof REMOVAL_REASONS)[number];

/**
 * Items of a session's evidence chain. `device_segment` is for recordings made on the
 * candidate's device and uploaded later (sealed like recordings, once final).
 */
export const EVIDENCE_KINDS = ['recording', 'device_segment', 'snapshot', 'violation'] as const;
export type EvidenceKind = (typeof EVIDENCE_KINDS)[number];

/** `sealed`: the item's content digest from now on; `removed`: legitimately deleted (retention, erasure, re-analysis). */
export const EVIDENCE_ACTIONS = ['sealed', 'removed'] as const;
export type EvidenceAction = (typeof EVIDENCE_ACTIONS)[number];

/** Days an exam may keep something: at least one, at most ten years. */
export const RETENTION_MIN_DAYS = 1;
export const RETENTION_MAX_DAYS = 3650;

/** Retention of exams created from now on, per kind (null = kept until erased). */
export const DEFAULT_RETENTION_DAYS: Record<RetainedKind, number | null> = {
  recordings: 180,
  snapshots: 180,
  photos: 180,
  violations: 365,
};
