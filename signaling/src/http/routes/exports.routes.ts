/** Report download routes (manual §4.6, §4.7): validation only; the rules are in services/exports.service.ts. */
import type { FastifyPluginAsync, FastifyReply } from 'fastify';
import { z } from 'zod';
import { exportsApi } from '../../contract/api/exports.ts';
import type { Download, ExportsService } from '../../services/exports.service.ts';
import { parseBody } from '../errors.ts';
import { requireRole, signedInUser } from '../guards.ts';

const staff = requireRole('admin', 'proctor');
const exportParams = z.object({ id: z.uuid() });

/** ASCII fallback plus the UTF-8 name (RFC 6266), so Cyrillic names survive every browser. */
function attachment(fileName: string): string {
  const ascii = fileName.replace(/[^\x20-\x7e]/g, '_').replace(/["\\]/g, '_');
  return `attachment; filename="${ascii}"; filename*=UTF-8''${encodeURIComponent(fileName)}`;
}

function send(reply: FastifyReply, file: Download): FastifyReply {
  return reply
    .header('content-type', file.contentType)
    .header('content-length', String(file.bytes))
    .header('content-disposition', attachment(file.fileName))
    .header('cache-control', 'private, no-store')
    .send(file.body);
}

export const exportsRoutes: FastifyPluginAsync<{ exports: ExportsService }> = async (app, { exports }) => {
  app.post(exportsApi.create.path, { preHandler: staff }, async (req, reply) => {
    const body = parseBody(exportsApi.create.body, req.body);
    return reply.code(202).send(await exports.create(signedInUser(req), body));
  });

  app.get(exportsApi.get.path, { preHandler: staff }, async (req) => {
    const { id } = parseBody(exportParams, req.params);
    return exports.get(signedInUser(req), id);
  });

  app.get(exportsApi.file.path, { preHandler: staff }, async (req, reply) => {
    const { id } = parseBody(exportParams, req.params);
    return send(reply, await exports.file(signedInUser(req), id));
  });

  app.get(exportsApi.gradeSheet.path, { preHandler: staff }, async (req, reply) =>
    send(reply, await exports.gradeSheet(signedInUser(req), parseBody(exportsApi.gradeSheet.query, req.query))),
  );
};
