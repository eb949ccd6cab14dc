// The large demo data set behind the Results page, statistics and reports: eight exams of
// the last six weeks (one live now) taken by whole groups, 300 candidates, 1000 sessions with
// attempts, connection events and violations, and honesty computed from those violations
// the way the product weighs them. Deterministic for a given `seed` and `now` (a seeded
// PRNG, ids included), idempotent (a second run finds its first exam and does nothing),
// and written in batches inside one transaction (well under a second of database time).
import type { Insertable, Kysely } from 'kysely';
import type { Decision, SessionStatus, ViolationSource } from '../enums.ts';
import { ensureDiscipline } from '../repositories/discipline.repository.ts';
import { ensureGroup } from '../repositories/group.repository.ts';
import { findActiveExamId } from '../repositories/exam.repository.ts';
import { getUserByEmail, upsertUserByEmail } from '../repositories/user.repository.ts';
import { insertDemoRows, type DemoRows } from '../repositories/demo-data.repository.ts';
import type { ConnectionEventsTable, DB, ViolationsTable } from '../schema.ts';
import { inTransaction } from '../transaction.ts';
import { DEFAULT_VIOLATION_WEIGHTS, VIOLATION_CATEGORY, type ViolationType } from '../violation-types.ts';
import { computeHonesty } from '../honesty.ts';
import { makeIin } from './iin.ts';
import { MEDIA_DEMO_PROCTOR_EMAIL } from './media-demo.ts';
import {
  FEMALE_NAMES,
  FEMALE_PATRONYMICS_KK,
  FEMALE_PATRONYMICS_RU,
  MALE_NAMES,
  MALE_PATRONYMICS_KK,
  MALE_PATRONYMICS_RU,
  RUSSIAN_FIRST_NAMES,
  SURNAMES,
} from './names.ts';

export const REALISTIC_DEMO_GROUPS = ['ИС-22-1', 'ИС-22-2', 'ВТ-23-1', 'ЭК-21-3', 'ҚТ-22-1'] as const;
const GROUP_SIZES = [64, 62, 60, 58, 56]; // 300 candidates

/** The demo's proctors besides the media demo's one (no password: an admin sets one). */
export const REALISTIC_DEMO_PROCTORS = [
  { email: 'proctor2@demo.proctor.local', fullName: 'Смирнова Ольга Викторовна' },
  { email: 'proctor3@demo.proctor.local', fullName: 'Төлеуов Аңсар Серікұлы' },
] as const;

interface ExamPlan {
  name: string;
  discipline: string;
  daysAgo: number;
  /** Local (Asia/Almaty, UTC+5) start hour; null = open right now. */
  hour: number | null;
  groups: number[];
  /** Index into [media demo proctor, ...REALISTIC_DEMO_PROCTORS]. */
  proctors: number[];
}

// Group sizes add up to 900 sessions over the first seven exams; the live one takes the
// first 100 candidates of its groups, for 1000 in all.
const EXAMS: ExamPlan[] = [
  { name: 'Экология: аралық бақылау', discipline: 'Экология', daysAgo: 40, hour: 9, groups: [0, 1, 2], proctors: [0] },
  { name: 'Қазақ тілі: қорытынды емтихан', discipline: 'Қазақ тілі', daysAgo: 35, hour: 11, groups: [3, 4], proctors: [1] },
  { name: 'Математический анализ: рубежный контроль', discipline: 'Математический анализ', daysAgo: 30, hour: 14, groups: [0, 1], proctors: [0, 1] },
  { name: 'Физика: итоговый экзамен', discipline: 'Физика', daysAgo: 24, hour: 9, groups: [2, 3], proctors: [1] },
  { name: 'Қазақстан тарихы: аралық бақылау', discipline: 'Қазақстан тарихы', daysAgo: 17, hour: 11, groups: [4, 0], proctors: [0] },
  { name: 'Информатика: итоговый экзамен', discipline: 'Информатика', daysAgo: 10, hour: 14, groups: [1, 2, 3], proctors: [1, 2] },
  { name: 'Ағылшын тілі: қорытынды емтихан', discipline: 'Ағылшын тілі', daysAgo: 3, hour: 10, groups: [4], proctors: [2] },
  { name: 'Философия: рубежный контроль', discipline: 'Философия', daysAgo: 0, hour: null, groups: [0, 1], proctors: [0, 2] },
];
const LIVE_SEATS = 100;

