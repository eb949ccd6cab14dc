/**
 * Administration routes (`/api/admin/…`, contract in contract/api/admin.ts): validation and
 * replies only; the logic is in services/admin.service.ts and admin-import.service.ts.
 *
 * One encapsulated plugin: every route in it (and in the upload routes registered from it)
 * goes through `requireRole('admin')` before its body is even parsed, and its errors gain
 * `field`/`reason` or the import's `issues` on the way out.
 */
import type { FastifyError, FastifyPluginAsync, FastifyReply, FastifyRequest } from 'fastify';
import type { Kysely } from 'kysely';
import type { z } from 'zod';
import type { DB } from '@proctor/db';
import {
  adminApi,
  adminCandidateListQuery,
  adminExamListQuery,
  adminListQuery,
  adminUserListQuery,
  candidateInput,
  examInput,
  examProctorsInput,
  namedInput,
  newUserInput,
  passwordChoice,
  userInput,
  type AdminErrorBody,
  type AdminFieldReason,
} from '../../contract/api/admin.ts';
import { AdminFieldError, AdminService } from '../../services/admin.service.ts';
import { HonestyService } from '../../services/honesty.service.ts';
import type { JobQueue } from '@proctor/recorder';
import { AdminImportService, ImportRejectedError } from '../../services/admin-import.service.ts';
import { PhotoStore, photosDirFromEnv } from '../../services/admin-photo.service.ts';
import type { AuthService, ClientInfo } from '../../services/auth.service.ts';
import { HttpError } from '../errors.ts';
import { requireRole, signedInUser } from '../guards.ts';
import { adminUploadRoutes } from './admin-upload.routes.ts';
import { integrationRoutes } from './integration.routes.ts';
import { apiKeysRoutes } from './api-keys.routes.ts';
import { ApiKeyService } from '../../services/api-key.service.ts';
import { webhooksRoutes } from './webhooks.routes.ts';
import { WebhookService } from '../../services/webhook.service.ts';
import { FramingChecker } from '../../services/framing-check.service.ts';
import { assessmentApi } from '../../contract/api/assessment.ts';

export interface AdminRoutesOptions {
  db: Kysely<DB>;
  auth: AuthService;
  /** Where reference photos live; default PHOTOS_DIR or DATA_DIR/photos (never from a request). */
  photosDir?: string;
  /** Runs the honesty recompute after an exam's weights change; null = recompute in the request. */
  jobQueue?: JobQueue | null;
  /** Webhook endpoints and deliveries; default one on jobQueue with the default retry policy. */
  webhooks?: WebhookService;
}

const REASONS = new Set<string>([
  'required',
  'too_long',
  'control_chars',
  'iin_format',
  'iin_date',
  'iin_checksum',
  'email_invalid',
  'time_zone',
  'ends_before_starts',
  'password_short',
  'invalid',
  'url_invalid',
  'url_scheme',
  'secret_short',
] satisfies AdminFieldReason[]);

