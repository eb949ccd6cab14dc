/** One candidate taking one exam: the session, its attempts, recordings, device segments (#12), violations (and their report keys), connection events, identity checks. */
import type { ColumnType, Generated } from 'kysely';
import type { AttemptEndReason, ConnectionEventKind, Decision, MediaKind, RecordingSource, RecordingStatus, ReviewStatus, SessionStatus, ViolationCategory, ViolationSource } from '../enums.ts';
import type { ViolationType } from '../violation-types.ts';
import type { VerificationResult } from '../verification-results.ts';
import type { Timestamp, DefaultTimestamp, WithDefault } from './columns.ts';

export interface ExamSessionsTable {
  id: Generated<string>;
  examId: string;
  candidateId: string;
  status: WithDefault<SessionStatus>;
  startedAt: Timestamp | null;
  endedAt: Timestamp | null;
  /** 0–100, null until computed. */
  honesty: number | null;
  decision: WithDefault<Decision>;
  reviewStatus: WithDefault<ReviewStatus>;
  archived: WithDefault<boolean>;
  createdAt: DefaultTimestamp;
  // Copies of the candidate's and exam's names for the Results page's sorting and
  // grouping; triggers (migration 0003) keep them exact, so they are never written here.
  candidateName: ColumnType<string, never, never>;
  groupId: ColumnType<string | null, never, never>;
  groupName: ColumnType<string | null, never, never>;
  examName: ColumnType<string, never, never>;
  disciplineId: ColumnType<string, never, never>;
  // migration 0010 (#10)
  /** The candidate opened the assessment in a separate window at some point (weaker focus tracking). */
  assessmentWindowUsed: WithDefault<boolean>;
  /** Where "Finish" sends the candidate: the return URL of the latest sign-on link. */
  returnUrl: string | null;
}

export interface AttemptsTable {
  id: Generated<string>;
  sessionId: string;
  /** 1, 2, … per session. */
  number: number;
  /** The media node that served this attempt (for crash recovery). */
  nodeId: string;
  startedAt: Timestamp;
  endedAt: Timestamp | null;
  endReason: AttemptEndReason | null;
}

export interface RecordingsTable {
  id: Generated<string>;
  attemptId: string;
  /** Copy of the attempt's session (enforced by a composite foreign key) for listing. */
  sessionId: string;
  source: RecordingSource;
  kind: MediaKind;
  codec: string;
  /** Relative to the recordings root directory; never absolute (CHECK). */
  path: string;
  startedAt: Timestamp;
  endedAt: Timestamp | null;
  /** bigint, parsed to number by createDb. */
  bytes: WithDefault<number>;
  durationMs: number | null;
  status: WithDefault<RecordingStatus>;
  error: string | null;
}

// Device-recorded segments (migration 0029, #12)
export type DeviceSegmentSource = 'camera' | 'screen';

export interface DeviceSegmentsTable {
  id: Generated<string>;
  sessionId: string;
  attemptId: string | null;
  /** 'camera' holds the camera and the microphone (one WebM), 'screen' the screen. */
  source: DeviceSegmentSource;
  startedAt: Timestamp;
  endedAt: Timestamp;
  /** Lower-case hex SHA-256 of the file, as the page computed it and the server verified. */
  sha256: string;
  /** bigint, parsed to number by createDb. */
  bytes: number;
  /** Relative to the recordings root; never absolute (CHECK). */
  path: string;
  uploadedAt: DefaultTimestamp;
}

export interface ViolationsTable {
  id: Generated<string>;
  sessionId: string;
  attemptId: string | null;
  type: ViolationType;
  category: ViolationCategory;
  startsAt: Timestamp;
  /** null while the violation is still going on. */
  endsAt: Timestamp | null;
  confidence: number | null;
  snapshotPath: string | null;
  source: ViolationSource;
  createdAt: DefaultTimestamp;
}

// ── Violation report keys (#12: each page report stored once) ────────────────
/** A candidate page's report key, claimed with the violation it stored (migration 0021). */
export interface ViolationReportsTable {
  sessionId: string;
  idempotencyKey: string;
  /** Null only inside the transaction that claims the key and stores the violation. */
  violationId: string | null;
  createdAt: DefaultTimestamp;
}

export interface ConnectionEventsTable {
  id: Generated<string>;
  sessionId: string;
  attemptId: string | null;
  kind: ConnectionEventKind;
  error: string | null;
  /** For failures: whether the candidate got past it; null when not applicable. */
  resolved: boolean | null;
  at: DefaultTimestamp;
}

/** Identity checks before an exam (migration 0005); see verification.repository.ts. */
export interface VerificationsTable {
  id: Generated<string>;
  sessionId: string;
  attemptId: string | null;
  startedAt: Timestamp;
  endedAt: Timestamp;
  result: VerificationResult;
  /** Cosine-like face similarity 0..1; null when there was no reference to compare with. */
  similarity: number | null;
  /** Relative to the recordings root; never absolute (CHECK). */
  facePhotoPath: string;
  documentPhotoPath: string | null;
  createdAt: DefaultTimestamp;
}

/** A span a running recording got no media (#12, migration 0033). */
export interface RecordingGapsTable {
  id: Generated<string>;
  recordingId: string;
  startedAt: Timestamp;
  endedAt: Timestamp;
}