// The first two candidates between them use every Kazakh-specific letter.
const FIXED_NAMES = [
  { name: 'Әбдіғалиева Гүлнұр Жеңісқызы', female: true },
  { name: 'Мәһдиев Өмірзақ Серікұлы', female: false },
];

// Relative frequency of each violation type, and how long one lasts (seconds; 0 = instant).
const FREQUENCY: Record<ViolationType, number> = {
  focus_lost: 20, tab_hidden: 14, head_turned: 14, no_face: 10, voice: 10, fullscreen_exit: 6,
  multiple_faces: 4, copy: 4, paste: 4, network_lost: 3, other_person: 2, cut: 2,
  camera_stopped: 2, screen_share_stopped: 2, microphone_stopped: 1, second_display: 1,
};
const DURATION: Record<ViolationType, [number, number]> = {
  no_face: [3, 60], multiple_faces: [2, 20], other_person: [5, 90], head_turned: [2, 15], voice: [2, 30],
  focus_lost: [2, 120], tab_hidden: [3, 180], fullscreen_exit: [1, 60], copy: [0, 0], paste: [0, 0], cut: [0, 0],
  second_display: [10, 600], screen_share_stopped: [5, 60], camera_stopped: [5, 60], microphone_stopped: [5, 60],
  network_lost: [2, 20],
};
/** Detected on the server from the camera/microphone; the rest are reported by the browser. */
const SERVER_DETECTED = new Set<ViolationType>(['no_face', 'multiple_faces', 'other_person', 'head_turned', 'voice']);
const WITH_SNAPSHOT = new Set<ViolationType>(['no_face', 'multiple_faces', 'other_person', 'head_turned', 'focus_lost', 'tab_hidden', 'fullscreen_exit', 'second_display']);

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;
const ALMATY_OFFSET = 5 * HOUR;
const NODE_ID = 'demo-node-1';

export interface RealisticDemoOptions {
  /** PRNG seed; the same seed and `now` give the same data. Default 2026. */
  seed?: number;
  /** "Today" of the data set. Default: the current time. */
  now?: Date;
}

export interface RealisticDemo {
  /** false when the data set was already there (nothing written). */
  created: boolean;
  examIds: string[];
}

/** mulberry32: small, fast, good enough for demo data, and identical on every platform. */
function prng(seed: number) {
  let a = seed >>> 0;
  const next = () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const int = (min: number, max: number) => min + Math.floor(next() * (max - min + 1));
  const pick = <T>(items: readonly T[]): T => items[Math.floor(next() * items.length)]!;
  const weighted = <K extends string>(weights: Record<K, number>): K => {
    const entries = Object.entries(weights) as [K, number][];
    let r = next() * entries.reduce((sum, [, w]) => sum + w, 0);
    for (const [key, w] of entries) if ((r -= w) < 0) return key;
    return entries[entries.length - 1]![0];
  };
  /** A version-4 UUID from the stream, so ids are reproducible too. */
  const uuid = () => {
    const hex = Array.from({ length: 32 }, () => Math.floor(next() * 16).toString(16));
    hex[12] = '4';
    hex[16] = ((parseInt(hex[16]!, 16) & 0x3) | 0x8).toString(16);
    const h = hex.join('');
    return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
  };
  return { next, int, pick, weighted, uuid };
}
type Rng = ReturnType<typeof prng>;

