import type { Kysely } from 'kysely';
import type { DB, Integration, IntegrationKind } from '../schema.ts';
import { archivedOperator, containsPattern, type AdminListOptions, type AdminListPage } from './admin-list.ts';

export function getIntegration(db: Kysely<DB>, id: string): Promise<Integration | undefined> {
  return db.selectFrom('integrations').selectAll().where('id', '=', id).executeTakeFirst();
}

export interface IntegrationFields {
  name: string;
  kind?: IntegrationKind;
  sharedSecret: string | null;
  jwksUrl: string | null;
  issuers: string[];
}

export async function createIntegration(db: Kysely<DB>, input: IntegrationFields): Promise<string> {
  const row = await db.insertInto('integrations').values(input).returning('id').executeTakeFirstOrThrow();
  return row.id;
}

/** Changes the given fields; false when there is no such integration. */
export async function updateIntegration(db: Kysely<DB>, id: string, input: Partial<IntegrationFields>): Promise<boolean> {
  const result = await db
    .updateTable('integrations')
    .set({ ...input, updatedAt: new Date() })
    .where('id', '=', id)
    .executeTakeFirst();
  return result.numUpdatedRows > 0n;
}

export async function setIntegrationArchived(db: Kysely<DB>, id: string, archivedAt: Date | null): Promise<boolean> {
  const result = await db.updateTable('integrations').set({ archivedAt, updatedAt: new Date() }).where('id', '=', id).executeTakeFirst();
  return result.numUpdatedRows > 0n;
}

export interface IntegrationListItem extends Integration {
  /** Sessions opened through its sign-on links. */
  signOnCount: number;
}

/** Administration list by name. */
export async function listIntegrations(db: Kysely<DB>, opts: AdminListOptions): Promise<AdminListPage<IntegrationListItem>> {
  let base = db.selectFrom('integrations as i');
  const op = archivedOperator(opts.archived);
  if (op) base = base.where('i.archivedAt', op, null);
  if (opts.search) base = base.where('i.name', 'ilike', containsPattern(opts.search));
  const [rows, count] = await Promise.all([
    base
      .selectAll('i')
      .select((eb) =>
        eb.selectFrom('signOnUses as u').whereRef('u.integrationId', '=', 'i.id').select(eb.fn.countAll<number>().as('n')).as('signOnCount'),
      )
      .orderBy('i.name')
      .orderBy('i.id')
      .limit(opts.limit)
      .offset(opts.offset)
      .execute(),
    base.select((eb) => eb.fn.countAll<number>().as('total')).executeTakeFirstOrThrow(),
  ]);
  return { rows: rows.map((r) => ({ ...r, signOnCount: Number(r.signOnCount ?? 0) })), total: Number(count.total) };
}

/**
 * Live integrations of a kind that accept this issuer, other than `exceptId`: an issuer
 * belongs to one integration, so a link's keys are never ambiguous.
 */
export function findIntegrationsByIssuer(db: Kysely<DB>, kind: IntegrationKind, issuer: string, exceptId?: string): Promise<Integration[]> {
  let query = db
    .selectFrom('integrations')
    .selectAll()
    .where('kind', '=', kind)
    .where('archivedAt', 'is', null)
    .where((eb) => eb(eb.val(issuer), '=', eb.fn.any('issuers')));
  if (exceptId) query = query.where('id', '<>', exceptId);
  return query.execute();
}
