// API keys of the `/api/v1` REST API (migration 0022). The secret is never here: callers
// pass its SHA-256 and compare it themselves in constant time.
import type { Kysely } from 'kysely';
import type { ApiKey, ApiKeyScope, DB } from '../schema.ts';

export interface ApiKeyFields {
  name: string;
  integrationId: string | null;
  prefix: string;
  secretHash: Buffer;
  scopes: ApiKeyScope[];
  examId: string | null;
  createdBy: string | null;
}

export async function createApiKey(db: Kysely<DB>, input: ApiKeyFields): Promise<string> {
  const row = await db.insertInto('apiKeys').values(input).returning('id').executeTakeFirstOrThrow();
  return row.id;
}

export interface ApiKeyListItem extends ApiKey {
  integrationName: string | null;
  examName: string | null;
  createdByName: string | null;
}

function withNames(db: Kysely<DB>) {
  return db
    .selectFrom('apiKeys as k')
    .leftJoin('integrations as i', 'i.id', 'k.integrationId')
    .leftJoin('exams as e', 'e.id', 'k.examId')
    .leftJoin('users as u', 'u.id', 'k.createdBy')
    .selectAll('k')
    .select(['i.name as integrationName', 'e.name as examName', 'u.fullName as createdByName']);
}

export function getApiKey(db: Kysely<DB>, id: string): Promise<ApiKeyListItem | undefined> {
  return withNames(db).where('k.id', '=', id).executeTakeFirst();
}

/** Newest first, revoked ones included (the admin page greys them out). */
export function listApiKeys(db: Kysely<DB>, limit: number): Promise<ApiKeyListItem[]> {
  return withNames(db).orderBy('k.createdAt', 'desc').orderBy('k.id').limit(limit).execute();
}

/** The row a presented key names by its prefix, revoked or not (the caller decides). */
export function findApiKeyByPrefix(db: Kysely<DB>, prefix: string): Promise<ApiKey | undefined> {
  return db.selectFrom('apiKeys').selectAll().where('prefix', '=', prefix).executeTakeFirst();
}

/** Sets revoked_at once; false when there is no such key or it was already revoked. */
export async function revokeApiKey(db: Kysely<DB>, id: string, at: Date): Promise<boolean> {
  const r = await db.updateTable('apiKeys').set({ revokedAt: at }).where('id', '=', id).where('revokedAt', 'is', null).executeTakeFirst();
  return r.numUpdatedRows > 0n;
}

/**
 * Records a use. At most one write per key per `everyMs`: a busy LMS polling every second
 * must not turn every read into a row update.
 */
export async function touchApiKey(db: Kysely<DB>, id: string, at: Date, everyMs: number): Promise<void> {
  await db
    .updateTable('apiKeys')
    .set({ lastUsedAt: at })
    .where('id', '=', id)
    .where((eb) => eb.or([eb('lastUsedAt', 'is', null), eb('lastUsedAt', '<', new Date(at.getTime() - everyMs))]))
    .execute();
}