/** Validates against a contract schema; a 400 names the first bad field and why. */
export function parseAdmin<S extends z.ZodType>(schema: S, value: unknown): z.output<S> {
  const result = schema.safeParse(value ?? {});
  if (result.success) return result.data;
  const issue = result.error.issues[0]!;
  const field = issue.path.join('.');
  const missing = issue.code === 'invalid_type' && issue.message.includes('undefined');
  const reason = (REASONS.has(issue.message) ? issue.message : missing ? 'required' : 'invalid') as AdminFieldReason;
  throw new AdminFieldError(400, 'bad_request', `${field || 'body'}: ${issue.message}`, field, reason);
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** The `:id` of the route; 404 when it is not a uuid (it could not name anything). */
export function idParam(req: FastifyRequest): string {
  const id = (req.params as { id?: string }).id ?? '';
  if (!UUID.test(id)) throw new HttpError(404, 'not_found', 'There is no such record.');
  return id.toLowerCase();
}

export const clientOf = (req: FastifyRequest): ClientInfo => ({ ip: req.ip, userAgent: req.headers['user-agent'] });

function adminErrors(err: FastifyError | Error, _req: FastifyRequest, reply: FastifyReply): FastifyReply {
  if (err instanceof AdminFieldError) {
    const body: AdminErrorBody = { error: { code: err.code, message: err.message, field: err.field, reason: err.reason } };
    return reply.code(err.statusCode).send(body);
  }
  if (err instanceof ImportRejectedError) {
    const body: AdminErrorBody = { error: { code: 'bad_request', message: err.message }, issues: err.issues, errorsTotal: err.errorCount };
    return reply.code(400).send(body);
  }
  throw err; // the app's error handler (errors.ts)
}

export const adminRoutes: FastifyPluginAsync<AdminRoutesOptions> = async (app, { db, auth, photosDir, jobQueue, webhooks }) => {
  const photos = new PhotoStore(photosDir ?? photosDirFromEnv());
  const service = new AdminService({
    db,
    auth,
    photos,
    log: app.log,
    honesty: new HonestyService({ db, queue: jobQueue ?? null }),
    framing: new FramingChecker({ platformOrigin: auth.publicOrigin }),
  });
  const importer = new AdminImportService({ db, photos, log: app.log });

  // Before the body is read: nobody but an admin gets further (401/403).
  app.addHook('onRequest', requireRole('admin'));
  app.setErrorHandler(adminErrors);

  const actor = signedInUser;
  const done = (reply: FastifyReply) => reply.code(204).send();

  app.get(adminApi.options.path, async () => service.options());

  // Disciplines
  app.get(adminApi.listDisciplines.path, async (req) => service.listDisciplines(parseAdmin(adminListQuery, req.query)));
  app.post(adminApi.createDiscipline.path, async (req, reply) => {
    const { name } = parseAdmin(namedInput, req.body);
    return reply.code(201).send({ discipline: await service.createDiscipline(actor(req), name) });
  });
  app.put(adminApi.updateDiscipline.path, async (req, reply) => {
    const id = idParam(req);
    await service.renameDiscipline(actor(req), id, parseAdmin(namedInput, req.body).name);
    return done(reply);
  });
  app.post(adminApi.archiveDiscipline.path, async (req, reply) => {
    await service.setDisciplineArchived(actor(req), idParam(req), true);
    return done(reply);
  });
  app.post(adminApi.unarchiveDiscipline.path, async (req, reply) => {
    await service.setDisciplineArchived(actor(req), idParam(req), false);
    return done(reply);
  });

  // Groups
  app.get(adminApi.listGroups.path, async (req) => service.listGroups(parseAdmin(adminListQuery, req.query)));
  app.post(adminApi.createGroup.path, async (req, reply) => {
    const { name } = parseAdmin(namedInput, req.body);
    return reply.code(201).send({ group: await service.createGroup(actor(req), name) });
  });
  app.put(adminApi.updateGroup.path, async (req, reply) => {
    const id = idParam(req);
    await service.renameGroup(actor(req), id, parseAdmin(namedInput, req.body).name);
    return done(reply);
  });
  app.post(adminApi.archiveGroup.path, async (req, reply) => {
    await service.setGroupArchived(actor(req), idParam(req), true);
    return done(reply);
  });
  app.post(adminApi.unarchiveGroup.path, async (req, reply) => {
    await service.setGroupArchived(actor(req), idParam(req), false);
    return done(reply);
  });

  // Exams
  app.get(adminApi.listExams.path, async (req) => service.listExams(parseAdmin(adminExamListQuery, req.query)));
  app.get(adminApi.getExam.path, async (req) => ({ exam: await service.getExam(idParam(req)) }));
  app.post(adminApi.createExam.path, async (req, reply) => {
    const input = parseAdmin(examInput, req.body);
    return reply.code(201).send({ exam: await service.createExam(actor(req), input) });
  });
  app.put(adminApi.updateExam.path, async (req) => {
    const id = idParam(req);
    return { exam: await service.updateExam(actor(req), id, parseAdmin(examInput, req.body)) };
  });
  app.post(adminApi.archiveExam.path, async (req, reply) => {
    await service.setExamArchived(actor(req), idParam(req), true);
    return done(reply);
  });
  app.post(adminApi.unarchiveExam.path, async (req, reply) => {
    await service.setExamArchived(actor(req), idParam(req), false);
    return done(reply);
  });
  app.post(assessmentApi.recheck.path, async (req) => ({ check: await service.recheckAssessment(actor(req), idParam(req)) }));
  app.put(adminApi.setExamProctors.path, async (req) => {
    const id = idParam(req);
    const { userIds } = parseAdmin(examProctorsInput, req.body);
    return { exam: await service.setExamProctors(actor(req), id, userIds) };
  });

  // Candidates
  app.get(adminApi.listCandidates.path, async (req) => service.listCandidates(parseAdmin(adminCandidateListQuery, req.query)));
  app.get(adminApi.getCandidate.path, async (req) => ({ candidate: await service.getCandidate(idParam(req)) }));
  app.post(adminApi.createCandidate.path, async (req, reply) => {
    const input = parseAdmin(candidateInput, req.body);
    return reply.code(201).send({ candidate: await service.createCandidate(actor(req), input) });
  });
  app.put(adminApi.updateCandidate.path, async (req) => {
    const id = idParam(req);
    return { candidate: await service.updateCandidate(actor(req), id, parseAdmin(candidateInput, req.body)) };
  });
  app.post(adminApi.archiveCandidate.path, async (req, reply) => {
    await service.setCandidateArchived(actor(req), idParam(req), true);
    return done(reply);
  });
  app.post(adminApi.unarchiveCandidate.path, async (req, reply) => {
    await service.setCandidateArchived(actor(req), idParam(req), false);
    return done(reply);
  });
  app.delete(adminApi.deleteCandidatePhoto.path, async (req) => ({ candidate: await service.deleteCandidatePhoto(actor(req), idParam(req)) }));

  // Staff accounts
  app.get(adminApi.listUsers.path, async (req) => service.listUsers(parseAdmin(adminUserListQuery, req.query)));
  app.get(adminApi.getUser.path, async (req) => ({ user: await service.getUser(idParam(req)) }));
  app.post(adminApi.createUser.path, async (req, reply) => {
    const input = parseAdmin(newUserInput, req.body);
    return reply.code(201).send(await service.createUser(actor(req), input, clientOf(req)));
  });
  app.put(adminApi.updateUser.path, async (req) => {
    const id = idParam(req);
    return { user: await service.updateUser(actor(req), id, parseAdmin(userInput, req.body)) };
  });
  app.post(adminApi.setUserPassword.path, async (req) => {
    const id = idParam(req);
    return service.setUserPassword(actor(req), id, parseAdmin(passwordChoice, req.body), clientOf(req));
  });
  app.post(adminApi.archiveUser.path, async (req, reply) => {
    await service.setUserArchived(actor(req), idParam(req), true);
    return done(reply);
  });
  app.post(adminApi.unarchiveUser.path, async (req, reply) => {
    await service.setUserArchived(actor(req), idParam(req), false);
    return done(reply);
  });

  // Photos and the import (multipart, in their own context).
  await app.register(adminUploadRoutes, { service, importer });
  // Sign-on integrations (#10): same admin-only hook and error format.
  await app.register(integrationRoutes, { db, publicOrigin: auth.publicOrigin });
  await app.register(apiKeysRoutes, { keys: new ApiKeyService({ db }) });
  await app.register(webhooksRoutes, { webhooks: webhooks ?? new WebhookService({ db, queue: jobQueue ?? null }) });
};
