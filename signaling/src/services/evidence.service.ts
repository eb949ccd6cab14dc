/**
 * "Evidence verified" on the detailed report: checks the session's signed hash chain
 * (@proctor/recorder's verifySessionEvidence) and names each failing item the way the
 * page shows it (a recording by source and attempt, a violation by type and start).
 */
import type { Kysely } from 'kysely';
import { listRecordings, listViolationRows, type DB } from '@proctor/db';
import { verifySessionEvidence } from '@proctor/recorder';
import type { SessionEvidence } from '../contract/api/evidence.ts';
import { DomainError } from '../domain/errors.ts';
import { assertSessionAccess } from '../domain/access.ts';
import type { StaffUser } from './results.service.ts';

export interface EvidenceServiceDeps {
  db: Kysely<DB>;
  recordingsDir: string | null;
}

export class EvidenceService {
  constructor(private readonly deps: EvidenceServiceDeps) {}

  async verify(user: StaffUser, sessionId: string): Promise<SessionEvidence> {
    const { db, recordingsDir } = this.deps;
    await assertSessionAccess(db, user, sessionId);
    if (!recordingsDir) throw new DomainError('unavailable', 'This server holds no recordings to verify.');
    const result = await verifySessionEvidence({ db, recordingsDir }, sessionId);
    const [recordings, violations] = await Promise.all([listRecordings(db, sessionId), listViolationRows(db, sessionId)]);
    const recording = new Map(recordings.map((r) => [r.id, r]));
    const violation = new Map(violations.map((v) => [v.id, v]));
    return {
      ...result,
      checkedAt: new Date().toISOString(),
      items: result.items.map((i) => {
        const r = i.kind === 'recording' ? recording.get(i.itemId) : undefined;
        const v = i.kind === 'violation' || i.kind === 'snapshot' ? violation.get(i.itemId) : undefined;
        return {
          ...i,
          source: r?.source ?? null,
          attemptNumber: r?.attemptNumber ?? null,
          violationType: v?.type ?? null,
          at: (r?.startedAt ?? v?.startsAt)?.toISOString() ?? null,
        };
      }),
    };
  }
}
