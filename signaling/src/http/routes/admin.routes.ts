/**
 * Administration routes (`/api/admin/…`, contract in contract/api/admin.ts): validation and
 * replies only; the logic is in services/admin-*.service.ts (created by admin.service.ts).
 *
 * One encapsulated plugin: every route in it (and in the upload routes registered from it)
 * goes through `requireRole('admin')` before its body is even parsed, and its errors gain
 * `field`/`reason` or the import's `issues` on the way out.
 */
import type { FastifyError, FastifyPluginAsync, FastifyReply, FastifyRequest } from 'fastify';
import type { Kysely } from 'kysely';
import type { DB } from '@proctor/db';
import {
  adminApi,
  adminCandidateListQuery,
  adminExamListQuery,
  adminUserListQuery,
  candidateInput,
  examInput,
  examProctorsInput,
  newUserInput,
  passwordChoice,
  userInput,
  type AdminErrorBody,
} from '../../contract/api/admin.ts';
import { createAdminServices } from '../../services/admin.service.ts';
import { HonestyService } from '../../services/honesty.service.ts';
import type { JobQueue } from '@proctor/recorder';
import { AdminImportService, ImportRejectedError } from '../../services/admin-import.service.ts';
import { PhotoStore } from '../../services/admin-photo.service.ts';
import type { AuthService } from '../../services/auth.service.ts';
import { AdminFieldError } from '../../domain/errors.ts';
import { httpStatusOf } from '../errors.ts';
import { requireRole, signedInUser } from '../guards.ts';
import { archiveRoutes, clientOf, entityRoutes, idParam, namedRoutes, parseAdmin } from './admin-routing.ts';
import { adminUploadRoutes } from './admin-upload.routes.ts';
import { integrationRoutes } from './integration.routes.ts';
import { ltiAdminRoutes } from './lti-admin.routes.ts';
import { apiKeysRoutes } from './api-keys.routes.ts';
import { ApiKeyService } from '../../services/api-key.service.ts';
import { webhooksRoutes } from './webhooks.routes.ts';
import { WebhookService } from '../../services/webhook.service.ts';
import { FramingChecker } from '../../services/framing-check.service.ts';
import { assessmentApi } from '../../contract/api/assessment.ts';

export interface AdminRoutesOptions {
  db: Kysely<DB>;
  auth: AuthService;
  /** Where reference photos live (config.ts: PHOTOS_DIR; never from a request). */
  photosDir: string;
  /** Runs the honesty recompute after an exam's weights change; null = recompute in the request. */
  jobQueue?: JobQueue | null;
  /** Webhook endpoints and deliveries; default one on jobQueue with the default retry policy. */
  webhooks?: WebhookService;
}

function adminErrors(err: FastifyError | Error, _req: FastifyRequest, reply: FastifyReply): FastifyReply {
  if (err instanceof AdminFieldError) {
    const body: AdminErrorBody = { error: { code: err.code, message: err.message, field: err.field, reason: err.reason } };
    return reply.code(httpStatusOf(err)).send(body);
  }
  if (err instanceof ImportRejectedError) {
    const body: AdminErrorBody = { error: { code: 'bad_request', message: err.message }, issues: err.issues, errorsTotal: err.errorCount };
    return reply.code(400).send(body);
  }
  throw err; // the app's error handler (errors.ts)
}

