/**
 * Device-recorded segments (#12): the page records camera+microphone and screen itself and
 * uploads, with tus, the ~10 s segments that overlap the spans the server's recordings lack.
 * Candidate routes (the link token as `Authorization: Bearer`), the session is the token's.
 */
import { z } from 'zod';

/** 'camera' is one WebM with the camera and the microphone; 'screen' the screen. */
export const deviceSource = z.enum(['camera', 'screen']);
export type DeviceSource = z.infer<typeof deviceSource>;

export const DEVICE_UPLOAD_PATH = '/api/device-uploads';
/** Largest segment the server accepts (a 10 s segment is ~1–4 MB). */
export const DEVICE_SEGMENT_MAX_BYTES = 64 * 1024 * 1024;
/** Gaps shorter than this are not asked for (timestamps jitter by a few hundred ms). */
export const MISSING_SPAN_MIN_MS = 500;

export const missingSpan = z.object({
  source: deviceSource,
  /** ISO instants. */
  from: z.string(),
  to: z.string(),
});
export type MissingSpan = z.infer<typeof missingSpan>;

export const missingSpans = z.object({ spans: z.array(missingSpan) });
export type MissingSpans = z.infer<typeof missingSpans>;

/** The tus Upload-Metadata of a segment (values are base64 on the wire, as tus says). */
export const deviceUploadMetadata = z
  .object({
    source: deviceSource,
    startedAt: z.iso.datetime({ offset: true }),
    endedAt: z.iso.datetime({ offset: true }),
    sha256: z.string().regex(/^[0-9a-f]{64}$/, 'lower-case hex SHA-256'),
    filename: z.string().max(200).optional(),
    filetype: z.string().max(100).optional(),
  })
  .refine((m) => Date.parse(m.endedAt) > Date.parse(m.startedAt), 'endedAt must be after startedAt');
export type DeviceUploadMetadata = z.infer<typeof deviceUploadMetadata>;

export const deviceSegmentView = z.object({
  id: z.uuid(),
  source: deviceSource,
  startedAt: z.string(),
  endedAt: z.string(),
  sha256: z.string(),
  bytes: z.number().int(),
  /** The file is on this server (not removed, not lost). */
  available: z.boolean(),
});
export type DeviceSegmentView = z.infer<typeof deviceSegmentView>;

export const deviceApi = {
  missing: { method: 'GET', path: '/api/candidate/device-segments/missing', response: missingSpans },
} as const;
