/** The demo data and the links and passwords printed when the platform starts with it. */
import type { Kysely } from 'kysely';
import {
  setAssessmentCheck,
  updateExam,
  MEDIA_DEMO_ADMIN_EMAIL,
  MEDIA_DEMO_PROCTOR_EMAIL,
  seedMediaDemo,
  seedRealisticDemo,
  setUserPasswordHash,
  type DB,
  type MediaDemo,
} from '@proctor/db';
import { mintToken } from '../auth/token.ts';
import type { NodeConfig } from '../config.ts';
import { SIGN_IN_PAGE } from '../contract/api/auth.ts';
import { hashPassword } from '../services/auth.service.ts';
import { DEV_MAIL_PATH } from '../http/routes/dev-mail.routes.ts';

/** Fixed so the README can name them; set again on every demo start. Demo data only. */
export const DEMO_PASSWORDS = { admin: 'demo-admin-2026', proctor: 'demo-proctor-2026' } as const;

/** Seeds the live media demo and the realistic history (both idempotent) and gives the demo admin and proctor their passwords. */
export async function seedDemo(db: Kysely<DB>): Promise<MediaDemo> {
  const demo = await seedMediaDemo(db, { candidates: 3, passwordHash: await hashPassword(DEMO_PASSWORDS.proctor) });
  // The seed sets one hash for both users; the admin gets its own.
  await setUserPasswordHash(db, demo.adminUserId, await hashPassword(DEMO_PASSWORDS.admin));
  // Weeks of past exams (300 candidates, 1 000 sessions) so Results, filters and grouping
  // have something to show; written once, later starts leave it as it is.
  await seedRealisticDemo(db);
  return demo;
}

/** Points the live demo exam at the bundled sample assessment (its address may change per start). */
export async function useSampleAssessment(db: Kysely<DB>, examId: string, url: string): Promise<void> {
  await updateExam(db, examId, { assessmentUrl: url, assessmentMode: 'frame' });
  // Read again when a candidate opens it: the port may differ from the last start.
  await setAssessmentCheck(db, examId, null);
}

export function printDemo(demo: MediaDemo, cfg: NodeConfig, sampleAssessmentUrl?: string): void {
  const day = 24 * 3600;
  const proctor = mintToken({ role: 'proctor', userId: demo.proctorUserId }, cfg.tokenSecret, day);
  const lines = [
    '',
    '  Proctoring platform is running.',
    '',
    `  Sign in:            ${cfg.publicUrl}${SIGN_IN_PAGE}`,
    `    admin    ${MEDIA_DEMO_ADMIN_EMAIL}  password ${DEMO_PASSWORDS.admin}`,
    `    proctor  ${MEDIA_DEMO_PROCTOR_EMAIL}  password ${DEMO_PASSWORDS.proctor}`,
    ...(cfg.smtpUrl ? [] : [`  Sent e-mails:       ${cfg.publicUrl}${DEV_MAIL_PATH}`]),
    '',
    `  Proctor live grid:  ${cfg.publicUrl}/proctor/exams/${demo.examId}/live?token=${proctor}`,
    '',
    ...demo.sessions.map(
      (s) => `  Candidate ${s.candidateName}:\n    ${cfg.publicUrl}/exam?token=${mintToken({ role: 'candidate', sessionId: s.sessionId }, cfg.tokenSecret, day)}`,
    ),
    ...(sampleAssessmentUrl ? ['', `  Sample assessment:  ${sampleAssessmentUrl} (opens inside the candidates' exam page)`] : []),
    '',
    '  Links are valid for 24 hours; restart for fresh ones. Type ? to show them again, Ctrl+C to stop.',
    '',
  ];
  process.stdout.write(lines.join('\n') + '\n');
}
