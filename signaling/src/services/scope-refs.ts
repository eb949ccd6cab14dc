/**
 * What an API key or a webhook endpoint may be tied to: an integration and an exam (each
 * optional). Both services check the same way that what the admin named exists.
 */
import type { Kysely } from 'kysely';
import { getExam, getIntegration, type DB } from '@proctor/db';
import { AdminFieldError } from '../domain/errors.ts';

export async function checkScopeRefs(db: Kysely<DB>, input: { integrationId?: string | null; examId?: string | null }): Promise<{ integrationId: string | null; examId: string | null }> {
  const integrationId = input.integrationId ?? null;
  const examId = input.examId ?? null;
  if (integrationId && !(await getIntegration(db, integrationId))) {
    throw new AdminFieldError('bad_request', 'integrationId: there is no such integration', 'integrationId', 'invalid');
  }
  if (examId && !(await getExam(db, examId))) throw new AdminFieldError('bad_request', 'examId: there is no such exam', 'examId', 'invalid');
  return { integrationId, examId };
}