function candidateName(rng: Rng): { name: string; female: boolean } {
  const female = rng.next() < 0.5;
  const first = rng.pick(female ? FEMALE_NAMES : MALE_NAMES);
  const russian = RUSSIAN_FIRST_NAMES.has(first);
  const patronymics = female ? (russian ? FEMALE_PATRONYMICS_RU : FEMALE_PATRONYMICS_KK) : russian ? MALE_PATRONYMICS_RU : MALE_PATRONYMICS_KK;
  return { name: `${rng.pick(SURNAMES)}${female ? 'а' : ''} ${first} ${rng.pick(patronymics)}`, female };
}

/** Exam start: `daysAgo` days before `now` at `hour` local time, or an hour ago when live. */
function examStart(plan: ExamPlan, now: Date): Date {
  if (plan.hour === null) return new Date(now.getTime() - 50 * MINUTE);
  const local = new Date(now.getTime() + ALMATY_OFFSET);
  return new Date(Date.UTC(local.getUTCFullYear(), local.getUTCMonth(), local.getUTCDate() - plan.daysAgo, plan.hour) - ALMATY_OFFSET);
}

export async function seedRealisticDemo(db: Kysely<DB>, opts: RealisticDemoOptions = {}): Promise<RealisticDemo> {
  const now = opts.now ?? new Date();
  const rng = prng(opts.seed ?? 2026);

  return inTransaction(db, async (trx) => {
    const disciplineIds = new Map<string, string>();
    for (const plan of EXAMS) disciplineIds.set(plan.discipline, await ensureDiscipline(trx, plan.discipline));
    const existing = await findActiveExamId(trx, disciplineIds.get(EXAMS[0]!.discipline)!, EXAMS[0]!.name);
    if (existing) {
      const examIds = [];
      for (const plan of EXAMS) examIds.push((await findActiveExamId(trx, disciplineIds.get(plan.discipline)!, plan.name)) ?? '');
      return { created: false, examIds: examIds.filter(Boolean) };
    }

    const groupIds: string[] = [];
    for (const name of REALISTIC_DEMO_GROUPS) groupIds.push(await ensureGroup(trx, name));
    const proctorIds: (string | undefined)[] = [(await getUserByEmail(trx, MEDIA_DEMO_PROCTOR_EMAIL))?.id];
    for (const [i, p] of REALISTIC_DEMO_PROCTORS.entries()) {
      proctorIds.push(
        await upsertUserByEmail(trx, { ...p, role: 'proctor', locale: 'ru', iin: makeIin(new Date(Date.UTC(1984 + i, 2, 10)), i ? 'male' : 'female', 7 + i) }),
      );
    }

    const rows: DemoRows = { exams: [], examProctors: [], candidates: [], examSessions: [], attempts: [], violations: [], connectionEvents: [] };

    // Candidates, group by group.
    const members: string[][] = GROUP_SIZES.map(() => []);
    const usedIins = new Set<string>();
    let serial = 3000;
    GROUP_SIZES.forEach((size, g) => {
      for (let i = 0; i < size; i++) {
        const fixed = FIXED_NAMES[rows.candidates.length];
        const { name, female } = fixed ?? candidateName(rng);
        const birth = new Date(Date.UTC(2002 + rng.int(0, 4), rng.int(0, 11), rng.int(1, 28)));
        let iin = makeIin(birth, female ? 'female' : 'male', serial);
        while (usedIins.has(iin)) iin = makeIin(birth, female ? 'female' : 'male', ++serial);
        usedIins.add(iin);
        serial += 3;
        const id = rng.uuid();
        rows.candidates.push({
          id,
          fullName: name,
          iin,
          groupId: groupIds[g]!,
          referencePhotoPath: rng.next() < 0.6 ? `photos/${iin}.jpg` : null,
        });
        members[g]!.push(id);
      }
    });

    const examIds: string[] = [];
    for (const plan of EXAMS) {
      const examId = rng.uuid();
      examIds.push(examId);
      const startsAt = examStart(plan, now);
      const live = plan.hour === null;
      rows.exams.push({ id: examId, name: plan.name, disciplineId: disciplineIds.get(plan.discipline)!, startsAt, endsAt: new Date(startsAt.getTime() + 3 * HOUR) });
      for (const p of plan.proctors) {
        const userId = proctorIds[p];
        if (userId) rows.examProctors.push({ examId, userId });
      }
      const seats = plan.groups.flatMap((g) => members[g]!);
      for (const candidateId of live ? seats.slice(0, LIVE_SEATS) : seats) {
        addSession(rows, rng, { examId, candidateId, startsAt, live, daysAgo: plan.daysAgo, oldest: plan === EXAMS[0], now });
      }
    }

    await insertDemoRows(trx, rows);
    return { created: true, examIds };
  });
}

