/**
 * The candidate journey's routes (consent, device check, verification) and the staff list
 * of an exam's candidate links. Validation and authentication only; the logic is in
 * services/journey.service.ts and services/candidate-links.service.ts.
 *
 * The verification upload is multipart/form-data (config.multipartUpload; the same-origin
 * check of auth.plugin.ts still applies), limited by Content-Length before anything is read
 * and per file while reading.
 */
import fs from 'node:fs';
import multipart from '@fastify/multipart';
import type { FastifyPluginAsync, FastifyRequest } from 'fastify';
import { z } from 'zod';
import { JOURNEY_UPLOAD_LIMITS, journeyApi, verificationMeta, type VerificationMeta } from '../../contract/api/journey.ts';
import type { CandidateLinksService } from '../../services/candidate-links.service.ts';
import type { JourneyService, VerificationPhotos } from '../../services/journey.service.ts';
import { candidateSessionId } from '../candidate-auth.ts';
import { parseBody } from '../errors.ts';
import { DomainError } from '../../domain/errors.ts';
import { requireRole, signedInUser } from '../guards.ts';

export interface JourneyRoutesOptions {
  journey: JourneyService;
  links: CandidateLinksService;
  tokenSecret: string;
}

const MAX_META_BYTES = 1024;
const FORM_OVERHEAD = 16 * 1024;
const examParams = z.object({ id: z.uuid() });
// Generous for a person clicking through, tight for a script hammering the server.
const candidateRateLimit = { rateLimit: { max: 60, timeWindow: '1 minute' } };

async function readVerificationForm(req: FastifyRequest): Promise<{ photos: VerificationPhotos; meta: VerificationMeta }> {
  if (!req.isMultipart()) throw new DomainError('unsupported_media_type', 'Send the photos as multipart/form-data.');
  const files: { face?: Uint8Array; document?: Uint8Array } = {};
  let metaText: string | undefined;
  for await (const part of req.parts()) {
    if (part.type === 'field') {
      if (part.fieldname === 'meta' && typeof part.value === 'string') metaText = part.value;
      continue;
    }
    const field = part.fieldname;
    if ((field !== 'face' && field !== 'document') || files[field]) {
      part.file.resume();
      continue;
    }
    const chunks: Buffer[] = [];
    let size = 0;
    for await (const chunk of part.file as AsyncIterable<Buffer>) {
      size += chunk.length;
      if (size > JOURNEY_UPLOAD_LIMITS.photoBytes) throw new DomainError('payload_too_large', `The ${field} photo is larger than 2 MB.`);
      chunks.push(chunk);
    }
    if (part.file.truncated) throw new DomainError('payload_too_large', `The ${field} photo is larger than 2 MB.`);
    if (size > 0) files[field] = Buffer.concat(chunks);
  }
  if (!files.face) throw new DomainError('bad_request', 'face: attach the face photo as the file field "face".');
  if (metaText === undefined) throw new DomainError('bad_request', 'meta: missing');
  let metaJson: unknown;
  try {
    metaJson = JSON.parse(metaText);
  } catch {
    throw new DomainError('bad_request', 'meta: not JSON');
  }
  const meta = parseBody(verificationMeta, metaJson);
  return { photos: { face: files.face, ...(files.document ? { document: files.document } : {}) }, meta };
}

export const journeyRoutes: FastifyPluginAsync<JourneyRoutesOptions> = async (app, { journey, links, tokenSecret }) => {
  await app.register(multipart, {
    limits: { fileSize: JOURNEY_UPLOAD_LIMITS.photoBytes + 1, files: 2, fields: 2, parts: 4, fieldSize: MAX_META_BYTES, headerPairs: 64 },
    throwFileSizeLimit: false,
  });
  const session = (req: FastifyRequest) => candidateSessionId(req, tokenSecret);

  app.get(journeyApi.state.path, { config: candidateRateLimit }, async (req) => journey.state(session(req)));

  app.post(journeyApi.consent.path, { config: candidateRateLimit }, async (req, reply) => {
    const id = session(req);
    await journey.consent(id, parseBody(journeyApi.consent.body, req.body));
    return reply.code(204).send();
  });

  app.post(journeyApi.deviceCheck.path, { config: candidateRateLimit }, async (req, reply) => {
    const id = session(req);
    await journey.deviceCheck(id, parseBody(journeyApi.deviceCheck.body, req.body));
    return reply.code(204).send();
  });

  app.post(journeyApi.uplinkProbe.path, { config: { rateLimit: { max: 10, timeWindow: '1 minute' } } }, async (req, reply) => {
    session(req);
    parseBody(journeyApi.uplinkProbe.body, req.body);
    return reply.code(204).send();
  });

  app.get(journeyApi.referencePhoto.path, { config: candidateRateLimit }, async (req, reply) => {
    const { file, mime } = await journey.referencePhoto(session(req));
    const stat = await fs.promises.stat(file).catch(() => undefined);
    if (!stat?.isFile()) throw new DomainError('not_found', 'There is no reference photo for this candidate.');
    return reply
      .type(mime)
      .header('content-length', stat.size)
      .header('cache-control', 'private, no-store')
      .header('x-content-type-options', 'nosniff')
      .header('content-security-policy', "default-src 'none'")
      .send(fs.createReadStream(file));
  });

  app.post(
    journeyApi.verify.path,
    {
      config: { ...candidateRateLimit, multipartUpload: true },
      onRequest: async (req) => {
        // Authenticate and refuse oversized bodies before reading a byte of them.
        session(req);
        const length = Number(req.headers['content-length'] ?? 0);
        if (length > 2 * JOURNEY_UPLOAD_LIMITS.photoBytes + FORM_OVERHEAD) {
          throw new DomainError('payload_too_large', 'The photos are larger than 2 MB each.');
        }
      },
    },
    async (req, reply) => {
      const id = session(req);
      const { photos, meta } = await readVerificationForm(req);
      return reply.code(201).send(await journey.verify(id, photos, meta));
    },
  );

  app.get(journeyApi.candidateLinks.path, { preHandler: requireRole('admin', 'proctor') }, async (req) => {
    const { id } = parseBody(examParams, req.params);
    return links.list(signedInUser(req), id);
  });
};
