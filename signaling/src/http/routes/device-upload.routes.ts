/**
 * Device-recorded segments (#12): the missing spans of the candidate's session and the tus
 * upload of segments (`@tus/server` + file store) under /api/device-uploads.
 *
 * Candidate-only: every request carries the link token (`Authorization: Bearer`). An upload's
 * id starts with its session id, so a candidate can neither resume nor read another session's
 * upload. The size is limited at creation (Upload-Length ≤ maxBytes, no deferred length); the
 * metadata (source, wall-clock span, SHA-256) is validated at creation; on the last PATCH the
 * server hashes the file and refuses (460, logged, removed) one whose hash differs.
 */
import { randomBytes } from 'node:crypto';
import path from 'node:path';
import type { FastifyPluginAsync, FastifyReply, FastifyRequest } from 'fastify';
import { Server } from '@tus/server';
import { FileStore } from '@tus/file-store';
import { DEVICE_UPLOAD_PATH, deviceApi, deviceUploadMetadata, type DeviceUploadMetadata } from '../../contract/api/device.ts';
import { verifyToken } from '../../auth/token.ts';
import { DeviceSegmentService, SegmentHashMismatch } from '../../services/device-segment.service.ts';
import { candidateSessionId } from '../candidate-auth.ts';
import { DomainError } from '../../domain/errors.ts';

export interface DeviceUploadRoutesOptions {
  devices: DeviceSegmentService;
  tokenSecret: string;
  maxBytes: number;
}

/** The upload id of /api/device-uploads/<id>; undefined for the creation URL. */
function uploadIdOf(url: string): string | undefined {
  const rest = url.split('?')[0]!.slice(DEVICE_UPLOAD_PATH.length);
  const id = rest.replace(/^\/+/, '');
  return id === '' ? undefined : decodeURIComponent(id);
}

function tusError(status: number, body: string): { status_code: number; body: string } {
  return { status_code: status, body };
}

function parseMetadata(metadata: Record<string, string | null> | undefined): DeviceUploadMetadata {
  const parsed = deviceUploadMetadata.safeParse(metadata ?? {});
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw tusError(400, `Upload-Metadata ${issue?.path.join('.') || ''}: ${issue?.message ?? 'invalid'}`);
  }
  return parsed.data;
}

export const deviceUploadRoutes: FastifyPluginAsync<DeviceUploadRoutesOptions> = async (app, { devices, tokenSecret, maxBytes }) => {
  const session = (req: FastifyRequest) => candidateSessionId(req, tokenSecret);
  // The tus hooks see a web Request: the same token, checked again where the session is needed.
  const sessionOfHeader = (header: string | null): string => {
    const token = /^Bearer ([A-Za-z0-9_.-]{1,2048})$/.exec(header ?? '')?.[1];
    if (!token) throw tusError(401, 'No candidate token was sent.');
    try {
      const claims = verifyToken(token, tokenSecret);
      if (claims.role === 'candidate') return claims.sessionId;
    } catch {
      // Falls through to the refusal below.
    }
    throw tusError(401, 'The candidate token does not work.');
  };
  const store = new FileStore({ directory: devices.uploadsDir() });
  const tus = new Server({
    path: DEVICE_UPLOAD_PATH,
    datastore: store,
    maxSize: maxBytes,
    relativeLocation: true,
    namingFunction: (req) => `${sessionOfHeader(req.headers.get('authorization'))}_${randomBytes(12).toString('hex')}`,
    onUploadCreate: async (_req, upload) => {
      if (upload.sizeIsDeferred) throw tusError(400, 'Upload-Length is required (deferred length is not accepted).');
      parseMetadata(upload.metadata);
      return {};
    },
    onUploadFinish: async (req, upload) => {
      const sessionId = sessionOfHeader(req.headers.get('authorization'));
      const meta = parseMetadata(upload.metadata);
      const file = path.join(devices.uploadsDir(), upload.id);
      try {
        const segment = await devices.complete(sessionId, meta, file);
        await store.configstore.delete(upload.id);
        return { headers: { 'X-Device-Segment-Id': segment.id } };
      } catch (err) {
        if (err instanceof SegmentHashMismatch) {
          await store.remove(upload.id).catch(() => undefined);
          throw tusError(460, err.message);
        }
        throw err;
      }
    },
  });
  // tus bodies are raw bytes: leave the stream unread for the tus server.
  app.addContentTypeParser('application/offset+octet-stream', (_req, _payload, done) => done(null));

  const handle = async (req: FastifyRequest, reply: FastifyReply) => {
    const sessionId = session(req);
    const id = uploadIdOf(req.url);
    if (id !== undefined && !id.startsWith(`${sessionId}_`)) throw new DomainError('not_found', 'There is no such upload for your session.');
    if (req.method === 'POST' && id === undefined) {
      const length = Number(req.headers['upload-length'] ?? NaN);
      if (Number.isFinite(length) && length > maxBytes) {
        throw new DomainError('payload_too_large', `A device segment may be ${maxBytes} bytes at most.`);
      }
    }
    reply.hijack();
    await tus.handle(req.raw, reply.raw);
  };
  const config = { tusUpload: true, rateLimit: { max: 600, timeWindow: '1 minute' } };
  for (const url of [DEVICE_UPLOAD_PATH, `${DEVICE_UPLOAD_PATH}/*`]) {
    app.route({ method: ['POST', 'PATCH', 'HEAD', 'DELETE'], url, config, handler: handle });
  }

  app.get(deviceApi.missing.path, { config: { rateLimit: { max: 120, timeWindow: '1 minute' } } }, async (req) => ({
    spans: await devices.missing(session(req)),
  }));
};