interface SessionPlan {
  examId: string;
  candidateId: string;
  startsAt: Date;
  live: boolean;
  daysAgo: number;
  /** Decided sessions of the oldest exam are archived. */
  oldest: boolean;
  now: Date;
}

function addSession(rows: DemoRows, rng: Rng, p: SessionPlan): void {
  const sessionId = rng.uuid();
  const r = rng.next();
  const status: SessionStatus = p.live
    ? r < 0.7 ? 'in_progress' : r < 0.82 ? 'finished' : 'not_started'
    : r < 0.97 ? 'finished' : 'not_started';
  if (status === 'not_started') {
    rows.examSessions.push({ id: sessionId, examId: p.examId, candidateId: p.candidateId });
    return;
  }

  const startedAt = new Date(p.startsAt.getTime() + rng.int(0, p.live ? 15 * 60 : 20 * 60) * 1000);
  const endedAt =
    status === 'finished'
      ? new Date(Math.min(startedAt.getTime() + rng.int(25, p.live ? 45 : 110) * MINUTE + rng.int(0, 59) * 1000, p.now.getTime() - MINUTE))
      : null;
  const until = endedAt ?? p.now;

  // Attempts: most candidates connect once; a network drop splits the session.
  const attemptCount = rng.next() < 0.88 ? 1 : rng.next() < 0.75 ? 2 : 3;
  const span = until.getTime() - startedAt.getTime();
  const attempts: { id: string; from: number; to: number | null }[] = [];
  let from = startedAt.getTime();
  for (let i = 1; i < attemptCount; i++) {
    const drop = from + Math.floor((until.getTime() - from) * (0.2 + 0.5 * rng.next()));
    const back = drop + rng.int(15, 90) * 1000;
    if (back >= until.getTime() - MINUTE) break;
    attempts.push({ id: rng.uuid(), from, to: drop });
    from = back;
  }
  attempts.push({ id: rng.uuid(), from, to: endedAt ? endedAt.getTime() : null });
  attempts.forEach((a, i) => {
    const last = i === attempts.length - 1;
    rows.attempts.push({
      id: a.id,
      sessionId,
      number: i + 1,
      nodeId: NODE_ID,
      startedAt: new Date(a.from),
      endedAt: a.to === null ? null : new Date(a.to),
      endReason: a.to === null ? null : last ? 'finished' : 'disconnected',
    });
  });
  const first = attempts[0]!;
  // A moment inside a reconnect gap belongs to the attempt that just dropped.
  const attemptAt = (t: number) => (attempts.findLast((a) => a.from <= t) ?? first).id;

  // Connection events: joining, the device check (sometimes failing first), drops, leaving.
  const event = (kind: Insertable<ConnectionEventsTable>['kind'], at: number, attemptId: string, extra: Partial<Insertable<ConnectionEventsTable>> = {}) =>
    rows.connectionEvents.push({ sessionId, attemptId, kind, at: new Date(at), ...extra });
  event('joined', first.from, first.id);
  if (rng.next() < 0.08) {
    event('device_check_failed', first.from + 3000, first.id, { error: rng.pick(['camera_not_found', 'screen_share_denied', 'microphone_busy']), resolved: true });
    event('device_check_passed', first.from + rng.int(20, 60) * 1000, first.id);
  } else {
    event('device_check_passed', first.from + 5000, first.id);
  }
  if (rng.next() < 0.03) event('ice_failed', first.from + 8000, first.id, { error: 'ice_connection_failed', resolved: true });
  const violations: Insertable<ViolationsTable>[] = [];
  attempts.slice(1).forEach((a, i) => {
    const prev = attempts[i]!;
    event('disconnected', prev.to!, prev.id);
    event('reconnected', a.from, a.id);
    violations.push(violation(sessionId, prev.id, 'network_lost', prev.to!, a.from, 'server', rng));
  });
  if (endedAt) event('left', endedAt.getTime(), attempts[attempts.length - 1]!.id);

  // Violations: most sessions have a few, some none, a handful very many.
  const v = rng.next();
  const count = v < 0.35 ? rng.int(0, 1) : v < 0.85 ? rng.int(2, 6) : v < 0.97 ? rng.int(7, 14) : rng.int(15, 30);
  // The heaviest sessions are the ones a reviewer must catch: long absences, a stranger.
  const heavy = v >= 0.97;
  for (let i = 0; i < count; i++) {
    const type = rng.weighted(FREQUENCY);
    const [min, max] = DURATION[type];
    const seconds = heavy && max > 0 ? rng.int(max, Math.max(max, 600)) : rng.int(min, max);
    const at = startedAt.getTime() + Math.floor(rng.next() * Math.max(0, span - seconds * 1000));
    violations.push(violation(sessionId, attemptAt(at), type, at, at + seconds * 1000, SERVER_DETECTED.has(type) ? 'server' : 'client', rng));
  }
  rows.violations.push(...violations);

  // Honesty exactly as the product computes it (exam defaults: technical events not counted).
  const { honesty } = computeHonesty({
    startedAt,
    endedAt: until,
    violations: violations.map((x) => ({ type: x.type, category: x.category, startsAt: new Date(x.startsAt), endsAt: x.endsAt ? new Date(x.endsAt) : null })),
    weights: DEFAULT_VIOLATION_WEIGHTS,
    countTechnical: false,
  });
  const decision = decide(rng, status, honesty, p.daysAgo);
  rows.examSessions.push({
    id: sessionId,
    examId: p.examId,
    candidateId: p.candidateId,
    status,
    startedAt,
    endedAt,
    honesty,
    decision,
    reviewStatus: decision !== 'none' || rng.next() < 0.25 ? 'viewed' : 'not_viewed',
    archived: p.oldest && decision !== 'none',
  });
}

