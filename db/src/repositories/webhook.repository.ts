// Webhook endpoints and their delivery log (migration 0025). Chain = the deliveries of one
// (endpoint, session): they go out one at a time in `seq` order; the queue side
// (recorder/src/webhooks/chain.ts) advances a chain under `lockWebhookChain`.
import { type Kysely, sql } from 'kysely';
import type { DB, WebhookDelivery, WebhookDeliveryStatus, WebhookEndpoint } from '../schema.ts';

export interface WebhookEndpointFields {
  name: string;
  integrationId: string | null;
  url: string;
  events: string[];
  examId: string | null;
  enabled: boolean;
}

export async function createWebhookEndpoint(db: Kysely<DB>, input: WebhookEndpointFields & { secret: string; createdBy: string | null }): Promise<string> {
  const row = await db.insertInto('webhookEndpoints').values(input).returning('id').executeTakeFirstOrThrow();
  return row.id;
}

/** false when there is no such endpoint. The secret never changes here (it is set once). */
export async function updateWebhookEndpoint(db: Kysely<DB>, id: string, input: WebhookEndpointFields): Promise<boolean> {
  const r = await db.updateTable('webhookEndpoints').set({ ...input, updatedAt: new Date() }).where('id', '=', id).executeTakeFirst();
  return r.numUpdatedRows > 0n;
}

export interface WebhookEndpointListItem extends Omit<WebhookEndpoint, 'secret'> {
  integrationName: string | null;
  examName: string | null;
  /** Deliveries not settled yet, and settled as failed (the list's health column). */
  openDeliveries: number;
  failedDeliveries: number;
}

function withNames(db: Kysely<DB>) {
  return db
    .selectFrom('webhookEndpoints as w')
    .leftJoin('integrations as i', 'i.id', 'w.integrationId')
    .leftJoin('exams as e', 'e.id', 'w.examId')
    .select([
      'w.id', 'w.name', 'w.integrationId', 'w.url', 'w.events', 'w.examId', 'w.enabled', 'w.createdBy', 'w.createdAt', 'w.updatedAt',
      'i.name as integrationName',
      'e.name as examName',
      (eb) => eb.selectFrom('webhookDeliveries as d').whereRef('d.endpointId', '=', 'w.id').where('d.status', 'in', ['pending', 'queued', 'retrying']).select((x) => x.fn.countAll<number>().as('n')).as('openDeliveries'),
      (eb) => eb.selectFrom('webhookDeliveries as d').whereRef('d.endpointId', '=', 'w.id').where('d.status', '=', 'failed').select((x) => x.fn.countAll<number>().as('n')).as('failedDeliveries'),
    ]);
}

export async function getWebhookEndpoint(db: Kysely<DB>, id: string): Promise<WebhookEndpointListItem | undefined> {
  const row = await withNames(db).where('w.id', '=', id).executeTakeFirst();
  return row && { ...row, openDeliveries: Number(row.openDeliveries ?? 0), failedDeliveries: Number(row.failedDeliveries ?? 0) };
}

export async function listWebhookEndpoints(db: Kysely<DB>, limit: number): Promise<WebhookEndpointListItem[]> {
  const rows = await withNames(db).orderBy('w.createdAt', 'desc').orderBy('w.id').limit(limit).execute();
  return rows.map((r) => ({ ...r, openDeliveries: Number(r.openDeliveries ?? 0), failedDeliveries: Number(r.failedDeliveries ?? 0) }));
}

/** Enabled endpoints that want `eventType` for `examId` (global ones and that exam's). */
export function endpointsFor(db: Kysely<DB>, eventType: string, examId: string | null): Promise<Pick<WebhookEndpoint, 'id'>[]> {
  return db
    .selectFrom('webhookEndpoints')
    .select('id')
    .where('enabled', '=', true)
    .where(sql<boolean>`${eventType} = ANY(events)`)
    .where((eb) => (examId ? eb.or([eb('examId', 'is', null), eb('examId', '=', examId)]) : eb('examId', 'is', null)))
    .execute();
}

export interface NewDelivery {
  endpointId: string;
  eventId: string;
  eventType: string;
  sessionId: string | null;
  body: string;
}

/** Records deliveries; an (endpoint, event) already recorded is skipped. Returns the new rows. */
export async function insertDeliveries(db: Kysely<DB>, rows: NewDelivery[]): Promise<Pick<WebhookDelivery, 'id' | 'endpointId' | 'sessionId'>[]> {
  if (rows.length === 0) return [];
  return db
    .insertInto('webhookDeliveries')
    .values(rows)
    .onConflict((oc) => oc.columns(['endpointId', 'eventId']).doNothing())
    .returning(['id', 'endpointId', 'sessionId'])
    .execute();
}

