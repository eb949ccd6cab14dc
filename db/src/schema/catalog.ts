/** What an admin manages: groups, disciplines, exams (with their assessment, #10, and media profile, #11), proctors of an exam, candidates. */
import type { ColumnType, Generated } from 'kysely';
import type { MediaProfileId } from '@proctor/values';
import type { ProctoringMode } from '../enums.ts';
import type { ViolationWeights } from '../violation-types.ts';
import type { Timestamp, DefaultTimestamp, WithDefault, Jsonb, JsonbWithDefault } from './columns.ts';

export interface GroupsTable {
  id: Generated<string>;
  name: string;
  archivedAt: Timestamp | null;
}

export interface DisciplinesTable {
  id: Generated<string>;
  name: string;
  archivedAt: Timestamp | null;
}

export type AssessmentMode = 'frame' | 'window';

/** What the server read from the assessment URL's headers when it was saved. */
export interface AssessmentCheck {
  checkedAt: string;
  /** allowed: may be framed by us; refused: X-Frame-Options / frame-ancestors forbid it; unreachable: no answer. */
  framing: 'allowed' | 'refused' | 'unreachable';
  status: number | null;
  xFrameOptions: string | null;
  frameAncestors: string | null;
  /** Why it was unreachable (network error, timeout), in English. */
  error: string | null;
}

export interface ExamsTable {
  id: Generated<string>;
  name: string;
  disciplineId: string;
  startsAt: Timestamp;
  endsAt: Timestamp;
  /** IANA zone used to display this exam's times. */
  timeZone: WithDefault<string>;
  proctoringMode: WithDefault<ProctoringMode>;
  violationWeights: JsonbWithDefault<ViolationWeights>;
  honestyThreshold: WithDefault<number>;
  countTechnical: WithDefault<boolean>;
  archivedAt: Timestamp | null;
  createdAt: DefaultTimestamp;
  // Data protection (migration 0016): days after the exam's end each kind is kept; null = until erased.
  retentionRecordingsDays: WithDefault<number | null>;
  retentionSnapshotsDays: WithDefault<number | null>;
  retentionPhotosDays: WithDefault<number | null>;
  retentionViolationsDays: WithDefault<number | null>;
  // migration 0010 (#10): the assessment the exam opens
  /** http(s) address of the test (LMS quiz, form, …); null = the exam has none. */
  assessmentUrl: string | null;
  assessmentMode: WithDefault<AssessmentMode>;
  assessmentCheck: Jsonb<AssessmentCheck> | null;
  // migration 0024 (#11): what a candidate's page sends
  /** A name from @proctor/values MEDIA_PROFILE_IDS; the numbers live there, once. */
  mediaProfile: WithDefault<MediaProfileId>;
}

export interface ExamProctorsTable {
  examId: string;
  userId: string;
}

export interface CandidatesTable {
  id: Generated<string>;
  fullName: string;
  /** null only once the candidate is erased (migration 0016). */
  iin: string | null;
  groupId: string | null;
  referencePhotoPath: string | null;
  email: string | null;
  archivedAt: Timestamp | null;
  createdAt: DefaultTimestamp;
  /** Set by an erasure (migration 0016): the name is a pseudonym, IIN, e-mail and photo are gone. */
  erasedAt: ColumnType<Date | null, Date | string | null | undefined, Date | string | null>;
  // migration 0026 (#13)
  /** 'lti': came from an LMS launch without an IIN (the only way a live candidate has none). */
  iinSource: 'lti' | null;
}
