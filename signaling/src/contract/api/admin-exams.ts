/** Administration contract: exams (schedule, proctoring mode, weights, retention, assessment, media profile, proctors). */
import { z } from 'zod';
import type { MediaProfileId } from '@proctor/values';
import { assessmentFields, type AssessmentCheckView, type AssessmentModeName } from './assessment.ts';
import { mediaProfileId } from '../media.ts';
import { ADMIN_VIOLATION_TYPES, adminFieldRules, adminProctoringMode, type AdminPage, type AdminProctoringMode, type AdminViolationType } from './admin-fields.ts';

const { name, instant, timeZone, weight, percent } = adminFieldRules;

export const weightsInput = z
  .object(Object.fromEntries(ADMIN_VIOLATION_TYPES.map((t) => [t, weight])) as Record<AdminViolationType, typeof weight>)
  .strict();
export type AdminViolationWeights = Record<AdminViolationType, number>;

/** Days after the exam's end; null = kept until erased (see the privacy routes). */
const retentionDays = z.number().int().min(1).max(3650).nullable();
/** What the exam keeps and for how long; the consent page states it, the retention job enforces it. */
export const retentionInput = z
  .object({ recordings: retentionDays, snapshots: retentionDays, photos: retentionDays, violations: retentionDays })
  .strict();
export type ExamRetentionInput = z.infer<typeof retentionInput>;
export const RETENTION_KINDS = ['recordings', 'snapshots', 'photos', 'violations'] as const;
/** What a new exam keeps (the database's column defaults, migration 0016; a test keeps them equal). */
export const ADMIN_DEFAULT_RETENTION: ExamRetentionInput = { recordings: 180, snapshots: 180, photos: 180, violations: 365 };

export const examInput = z
  .object({
    name,
    disciplineId: z.uuid({ message: 'required' }),
    startsAt: instant,
    endsAt: instant,
    timeZone,
    proctoringMode: adminProctoringMode,
    violationWeights: weightsInput,
    honestyThreshold: percent,
    countTechnical: z.boolean(),
    /** Omitted: unchanged (new exams get the defaults). */
    retention: retentionInput.optional(),
    ...assessmentFields,
    /** #11: what candidates' pages send; omitted: unchanged (new exams get DEFAULT_MEDIA_PROFILE). */
    mediaProfile: mediaProfileId.optional(),
  })
  .strict()
  .superRefine((v, ctx) => {
    if (v.endsAt.getTime() <= v.startsAt.getTime()) ctx.addIssue({ code: 'custom', path: ['endsAt'], message: 'ends_before_starts' });
  });
export type ExamInput = z.input<typeof examInput>;

export interface AdminExamListItem {
  id: string;
  name: string;
  disciplineId: string;
  disciplineName: string;
  startsAt: string;
  endsAt: string;
  timeZone: string;
  proctoringMode: AdminProctoringMode;
  archivedAt: string | null;
  proctorCount: number;
  sessionCount: number;
}
export type AdminExamPage = AdminPage<AdminExamListItem>;

export interface AdminProctorRef {
  id: string;
  fullName: string;
  email: string;
  archived: boolean;
}

export interface AdminExam extends AdminExamListItem {
  violationWeights: AdminViolationWeights;
  honestyThreshold: number;
  countTechnical: boolean;
  retention: ExamRetentionInput;
  proctors: AdminProctorRef[];
  /** The test the exam opens (#10); null = none. */
  assessmentUrl: string | null;
  assessmentMode: AssessmentModeName;
  /** What the server found at that URL when it was last saved or re-checked. */
  assessmentCheck: AssessmentCheckView | null;
  /** #11: what candidates' pages send (MEDIA_PROFILES in @proctor/values). */
  mediaProfile: MediaProfileId;
}
export interface AdminExamResponse {
  exam: AdminExam;
}

export const examProctorsInput = z.object({ userIds: z.array(z.uuid()).max(500) }).strict();
export type ExamProctorsInput = z.infer<typeof examProctorsInput>;
