/**
 * Detailed report routes: validation and HTTP framing only; access rules and data are in
 * services/report.service.ts (and results.service.ts for "viewed").
 *
 * GET /api/recordings/:id streams a recording with Range support (206/416), so video
 * elements seek without downloading the whole file. Ids are validated as UUIDs and the
 * query accepts only `download=1`, so no parameter can smuggle a path (`../` → 400).
 */
import { createReadStream } from 'node:fs';
import type { FastifyPluginAsync } from 'fastify';
import { z } from 'zod';
import { reportApi } from '../../contract/api/report.ts';
import type { ReportService } from '../../services/report.service.ts';
import type { EvidenceService } from '../../services/evidence.service.ts';
import { evidenceApi } from '../../contract/api/evidence.ts';
import type { ResultsService } from '../../services/results.service.ts';
import { contentRange, parseByteRange, unsatisfiedRange } from '../byte-range.ts';
import { parseBody } from '../errors.ts';
import { requireRole, signedInUser } from '../guards.ts';

const staff = requireRole('admin', 'proctor');
const idParams = z.object({ id: z.uuid() });

/** RFC 6266: an ASCII fallback plus the exact UTF-8 name. */
function attachment(fileName: string): string {
  const ascii = fileName.replace(/[^\x20-\x7e]|["\\]/g, '_');
  return `attachment; filename="${ascii}"; filename*=UTF-8''${encodeURIComponent(fileName)}`;
}

export const reportRoutes: FastifyPluginAsync<{ report: ReportService; results: ResultsService; evidence: EvidenceService }> = async (app, { report, results, evidence }) => {
  app.get(reportApi.get.path, { preHandler: staff }, async (req) => {
    const { id } = parseBody(idParams, req.params);
    return report.report(signedInUser(req), id);
  });

  // Separate from the report: it re-reads every recording (about a second per GB).
  app.get(evidenceApi.verify.path, { preHandler: staff }, async (req, reply) => {
    const { id } = parseBody(idParams, req.params);
    reply.header('cache-control', 'private, no-store');
    return evidence.verify(signedInUser(req), id);
  });

  // An explicit POST when the page opens, so prefetches and reloads of the data do not log views.
  app.post(reportApi.markViewed.path, { preHandler: staff }, async (req) => {
    const { id } = parseBody(idParams, req.params);
    return results.markViewed(signedInUser(req), id);
  });

  // #12: device-recorded segments play like recordings (Range → 206).
  app.get(reportApi.deviceSegment.path, { preHandler: staff }, async (req, reply) => {
    const { id } = parseBody(idParams, req.params);
    const media = await report.openDeviceSegment(signedInUser(req), id);
    reply.header('accept-ranges', 'bytes').header('content-type', media.contentType).header('cache-control', 'private, no-cache').header('x-content-type-options', 'nosniff');
    const served = parseByteRange(req.headers.range, media.size);
    if (served.kind === 'unsatisfiable') return reply.code(416).header('content-range', unsatisfiedRange(media.size)).send();
    if (served.kind === 'partial') {
      return reply
        .code(206)
        .header('content-range', contentRange(served, media.size))
        .header('content-length', served.end - served.start + 1)
        .send(createReadStream(media.file, { start: served.start, end: served.end }));
    }
    return reply.code(200).header('content-length', media.size).send(createReadStream(media.file));
  });

  app.get(reportApi.recording.path, { preHandler: staff }, async (req, reply) => {
    const { id } = parseBody(idParams, req.params);
    const { download } = parseBody(reportApi.recording.query, req.query);
    const rangeHeader = req.headers.range;
    // Log a download once, not for every piece a download manager may split it into.
    const fromStart = rangeHeader === undefined || /^bytes=0-/.test(rangeHeader.trim());
    const media = await report.openRecording(signedInUser(req), id, { download: download === '1' && fromStart });

    reply
      .header('accept-ranges', 'bytes')
      .header('content-type', media.contentType)
      .header('cache-control', 'private, no-cache')
      .header('x-content-type-options', 'nosniff');
    if (download) reply.header('content-disposition', attachment(media.fileName));

    const served = parseByteRange(rangeHeader, media.size);
    if (served.kind === 'unsatisfiable') {
      return reply.code(416).header('content-range', unsatisfiedRange(media.size)).send();
    }
    if (served.kind === 'partial') {
      return reply
        .code(206)
        .header('content-range', contentRange(served, media.size))
        .header('content-length', served.end - served.start + 1)
        .send(createReadStream(media.file, { start: served.start, end: served.end }));
    }
    return reply.code(200).header('content-length', media.size).send(createReadStream(media.file));
  });
};