function violation(
  sessionId: string,
  attemptId: string,
  type: ViolationType,
  from: number,
  to: number,
  source: ViolationSource,
  rng: Rng,
): Insertable<ViolationsTable> {
  return {
    id: rng.uuid(),
    sessionId,
    attemptId,
    type,
    category: VIOLATION_CATEGORY[type],
    startsAt: new Date(from),
    endsAt: new Date(to),
    confidence: source === 'server' && type !== 'network_lost' ? Math.round((0.6 + 0.39 * rng.next()) * 100) / 100 : null,
    snapshotPath: WITH_SNAPSHOT.has(type) ? `snapshots/${sessionId}/${from}.jpg` : null,
    source,
  };
}

/** Reviewers decide on finished sessions of the past weeks; recent ones are mostly open. */
function decide(rng: Rng, status: SessionStatus, honesty: number, daysAgo: number): Decision {
  if (status !== 'finished') return 'none';
  const r = rng.next();
  if (daysAgo <= 7) return honesty >= 80 && r < 0.15 ? 'admitted' : 'none';
  if (honesty >= 70) return r < 0.92 ? 'admitted' : 'none';
  if (honesty >= 40) return r < 0.4 ? 'admitted' : r < 0.8 ? 'not_admitted' : 'none';
  return r < 0.6 ? 'not_admitted' : r < 0.9 ? 'annulled' : 'none';
}
