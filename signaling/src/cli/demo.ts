/** The links printed when the platform starts with demo data. */
import { mintToken } from '../auth/token.ts';
import type { NodeConfig } from '../config.ts';

export interface DemoInfo {
  examId: string;
  proctorUserId: string;
  sessions: { sessionId: string; candidateName: string }[];
}

export function printDemo(demo: DemoInfo, cfg: NodeConfig): void {
  const day = 24 * 3600;
  const proctor = mintToken({ role: 'proctor', userId: demo.proctorUserId }, cfg.tokenSecret, day);
  const lines = [
    '',
    '  Proctoring platform is running.',
    '',
    `  Proctor live grid:  ${cfg.publicUrl}/proctor/exams/${demo.examId}/live?token=${proctor}`,
    '',
    ...demo.sessions.map(
      (s) => `  Candidate ${s.candidateName}:\n    ${cfg.publicUrl}/exam?token=${mintToken({ role: 'candidate', sessionId: s.sessionId }, cfg.tokenSecret, day)}`,
    ),
    '',
    '  Links are valid for 24 hours; restart for fresh ones. Stop with Ctrl+C.',
    '',
  ];
  process.stdout.write(lines.join('\n') + '\n');
}
