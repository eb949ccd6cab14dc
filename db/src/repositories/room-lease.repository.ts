/**
 * Room leases: which media node holds an exam's live room (migration 0015). Expiry is
 * computed with the database's `now()`, never a node's clock.
 */
import { type Kysely, sql } from 'kysely';
import type { DB } from '../schema.ts';

export interface RoomLeaseHolder {
  nodeId: string;
  nodeUrl: string;
}

export interface ClaimRoomLeaseInput extends RoomLeaseHolder {
  examId: string;
  leaseSeconds: number;
}

const expiresIn = (seconds: number) => sql<Date>`now() + make_interval(secs => ${seconds})`;

/**
 * Takes (or renews) the lease of one exam room for this node unless another node holds an
 * unexpired one; returns whoever holds it afterwards. A row naming this node's URL under
 * another id (the node restarted with a new NODE_ID) counts as this node's own.
 */
export async function claimRoomLease(db: Kysely<DB>, input: ClaimRoomLeaseInput): Promise<RoomLeaseHolder> {
  for (;;) {
    const claimed = await db
      .insertInto('roomLeases')
      .values({ examId: input.examId, nodeId: input.nodeId, nodeUrl: input.nodeUrl, expiresAt: expiresIn(input.leaseSeconds) })
      .onConflict((oc) =>
        oc
          .column('examId')
          .doUpdateSet((eb) => ({
            nodeId: eb.ref('excluded.nodeId'),
            nodeUrl: eb.ref('excluded.nodeUrl'),
            expiresAt: eb.ref('excluded.expiresAt'),
            acquiredAt: sql<Date>`CASE WHEN room_leases.node_id = excluded.node_id THEN room_leases.acquired_at ELSE now() END`,
          }))
          .where((eb) =>
            eb.or([
              eb('roomLeases.nodeId', '=', eb.ref('excluded.nodeId')),
              eb('roomLeases.nodeUrl', '=', eb.ref('excluded.nodeUrl')),
              eb('roomLeases.expiresAt', '<=', sql<Date>`now()`),
            ]),
          ),
      )
      .returning(['nodeId', 'nodeUrl'])
      .executeTakeFirst();
    if (claimed) return claimed;
    const holder = await db
      .selectFrom('roomLeases')
      .select(['nodeId', 'nodeUrl'])
      .where('examId', '=', input.examId)
      .executeTakeFirst();
    // Released between the two statements: claim again.
    if (holder) return holder;
  }
}

/** Extends this node's leases of the given rooms; returns the exam ids it still holds. */
export async function renewRoomLeases(
  db: Kysely<DB>,
  input: { nodeId: string; examIds: string[]; leaseSeconds: number },
): Promise<string[]> {
  if (input.examIds.length === 0) return [];
  const rows = await db
    .updateTable('roomLeases')
    .set({ expiresAt: expiresIn(input.leaseSeconds) })
    .where('nodeId', '=', input.nodeId)
    .where('examId', 'in', input.examIds)
    .returning('examId')
    .execute();
  return rows.map((r) => r.examId);
}

/** Gives rooms back (all of this node's when `examIds` is omitted), so others take them at once. */
export async function releaseRoomLeases(db: Kysely<DB>, nodeId: string, examIds?: string[]): Promise<void> {
  if (examIds?.length === 0) return;
  let query = db.deleteFrom('roomLeases').where('nodeId', '=', nodeId);
  if (examIds) query = query.where('examId', 'in', examIds);
  await query.execute();
}
