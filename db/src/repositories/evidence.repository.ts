// The evidence chain's storage (migration 0016). Hashing, signing and verifying are in
// @proctor/recorder (src/evidence/); these queries only store and read entries.
import { type Kysely, sql } from 'kysely';
import type { EvidenceKind } from '../data-protection.ts';
import type { DB, EvidenceItem } from '../schema.ts';

/** Makes a signing key known (idempotent): verifiers read public keys from here. */
export async function registerEvidenceKey(db: Kysely<DB>, key: { id: string; publicKey: string; nodeId: string }): Promise<void> {
  await db.insertInto('evidenceKeys').values(key).onConflict((oc) => oc.column('id').doNothing()).execute();
}

export function listEvidenceKeys(db: Kysely<DB>, ids: string[]): Promise<{ id: string; publicKey: string; nodeId: string }[]> {
  if (ids.length === 0) return Promise.resolve([]);
  return db.selectFrom('evidenceKeys').select(['id', 'publicKey', 'nodeId']).where('id', 'in', ids).execute();
}

/**
 * Serialises appends to one session's chain until the transaction ends: each entry names
 * its predecessor's hash, so two writers must not both read the same last entry.
 */
export async function lockEvidenceChain(trx: Kysely<DB>, sessionId: string): Promise<void> {
  await sql`SELECT pg_advisory_xact_lock(hashtext('evidence:' || ${sessionId}))`.execute(trx);
}

export function lastEvidenceEntry(db: Kysely<DB>, sessionId: string): Promise<EvidenceItem | undefined> {
  return db.selectFrom('evidenceItems').selectAll().where('sessionId', '=', sessionId).orderBy('seq', 'desc').limit(1).executeTakeFirst();
}

export async function insertEvidenceEntries(db: Kysely<DB>, entries: EvidenceItem[]): Promise<void> {
  if (entries.length === 0) return;
  await db.insertInto('evidenceItems').values(entries).execute();
}

/** The whole chain of a session, in order. */
export function listEvidenceEntries(db: Kysely<DB>, sessionId: string): Promise<EvidenceItem[]> {
  return db.selectFrom('evidenceItems').selectAll().where('sessionId', '=', sessionId).orderBy('seq').execute();
}

export interface EvidenceState {
  action: 'sealed' | 'removed';
  digest: string | null;
}

/** The latest entry of every item of a kind in a session's chain, by item id. */
export async function latestEvidenceStates(db: Kysely<DB>, sessionId: string, kind: EvidenceKind): Promise<Map<string, EvidenceState>> {
  const rows = await db
    .selectFrom('evidenceItems')
    .select(['itemId', 'action', 'digest'])
    .distinctOn('itemId')
    .where('sessionId', '=', sessionId)
    .where('kind', '=', kind)
    .orderBy('itemId')
    .orderBy('seq', 'desc')
    .execute();
  return new Map(rows.map((r) => [r.itemId, { action: r.action, digest: r.digest }]));
}
