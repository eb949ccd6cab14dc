/**
 * What every admin route file uses (admin.routes.ts and the ones it registers): body and
 * query validation into field errors, the `:id` parameter, the client of a request, and the
 * registration of the route sets archivable entities share (archive/unarchive; the five
 * routes of a named catalog entry; get/create/update of an entity with one input schema).
 */
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { z } from 'zod';
import { adminListQuery, namedInput, type AdminFieldReason } from '../../contract/api/admin.ts';
import type { ClientInfo, SessionUser } from '../../services/auth.service.ts';
import { AdminFieldError, DomainError } from '../../domain/errors.ts';
import { signedInUser } from '../guards.ts';

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
  throw new AdminFieldError('bad_request', `${field || 'body'}: ${issue.message}`, field, reason);
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** The `:id` of the route; 404 when it is not a uuid (it could not name anything). */
export function idParam(req: FastifyRequest): string {
  const id = (req.params as { id?: string }).id ?? '';
  if (!UUID.test(id)) throw new DomainError('not_found', 'There is no such record.');
  return id.toLowerCase();
}

export const clientOf = (req: FastifyRequest): ClientInfo => ({ ip: req.ip, userAgent: req.headers['user-agent'] });

type Route = { path: string };

/** POST …/archive and …/unarchive of one entity: 204 either way. */
export function archiveRoutes(app: FastifyInstance, archive: Route, unarchive: Route, set: (user: SessionUser, id: string, archived: boolean) => Promise<unknown>): void {
  for (const [route, archived] of [[archive, true], [unarchive, false]] as const) {
    app.post(route.path, async (req, reply) => {
      await set(signedInUser(req), idParam(req), archived);
      return reply.code(204).send();
    });
  }
}

/** A discipline or a group: list, create (201 `{ [key]: entry }`), rename (204), archive, unarchive. */
export function namedRoutes(
  app: FastifyInstance,
  { key, routes, service }: {
    key: string;
    routes: { list: Route; create: Route; update: Route; archive: Route; unarchive: Route };
    service: {
      list(q: z.output<typeof adminListQuery>): Promise<unknown>;
      create(user: SessionUser, name: string): Promise<unknown>;
      rename(user: SessionUser, id: string, name: string): Promise<void>;
      setArchived(user: SessionUser, id: string, archived: boolean): Promise<void>;
    };
  },
): void {
  app.get(routes.list.path, async (req) => service.list(parseAdmin(adminListQuery, req.query)));
  app.post(routes.create.path, async (req, reply) => {
    const { name } = parseAdmin(namedInput, req.body);
    return reply.code(201).send({ [key]: await service.create(signedInUser(req), name) });
  });
  app.put(routes.update.path, async (req, reply) => {
    const id = idParam(req);
    await service.rename(signedInUser(req), id, parseAdmin(namedInput, req.body).name);
    return reply.code(204).send();
  });
  archiveRoutes(app, routes.archive, routes.unarchive, service.setArchived);
}

/**
 * An entity edited through one input schema: get (`{ [key]: entity }`), create (201),
 * update, archive and unarchive. The service's methods are called on it.
 */
export function entityRoutes<S extends z.ZodType>(
  app: FastifyInstance,
  { key, routes, input, service }: {
    key: string;
    routes: { get: Route; create: Route; update: Route; archive: Route; unarchive: Route };
    input: S;
    service: {
      get(id: string): Promise<unknown>;
      create(user: SessionUser, input: z.output<S>): Promise<unknown>;
      update(user: SessionUser, id: string, input: z.output<S>): Promise<unknown>;
      setArchived(user: SessionUser, id: string, archived: boolean): Promise<unknown>;
    };
  },
): void {
  app.get(routes.get.path, async (req) => ({ [key]: await service.get(idParam(req)) }));
  app.post(routes.create.path, async (req, reply) => {
    const body = parseAdmin(input, req.body);
    return reply.code(201).send({ [key]: await service.create(signedInUser(req), body) });
  });
  app.put(routes.update.path, async (req) => {
    const id = idParam(req);
    return { [key]: await service.update(signedInUser(req), id, parseAdmin(input, req.body)) };
  });
  archiveRoutes(app, routes.archive, routes.unarchive, (user, id, archived) => service.setArchived(user, id, archived));
}
