/**
 * LTI platforms (admin, #13): register and edit the LMSs allowed to launch this tool, show
 * what to paste into the LMS (our login, launch, JWKS URLs and redirect URIs), the resource
 * links placed so far and the scores that could not be delivered; rotate our key. Every
 * change is written with its action-log entry in one transaction.
 */
import type { Kysely } from 'kysely';
import {
  appendAction,
  createLtiPlatform,
  getLtiPlatform,
  inTransaction,
  listLtiGradeFailures,
  listLtiLinks,
  listLtiPlatforms,
  listPublishedLtiKeys,
  setLtiPlatformArchived,
  updateLtiPlatform,
  type DB,
  type LtiPlatform,
} from '@proctor/db';
import { ensureLtiKey, rotateLtiKey } from '@proctor/recorder';
import type { z } from 'zod';
import {
  LTI_EXAM_CUSTOM_PARAM,
  LTI_PATHS,
  type AdminLtiOverview,
  type AdminLtiPlatform,
  type AdminLtiPlatformDetail,
  type LtiToolConfig,
  type ltiPlatformInput,
} from '../contract/api/lti.ts';
import { AdminFieldError, DomainError } from '../domain/errors.ts';
import type { SessionUser } from './auth.service.ts';

type Input = z.output<typeof ltiPlatformInput>;

const notFound = () => new DomainError('not_found', 'There is no such platform.');

export class LtiPlatformService {
  constructor(private readonly deps: { db: Kysely<DB>; publicOrigin: string }) {}

  async tool(): Promise<LtiToolConfig> {
    await ensureLtiKey(this.deps.db);
    const keys = await listPublishedLtiKeys(this.deps.db);
    const active = keys.find((k) => k.status === 'active')!;
    const o = this.deps.publicOrigin;
    return {
      loginUrl: `${o}${LTI_PATHS.login}`,
      launchUrl: `${o}${LTI_PATHS.launch}`,
      jwksUrl: `${o}${LTI_PATHS.jwks}`,
      redirectUris: [`${o}${LTI_PATHS.launch}`],
      activeKid: active.kid,
      activeKeyCreatedAt: active.createdAt.toISOString(),
      previousKid: keys.find((k) => k.status === 'previous')?.kid ?? null,
      customParameter: `${LTI_EXAM_CUSTOM_PARAM}=<exam id>`,
    };
  }

  view(row: LtiPlatform & { launchCount?: number; gradeFailures?: number }): AdminLtiPlatform {
    return {
      id: row.id,
      name: row.name,
      issuer: row.issuer,
      clientId: row.clientId,
      authLoginUrl: row.authLoginUrl,
      authTokenUrl: row.authTokenUrl,
      jwksUrl: row.jwksUrl,
      deploymentIds: row.deploymentIds,
      launchCount: row.launchCount ?? 0,
      gradeFailures: row.gradeFailures ?? 0,
      archivedAt: row.archivedAt?.toISOString() ?? null,
      createdAt: row.createdAt.toISOString(),
      updatedAt: row.updatedAt.toISOString(),
    };
  }

  async overview(): Promise<AdminLtiOverview> {
    const rows = await listLtiPlatforms(this.deps.db);
    return { tool: await this.tool(), platforms: rows.map((r) => this.view(r)) };
  }

  async get(id: string): Promise<AdminLtiPlatformDetail> {
    // Failures first: a delivery failing meanwhile then shows in the count, never only in the list.
    const [links, failures] = await Promise.all([listLtiLinks(this.deps.db, id), listLtiGradeFailures(this.deps.db, id)]);
    const rows = await listLtiPlatforms(this.deps.db);
    const row = rows.find((r) => r.id === id);
    if (!row) throw notFound();
    return {
      ...this.view(row),
      links: links.map((l) => ({ ...l, createdAt: l.createdAt.toISOString() })),
      failures: failures.map((f) => ({ ...f, lastAttemptAt: f.lastAttemptAt?.toISOString() ?? null })),
    };
  }

  async create(actor: SessionUser, input: Input): Promise<AdminLtiPlatformDetail> {
    const id = await this.#write(async (trx) => {
      const id = await createLtiPlatform(trx, this.#fields(input));
      await this.#log(trx, actor, 'admin.lti_platform.created', { platformId: id, name: input.name, issuer: input.issuer, clientId: input.clientId });
      return id;
    });
    return this.get(id);
  }

  async update(actor: SessionUser, id: string, input: Input): Promise<AdminLtiPlatformDetail> {
    await this.#write(async (trx) => {
      if (!(await updateLtiPlatform(trx, id, this.#fields(input)))) throw notFound();
      await this.#log(trx, actor, 'admin.lti_platform.updated', { platformId: id, name: input.name, issuer: input.issuer, clientId: input.clientId });
    });
    return this.get(id);
  }

  async setArchived(actor: SessionUser, id: string, archived: boolean): Promise<void> {
    await inTransaction(this.deps.db, async (trx) => {
      const before = await getLtiPlatform(trx, id);
      if (!before) throw notFound();
      if ((before.archivedAt !== null) === archived) return;
      await setLtiPlatformArchived(trx, id, archived ? new Date() : null);
      await this.#log(trx, actor, archived ? 'admin.lti_platform.archived' : 'admin.lti_platform.unarchived', { platformId: id, name: before.name });
    });
  }

  async rotateKey(actor: SessionUser): Promise<LtiToolConfig> {
    const kid = await rotateLtiKey(this.deps.db);
    await this.#log(this.deps.db, actor, 'admin.lti_key.rotated', { kid });
    return this.tool();
  }

  #fields(input: Input) {
    return { ...input, deploymentIds: [...new Set(input.deploymentIds)] };
  }

  async #write<T>(fn: (trx: Kysely<DB>) => Promise<T>): Promise<T> {
    try {
      return await inTransaction(this.deps.db, fn);
    } catch (err) {
      const e = err as { code?: unknown };
      if (e?.code === '23505') throw new AdminFieldError('conflict', 'clientId: this issuer and client id are already registered', 'clientId', 'taken');
      throw err;
    }
  }

  async #log(db: Kysely<DB>, actor: SessionUser, action: string, details: Record<string, unknown>): Promise<void> {
    await appendAction(db, { actorUserId: actor.id, actorName: actor.fullName, actorIin: actor.iin, sessionId: null, action, details });
  }
}
