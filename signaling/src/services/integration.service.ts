/**
 * Integrations (admin): the external systems allowed to send candidates through sign-on
 * links. HTTP-free; routes/integration.routes.ts maps requests onto it. Every change is
 * written with its action_log entry in one transaction; a shared secret is never logged
 * nor sent back (only its last 4 characters).
 */
import type { Kysely } from 'kysely';
import type { z } from 'zod';
import {
  appendAction,
  createIntegration,
  findIntegrationsByIssuer,
  getIntegration,
  inTransaction,
  listIntegrations,
  setIntegrationArchived,
  updateIntegration,
  type DB,
  type Integration,
  type IntegrationFields,
} from '@proctor/db';
import type { adminListQuery } from '../contract/api/admin.ts';
import { SIGN_ON_PAGE, type AdminIntegration, type AdminIntegrationPage, type integrationInput } from '../contract/api/sign-on.ts';
import { AdminFieldError, DomainError } from '../domain/errors.ts';
import type { SessionUser } from './auth.service.ts';
import { isUniqueViolation } from './admin-context.ts';

type Input = z.output<typeof integrationInput>;
type ListQuery = z.output<typeof adminListQuery>;

export interface IntegrationServiceDeps {
  db: Kysely<DB>;
  /** Where sign-on links point (PUBLIC_URL's origin). */
  publicOrigin: string;
  now?: () => Date;
}

const notFound = () => new DomainError('not_found', 'There is no such integration.');


export class IntegrationService {
  constructor(private readonly deps: IntegrationServiceDeps) {}

  view(row: Integration & { signOnCount?: number }): AdminIntegration {
    return {
      id: row.id,
      name: row.name,
      kind: row.kind,
      method: row.jwksUrl ? 'jwks' : 'secret',
      secretHint: row.sharedSecret ? `…${row.sharedSecret.slice(-4)}` : null,
      jwksUrl: row.jwksUrl,
      issuers: row.issuers,
      audience: row.id,
      joinUrl: `${this.deps.publicOrigin}${SIGN_ON_PAGE}`,
      signOnCount: row.signOnCount ?? 0,
      archivedAt: row.archivedAt?.toISOString() ?? null,
      createdAt: row.createdAt.toISOString(),
      updatedAt: row.updatedAt.toISOString(),
    };
  }

  async list(q: ListQuery): Promise<AdminIntegrationPage> {
    const page = await listIntegrations(this.deps.db, { search: q.search, archived: q.archived, limit: q.pageSize, offset: (q.page - 1) * q.pageSize });
    return { items: page.rows.map((r) => this.view(r)), total: page.total, page: q.page, pageSize: q.pageSize };
  }

  get(id: string): Promise<AdminIntegration> {
    return this.#read(this.deps.db, id);
  }

  async create(actor: SessionUser, input: Input): Promise<AdminIntegration> {
    if (input.method === 'secret' && !input.sharedSecret) {
      throw new AdminFieldError('bad_request', 'sharedSecret: required for HS256 links', 'sharedSecret', 'required');
    }
    return this.#write(async (trx) => {
      await this.#checkIssuers(trx, input.issuers);
      const fields = this.#fields(input, null);
      const id = await createIntegration(trx, fields);
      await this.#log(trx, actor, 'admin.integration.created', { integrationId: id, name: input.name, method: input.method, jwksUrl: fields.jwksUrl, issuers: fields.issuers });
      return this.#read(trx, id);
    });
  }

  async update(actor: SessionUser, id: string, input: Input): Promise<AdminIntegration> {
    return this.#write(async (trx) => {
      const before = await getIntegration(trx, id);
      if (!before) throw notFound();
      if (input.method === 'secret' && !input.sharedSecret && !before.sharedSecret) {
        throw new AdminFieldError('bad_request', 'sharedSecret: required for HS256 links', 'sharedSecret', 'required');
      }
      await this.#checkIssuers(trx, input.issuers, id);
      const fields = this.#fields(input, before.sharedSecret);
      await updateIntegration(trx, id, fields);
      await this.#log(trx, actor, 'admin.integration.updated', {
        integrationId: id,
        name: input.name,
        method: input.method,
        jwksUrl: fields.jwksUrl,
        issuers: fields.issuers,
        secretChanged: fields.sharedSecret !== before.sharedSecret,
      });
      return this.#read(trx, id);
    });
  }

  async setArchived(actor: SessionUser, id: string, archived: boolean): Promise<void> {
    await inTransaction(this.deps.db, async (trx) => {
      const before = await getIntegration(trx, id);
      if (!before) throw notFound();
      if ((before.archivedAt !== null) === archived) return;
      // Restoring must not make an issuer ambiguous.
      if (!archived) await this.#checkIssuers(trx, before.issuers, id);
      await setIntegrationArchived(trx, id, archived ? (this.deps.now?.() ?? new Date()) : null);
      await this.#log(trx, actor, archived ? 'admin.integration.archived' : 'admin.integration.unarchived', { integrationId: id, name: before.name });
    });
  }

  async #read(db: Kysely<DB>, id: string): Promise<AdminIntegration> {
    const row = await getIntegration(db, id);
    if (!row) throw notFound();
    return this.view(row);
  }

  #fields(input: Input, storedSecret: string | null): IntegrationFields {
    const issuers = [...new Set(input.issuers)];
    return input.method === 'secret'
      ? { name: input.name, kind: 'sign_on', sharedSecret: input.sharedSecret ?? storedSecret, jwksUrl: null, issuers }
      : { name: input.name, kind: 'sign_on', sharedSecret: null, jwksUrl: input.jwksUrl ?? null, issuers };
  }

  /** An issuer belongs to one live integration, so a link's keys are never ambiguous. */
  async #checkIssuers(db: Kysely<DB>, issuers: string[], exceptId?: string): Promise<void> {
    for (const issuer of issuers) {
      const others = await findIntegrationsByIssuer(db, 'sign_on', issuer, exceptId);
      if (others.length > 0) {
        throw new AdminFieldError('conflict', `issuers: "${issuer}" already belongs to the integration "${others[0]!.name}"`, 'issuers', 'taken');
      }
    }
  }

  async #write<T>(fn: (trx: Kysely<DB>) => Promise<T>): Promise<T> {
    try {
      return await inTransaction(this.deps.db, fn);
    } catch (err) {
      if (isUniqueViolation(err, 'integrations_name_key')) throw new AdminFieldError('conflict', 'name: another integration has this name', 'name', 'taken');
      throw err;
    }
  }

  async #log(db: Kysely<DB>, actor: SessionUser, action: string, details: Record<string, unknown>): Promise<void> {
    await appendAction(db, { actorUserId: actor.id, actorName: actor.fullName, actorIin: actor.iin, action, details });
  }
}
