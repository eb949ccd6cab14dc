// A finished exam with real (short) recordings for the demo: four sessions of one minute,
// each with camera, screen and microphone files, a verification photo and violations at
// known offsets, so the detailed report (players, ribbon), the photo report and the
// statistics show something real on a fresh install. The media files themselves are made
// by the caller (ffmpeg, cached) and copied to the paths this seed returns. Idempotent: a
// second run finds the exam and returns the same paths without writing.
import type { Kysely } from 'kysely';
import { appendAction } from '../repositories/action-log.repository.ts';
import { ensureDiscipline } from '../repositories/discipline.repository.ts';
import { ensureGroup } from '../repositories/group.repository.ts';
import { assignProctor, createExam, findActiveExamId } from '../repositories/exam.repository.ts';
import { upsertCandidateByIin } from '../repositories/candidate.repository.ts';
import { recomputeSessionHonesty } from '../repositories/honesty.repository.ts';
import { CONSENT_ACTION } from '../repositories/journey.repository.ts';
import { VIOLATION_CATEGORY, type ViolationType } from '../violation-types.ts';
import type { DB } from '../schema.ts';
import { inTransaction } from '../transaction.ts';
import { makeIin } from './iin.ts';

export const RECORDED_DEMO_EXAM_NAME = 'Демо: Экология (с записями)';

/** The media a session uses; the caller has one file of each. */
export type RecordedDemoMediaKey = 'cameraOne' | 'cameraTwo' | 'screen' | 'microphone' | 'faceOne' | 'faceTwo';

export interface RecordedDemoMedia {
  /** Duration of every clip (they are made equally long). */
  durationMs: number;
  bytes: Record<RecordedDemoMediaKey, number>;
}

export interface RecordedDemoFile {
  /** Relative to the recordings root. */
  relativePath: string;
  media: RecordedDemoMediaKey;
}

export interface RecordedDemo {
  examId: string;
  sessionIds: string[];
  files: RecordedDemoFile[];
}

interface Scenario {
  name: string;
  sex: 'male' | 'female';
  birth: string;
  /** Which camera clip: one person, or two people in frame. */
  camera: 'cameraOne' | 'cameraTwo';
  face: 'faceOne' | 'faceTwo';
  /** [type, from s, to s] within the one-minute attempt; from = to for a momentary one. */
  violations: [ViolationType, number, number][];
}

// Offsets are what the report's ribbon and the photo report's snapshots show.
const SCENARIOS: Scenario[] = [
  { name: 'Байжанова Аружан Ерланқызы', sex: 'female', birth: '2004-08-19', camera: 'cameraOne', face: 'faceOne', violations: [['focus_lost', 12, 19], ['paste', 31, 31], ['head_turned', 40, 46]] },
  { name: 'Оспанов Бекзат Нұрланұлы', sex: 'male', birth: '2003-12-01', camera: 'cameraTwo', face: 'faceTwo', violations: [['multiple_faces', 20, 32], ['tab_hidden', 44, 51]] },
  { name: 'Ким Елена Сергеевна', sex: 'female', birth: '2004-02-27', camera: 'cameraOne', face: 'faceOne', violations: [['fullscreen_exit', 8, 12], ['copy', 35, 35]] },
  { name: 'Тұрсынов Әлихан Маратұлы', sex: 'male', birth: '2005-05-05', camera: 'cameraOne', face: 'faceOne', violations: [] },
];

const paths = (examId: string, sessionId: string) => ({
  camera: `${examId}/${sessionId}/attempt-1/camera-demo.webm`,
  screen: `${examId}/${sessionId}/attempt-1/screen-demo.webm`,
  microphone: `${examId}/${sessionId}/attempt-1/microphone-demo.webm`,
  face: `${sessionId}/verification/demo-face.jpg`,
});

function filesOf(examId: string, sessionId: string, s: Scenario): RecordedDemoFile[] {
  const p = paths(examId, sessionId);
  return [
    { relativePath: p.camera, media: s.camera },
    { relativePath: p.screen, media: 'screen' },
    { relativePath: p.microphone, media: 'microphone' },
    { relativePath: p.face, media: s.face },
  ];
}