/** The delivery with what sending it needs: the endpoint's url, secret and state. */
export function getDeliveryForSend(db: Kysely<DB>, id: string) {
  return db
    .selectFrom('webhookDeliveries as d')
    .innerJoin('webhookEndpoints as w', 'w.id', 'd.endpointId')
    .selectAll('d')
    .select(['w.url', 'w.secret', 'w.enabled'])
    .where('d.id', '=', id)
    .executeTakeFirst();
}

export function getDelivery(db: Kysely<DB>, id: string): Promise<WebhookDelivery | undefined> {
  return db.selectFrom('webhookDeliveries').selectAll().where('id', '=', id).executeTakeFirst();
}

/** Newest first; `before` (a seq) pages back. */
export function listDeliveries(db: Kysely<DB>, endpointId: string, limit: number, before?: number): Promise<WebhookDelivery[]> {
  let q = db.selectFrom('webhookDeliveries').selectAll().where('endpointId', '=', endpointId);
  if (before !== undefined) q = q.where('seq', '<', before);
  return q.orderBy('seq', 'desc').limit(limit).execute();
}

/** Serialises advancing one chain (transaction-scoped advisory lock). */
export async function lockWebhookChain(trx: Kysely<DB>, endpointId: string, sessionId: string): Promise<void> {
  await sql`SELECT pg_advisory_xact_lock(hashtextextended(${`webhook:${endpointId}:${sessionId}`}, 0))`.execute(trx);
}

/** The oldest unsettled delivery of a chain: the only one that may be on its way. */
export function chainHead(db: Kysely<DB>, endpointId: string, sessionId: string): Promise<Pick<WebhookDelivery, 'id' | 'status' | 'rounds'> | undefined> {
  return db
    .selectFrom('webhookDeliveries')
    .select(['id', 'status', 'rounds'])
    .where('endpointId', '=', endpointId)
    .where('sessionId', '=', sessionId)
    .where('status', 'in', ['pending', 'queued', 'retrying'])
    .orderBy('seq')
    .limit(1)
    .executeTakeFirst();
}

/** pending → queued; returns the round the job is for. */
export async function markDeliveryQueued(db: Kysely<DB>, id: string): Promise<number> {
  const row = await db
    .updateTable('webhookDeliveries')
    .set((eb) => ({ status: 'queued', rounds: eb('rounds', '+', 1) }))
    .where('id', '=', id)
    .returning('rounds')
    .executeTakeFirstOrThrow();
  return row.rounds;
}

/** queued → pending when adding its job failed. */
export async function markDeliveryPending(db: Kysely<DB>, id: string): Promise<void> {
  await db.updateTable('webhookDeliveries').set({ status: 'pending' }).where('id', '=', id).where('status', '=', 'queued').execute();
}

export interface AttemptOutcome {
  status: Extract<WebhookDeliveryStatus, 'retrying' | 'delivered' | 'failed'>;
  statusCode: number | null;
  durationMs: number | null;
  error: string | null;
  at: Date;
}

export async function recordDeliveryAttempt(db: Kysely<DB>, id: string, o: AttemptOutcome): Promise<void> {
  await db
    .updateTable('webhookDeliveries')
    .set((eb) => ({
      status: o.status,
      attempts: eb('attempts', '+', 1),
      lastStatusCode: o.statusCode,
      lastDurationMs: o.durationMs,
      lastError: o.error?.slice(0, 1000) ?? null,
      lastAttemptAt: o.at,
      ...(o.status === 'delivered' ? { deliveredAt: o.at } : {}),
    }))
    .where('id', '=', id)
    .execute();
}

/** Settled without an attempt (endpoint disabled or deleted meanwhile). */
export async function settleDeliveryFailed(db: Kysely<DB>, id: string, error: string): Promise<void> {
  await db.updateTable('webhookDeliveries').set({ status: 'failed', lastError: error }).where('id', '=', id).execute();
}

/** A settled delivery goes back to pending for a manual redelivery; false if it is still open. */
export async function reopenDelivery(db: Kysely<DB>, id: string): Promise<boolean> {
  const r = await db.updateTable('webhookDeliveries').set({ status: 'pending' }).where('id', '=', id).where('status', 'in', ['delivered', 'failed']).executeTakeFirst();
  return r.numUpdatedRows > 0n;
}

/**
 * Deletes settled deliveries (delivered or failed) made before `before`, at most `limit`
 * per call (the retention job loops); returns how many went. Open ones stay: their chain
 * still waits on them, and they settle within the retry policy's day.
 */
export async function deleteSettledDeliveriesBefore(db: Kysely<DB>, before: Date, limit: number): Promise<number> {
  const r = await db
    .deleteFrom('webhookDeliveries')
    .where('id', 'in', (eb) =>
      eb.selectFrom('webhookDeliveries').select('id').where('status', 'in', ['delivered', 'failed']).where('createdAt', '<', before).limit(limit),
    )
    .executeTakeFirst();
  return Number(r.numDeletedRows);
}
