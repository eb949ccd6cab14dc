/**
 * Photo report routes: validation and HTTP framing only; access rules and data are in
 * services/photo-report.service.ts. Ids are validated as UUIDs, the PDF query accepts only
 * `locale`, the e-mail body only `{ to, locale }` (contract schemas), so no parameter can
 * smuggle a path or a header.
 */
import { createReadStream } from 'node:fs';
import type { FastifyPluginAsync } from 'fastify';
import { z } from 'zod';
import { photoReportApi } from '../../contract/api/photo-report.ts';
import type { PhotoReportService } from '../../services/photo-report.service.ts';
import { parseBody } from '../errors.ts';
import { requireRole, signedInUser } from '../guards.ts';

const staff = requireRole('admin', 'proctor');
const idParams = z.object({ id: z.uuid() });
const pictureParams = z.object({ id: z.uuid(), eventId: z.uuid() });
// Each PDF costs a Chromium page and each e-mail a PDF plus a message: bounded per address.
const pdfLimit = { rateLimit: { max: 30, timeWindow: 60_000 } };
const emailLimit = { rateLimit: { max: 20, timeWindow: 60_000 } };

export const photoReportRoutes: FastifyPluginAsync<{ photoReport: PhotoReportService }> = async (app, { photoReport }) => {
  app.get(photoReportApi.get.path, { preHandler: staff }, async (req, reply) => {
    const { id } = parseBody(idParams, req.params);
    reply.header('cache-control', 'private, no-store');
    return photoReport.card(signedInUser(req), id);
  });

  app.get(photoReportApi.picture.path, { preHandler: staff }, async (req, reply) => {
    const { id, eventId } = parseBody(pictureParams, req.params);
    const picture = await photoReport.picture(signedInUser(req), id, eventId);
    return reply
      .header('content-type', picture.contentType)
      .header('cache-control', 'private, max-age=300')
      .header('x-content-type-options', 'nosniff')
      .send(createReadStream(picture.file));
  });

  // Rendered in the request through the shared Chromium (render-pdf bounds concurrent pages);
  // a card is a page or two, so this takes about a second.
  app.get(photoReportApi.pdf.path, { preHandler: staff, config: pdfLimit }, async (req, reply) => {
    const { id } = parseBody(idParams, req.params);
    const { locale } = parseBody(photoReportApi.pdf.query, req.query);
    const { pdf, fileName } = await photoReport.pdf(signedInUser(req), id, locale);
    return reply
      .header('content-type', 'application/pdf')
      .header('content-disposition', `attachment; filename="${fileName}"`)
      .header('cache-control', 'private, no-store')
      .send(pdf);
  });

  app.post(photoReportApi.email.path, { preHandler: staff, config: emailLimit }, async (req, reply) => {
    const { id } = parseBody(idParams, req.params);
    const body = parseBody(photoReportApi.email.body, req.body);
    return reply.code(202).send(await photoReport.email(signedInUser(req), id, body));
  });
};