export function seedRecordedDemo(
  db: Kysely<DB>,
  opts: { media: RecordedDemoMedia; proctorUserId: string; nodeId?: string; now?: Date },
): Promise<RecordedDemo> {
  const now = opts.now ?? new Date();
  const nodeId = opts.nodeId ?? 'demo-seed';
  return inTransaction(db, async (trx) => {
    const disciplineId = await ensureDiscipline(trx, 'Экология');
    const existing = await findActiveExamId(trx, disciplineId, RECORDED_DEMO_EXAM_NAME);
    if (existing) {
      const rows = await trx
        .selectFrom('examSessions as s')
        .innerJoin('candidates as c', 'c.id', 's.candidateId')
        .select(['s.id', 'c.fullName'])
        .where('s.examId', '=', existing)
        .execute();
      const files = rows.flatMap((r) => {
        const s = SCENARIOS.find((x) => x.name === r.fullName);
        return s ? filesOf(existing, r.id, s) : [];
      });
      return { examId: existing, sessionIds: rows.map((r) => r.id), files };
    }

    // Yesterday, one hour; each candidate starts a few minutes apart and works a minute.
    const day = new Date(now.getTime() - 24 * 3600_000);
    day.setUTCMinutes(0, 0, 0);
    const startsAt = day;
    const endsAt = new Date(day.getTime() + 3600_000);
    const examId = await createExam(trx, { name: RECORDED_DEMO_EXAM_NAME, disciplineId, startsAt, endsAt, proctoringMode: 'online' });
    await assignProctor(trx, examId, opts.proctorUserId);
    const groupId = await ensureGroup(trx, 'Демо-топ 1');
    const durationMs = opts.media.durationMs;

    const sessionIds: string[] = [];
    const files: RecordedDemoFile[] = [];
    for (const [i, s] of SCENARIOS.entries()) {
      const iin = makeIin(new Date(s.birth), s.sex, 3000 + i);
      const candidateId = await upsertCandidateByIin(trx, { fullName: s.name, iin, groupId });
      const start = new Date(startsAt.getTime() + (5 + i * 4) * 60_000);
      const end = new Date(start.getTime() + durationMs);
      const session = await trx
        .insertInto('examSessions')
        .values({ examId, candidateId, status: 'finished', startedAt: start, endedAt: end })
        .returning('id')
        .executeTakeFirstOrThrow();
      const sessionId = session.id;
      sessionIds.push(sessionId);
      const p = paths(examId, sessionId);
      const attempt = await trx
        .insertInto('attempts')
        .values({ sessionId, number: 1, nodeId, startedAt: start, endedAt: end, endReason: 'finished' })
        .returning('id')
        .executeTakeFirstOrThrow();
      await trx
        .insertInto('recordings')
        .values([
          { attemptId: attempt.id, sessionId, source: 'camera' as const, kind: 'video' as const, codec: 'vp8', path: p.camera, bytes: opts.media.bytes[s.camera] },
          { attemptId: attempt.id, sessionId, source: 'screen' as const, kind: 'video' as const, codec: 'vp8', path: p.screen, bytes: opts.media.bytes.screen },
          { attemptId: attempt.id, sessionId, source: 'microphone' as const, kind: 'audio' as const, codec: 'opus', path: p.microphone, bytes: opts.media.bytes.microphone },
        ].map((r) => ({ ...r, startedAt: start, endedAt: end, durationMs, status: 'finalised' as const })))
        .execute();
      await trx
        .insertInto('verifications')
        .values({
          sessionId,
          attemptId: null,
          startedAt: new Date(start.getTime() - 40_000),
          endedAt: new Date(start.getTime() - 37_000),
          result: 'successful',
          similarity: 0.86,
          facePhotoPath: p.face,
        })
        .execute();
      if (s.violations.length > 0) {
        await trx
          .insertInto('violations')
          .values(
            s.violations.map(([type, from, to]) => ({
              sessionId,
              attemptId: attempt.id,
              type,
              category: VIOLATION_CATEGORY[type],
              startsAt: new Date(start.getTime() + from * 1000),
              endsAt: new Date(start.getTime() + to * 1000),
              source: 'client' as const,
            })),
          )
          .execute();
      }
      await trx
        .insertInto('connectionEvents')
        .values([
          { sessionId, kind: 'device_check_passed', at: new Date(start.getTime() - 60_000) },
          { sessionId, attemptId: attempt.id, kind: 'joined', at: start },
          { sessionId, attemptId: attempt.id, kind: 'left', at: end },
        ])
        .execute();
      await appendAction(trx, { actorName: s.name, actorIin: iin, sessionId, action: CONSENT_ACTION, details: { locale: 'ru', examId }, at: new Date(start.getTime() - 90_000) });
      await appendAction(trx, { actorName: s.name, actorIin: iin, sessionId, action: 'candidate.finished', details: { attempt: 1 }, at: end });
      await recomputeSessionHonesty(trx, sessionId, now);
      files.push(...filesOf(examId, sessionId, s));
    }
    return { examId, sessionIds, files };
  });
}