export const adminRoutes: FastifyPluginAsync<AdminRoutesOptions> = async (app, { db, auth, photosDir, jobQueue, webhooks }) => {
  const photos = new PhotoStore(photosDir);
  const { catalog, exams, candidates, users } = createAdminServices({
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

  app.get(adminApi.options.path, async () => catalog.options());

  // Disciplines and groups: named catalog entries, the same five routes each.
  namedRoutes(app, {
    key: 'discipline',
    routes: { list: adminApi.listDisciplines, create: adminApi.createDiscipline, update: adminApi.updateDiscipline, archive: adminApi.archiveDiscipline, unarchive: adminApi.unarchiveDiscipline },
    service: { list: catalog.listDisciplines, create: catalog.createDiscipline, rename: catalog.renameDiscipline, setArchived: catalog.setDisciplineArchived },
  });
  namedRoutes(app, {
    key: 'group',
    routes: { list: adminApi.listGroups, create: adminApi.createGroup, update: adminApi.updateGroup, archive: adminApi.archiveGroup, unarchive: adminApi.unarchiveGroup },
    service: { list: catalog.listGroups, create: catalog.createGroup, rename: catalog.renameGroup, setArchived: catalog.setGroupArchived },
  });

  // Exams
  app.get(adminApi.listExams.path, async (req) => exams.listExams(parseAdmin(adminExamListQuery, req.query)));
  entityRoutes(app, {
    key: 'exam',
    routes: { get: adminApi.getExam, create: adminApi.createExam, update: adminApi.updateExam, archive: adminApi.archiveExam, unarchive: adminApi.unarchiveExam },
    input: examInput,
    service: {
      get: (id) => exams.getExam(id),
      create: (user, input) => exams.createExam(user, input),
      update: (user, id, input) => exams.updateExam(user, id, input),
      setArchived: (user, id, archived) => exams.setExamArchived(user, id, archived),
    },
  });
  app.post(assessmentApi.recheck.path, async (req) => ({ check: await exams.recheckAssessment(actor(req), idParam(req)) }));
  app.put(adminApi.setExamProctors.path, async (req) => {
    const id = idParam(req);
    const { userIds } = parseAdmin(examProctorsInput, req.body);
    return { exam: await exams.setExamProctors(actor(req), id, userIds) };
  });

  // Candidates
  app.get(adminApi.listCandidates.path, async (req) => candidates.listCandidates(parseAdmin(adminCandidateListQuery, req.query)));
  entityRoutes(app, {
    key: 'candidate',
    routes: { get: adminApi.getCandidate, create: adminApi.createCandidate, update: adminApi.updateCandidate, archive: adminApi.archiveCandidate, unarchive: adminApi.unarchiveCandidate },
    input: candidateInput,
    service: {
      get: (id) => candidates.getCandidate(id),
      create: (user, input) => candidates.createCandidate(user, input),
      update: (user, id, input) => candidates.updateCandidate(user, id, input),
      setArchived: (user, id, archived) => candidates.setCandidateArchived(user, id, archived),
    },
  });
  app.delete(adminApi.deleteCandidatePhoto.path, async (req) => ({ candidate: await candidates.deleteCandidatePhoto(actor(req), idParam(req)) }));

  // Staff accounts
  app.get(adminApi.listUsers.path, async (req) => users.listUsers(parseAdmin(adminUserListQuery, req.query)));
  app.get(adminApi.getUser.path, async (req) => ({ user: await users.getUser(idParam(req)) }));
  app.post(adminApi.createUser.path, async (req, reply) => {
    const input = parseAdmin(newUserInput, req.body);
    return reply.code(201).send(await users.createUser(actor(req), input, clientOf(req)));
  });
  app.put(adminApi.updateUser.path, async (req) => {
    const id = idParam(req);
    return { user: await users.updateUser(actor(req), id, parseAdmin(userInput, req.body)) };
  });
  app.post(adminApi.setUserPassword.path, async (req) => {
    const id = idParam(req);
    return users.setUserPassword(actor(req), id, parseAdmin(passwordChoice, req.body), clientOf(req));
  });
  archiveRoutes(app, adminApi.archiveUser, adminApi.unarchiveUser, (user, id, archived) => users.setUserArchived(user, id, archived));

  // Photos and the import (multipart, in their own context).
  await app.register(adminUploadRoutes, { candidates, importer });
  // Sign-on integrations (#10): same admin-only hook and error format.
  await app.register(integrationRoutes, { db, publicOrigin: auth.publicOrigin });
  await app.register(apiKeysRoutes, { keys: new ApiKeyService({ db }) });
  await app.register(webhooksRoutes, { webhooks: webhooks ?? new WebhookService({ db, queue: jobQueue ?? null }) });
  // LTI 1.3 platforms and our key (#13).
  await app.register(ltiAdminRoutes, { db, publicOrigin: auth.publicOrigin });
};
