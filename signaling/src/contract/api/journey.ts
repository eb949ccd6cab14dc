/**
 * The candidate journey's HTTP API (consent → device check → verification → exam) and the
 * exam's candidate links. Typed once for the server and the web UI.
 *
 * Candidate routes are authenticated by the candidate's signed link token only, sent as
 * `Authorization: Bearer <token>` (never in a URL after the first page load); the session is
 * always the token's, never a parameter. The links route is for signed-in staff: an admin
 * for every exam, a proctor read-only for the exams assigned to them.
 */
import { z } from 'zod';
import { LOCALES } from '@proctor/values';
import { sessionStatus } from './results.ts';
import { mediaProfileId } from '../media.ts';

const C = '/api/candidate';

/** Face photos and document photos: JPEG or PNG (sniffed by the server), this many bytes at most. */
export const JOURNEY_UPLOAD_LIMITS = { photoBytes: 2 * 1024 * 1024 } as const;

/**
 * Face-descriptor similarity (cosine of @vladmandic/face-api's recognition net on the face crop
 * human's mesh gives; recorder/src/face). Copies of recorder/src/face/face-rules.ts's
 * thresholds for the browser (a test keeps them equal), chosen on the tuning half of the
 * identity set (`pnpm bench:detect`, recorder/README.md): the identity check passes at
 * VERIFICATION_MIN_SIMILARITY or above (false accepts ≤ 1 %), and during the exam a judgeable
 * face under OTHER_PERSON_SIMILARITY to the verified face counts towards "another person".
 */
export const VERIFICATION_MIN_SIMILARITY = 0.92;
export const OTHER_PERSON_SIMILARITY = 0.93;
/**
 * Failed identity checks a candidate may make. After the last one the session is flagged for
 * the proctor (action archive) and the candidate goes on to the exam: never blocked silently.
 */
export const VERIFICATION_MAX_ATTEMPTS = 3;

/** Largest body of the upload-speed probe (the app's JSON body limit is 1 MB). */
export const UPLINK_PROBE_MAX_BYTES = 512 * 1024;

/** How long after the exam's end a candidate link still works (late starters, reconnects). */
export const LINK_GRACE_SECONDS = 2 * 60 * 60;

export const verificationResult = z.enum(['successful', 'failed', 'no_reference']);
export type VerificationResultName = z.infer<typeof verificationResult>;

export const verificationView = z.object({
  id: z.uuid(),
  result: verificationResult,
  similarity: z.number().nullable(),
  /** ISO instants: the check's time span (the photo report's first event). */
  startedAt: z.string(),
  endedAt: z.string(),
});
export type VerificationView = z.infer<typeof verificationView>;

/** The answer to a verification upload: the stored check plus the faces the server found in the photo. */
export const verificationOutcome = verificationView.extend({
  faces: z.number().int().min(0),
  /** Checks the candidate may still retake (0 once the check passed or the attempts are used up). */
  attemptsLeft: z.number().int().min(0),
  /** The attempts are used up without success: the session was flagged for the proctor. */
  flagged: z.boolean(),
});
export type VerificationOutcome = z.infer<typeof verificationOutcome>;

export const journeyState = z.object({
  sessionId: z.uuid(),
  examId: z.uuid(),
  examName: z.string(),
  candidateName: z.string(),
  examEndsAt: z.string(),
  status: sessionStatus,
  consentGiven: z.boolean(),
  hasReferencePhoto: z.boolean(),
  verification: verificationView.nullable(),
  /** How long the exam keeps each kind after `examEndsAt`, in days (null = until erased on request): stated on the consent page. */
  retention: z.object({
    recordings: z.number().int().positive().nullable(),
    snapshots: z.number().int().positive().nullable(),
    photos: z.number().int().positive().nullable(),
    violations: z.number().int().positive().nullable(),
  }),
  /** Identity checks the candidate may still make; see VERIFICATION_MAX_ATTEMPTS. */
  verificationAttemptsLeft: z.number().int().min(0),
  /** #11: the exam's media profile; the device check opens the camera at its size and rate. */
  mediaProfile: mediaProfileId,
});
export type JourneyState = z.infer<typeof journeyState>;

export const consentRequest = z.object({ locale: z.enum(LOCALES) }).strict();
export type ConsentRequest = z.infer<typeof consentRequest>;

/** What a device check can find wrong; the page says what to do about each. */
export const deviceCheckError = z.enum([
  'unsupported_browser',
  'camera_denied',
  'camera_not_found',
  'camera_busy',
  'microphone_denied',
  'microphone_not_found',
  'microphone_busy',
  'microphone_silent',
  'screen_not_shared',
  'screen_not_entire',
  'second_display',
  'low_uplink',
]);
export type DeviceCheckError = z.infer<typeof deviceCheckError>;

/**
 * One run of the device check. A failure is stored unresolved; a later pass marks the
 * session's earlier failures resolved (the connection statistics count both).
 */
export const deviceCheckReport = z.discriminatedUnion('outcome', [
  z.object({ outcome: z.literal('passed'), uplinkKbps: z.number().int().min(0).max(10_000_000).optional() }).strict(),
  z.object({ outcome: z.literal('failed'), error: deviceCheckError }).strict(),
]);
export type DeviceCheckReport = z.infer<typeof deviceCheckReport>;

/**
 * The text field `meta` (JSON) beside the `face` and optional `document` files of the
 * verification upload: when the check began and what the page's face analysis found.
 */
export const verificationMeta = z
  .object({
    startedAt: z.iso.datetime({ offset: true }),
    /** Faces the page saw in the photo; exactly one is required. */
    faces: z.number().int().min(0).max(20),
    /** Similarity of that face to the reference photo; null without a reference. */
    similarity: z.number().min(0).max(1).nullable(),
  })
  .strict();
export type VerificationMeta = z.infer<typeof verificationMeta>;

export const candidateLinkRow = z.object({
  sessionId: z.uuid(),
  candidateName: z.string(),
  groupName: z.string().nullable(),
  status: sessionStatus,
  /** The full link to open; null once it has expired or the session is finished. */
  url: z.string().nullable(),
});
export type CandidateLinkRow = z.infer<typeof candidateLinkRow>;

export const candidateLinksResponse = z.object({
  examId: z.uuid(),
  examName: z.string(),
  examEndsAt: z.string(),
  /** The exam's IANA zone, for showing its times. */
  timeZone: z.string(),
  /** When every link of this list stops working (the exam's end plus LINK_GRACE_SECONDS). */
  expiresAt: z.string(),
  expired: z.boolean(),
  links: z.array(candidateLinkRow),
});
export type CandidateLinksResponse = z.infer<typeof candidateLinksResponse>;

export const journeyApi = {
  state: { method: 'GET', path: `${C}/journey`, response: journeyState },
  consent: { method: 'POST', path: `${C}/consent`, body: consentRequest },
  deviceCheck: { method: 'POST', path: `${C}/device-check`, body: deviceCheckReport },
  /** The candidate's own reference photo (image/jpeg or image/png); 404 without one. */
  referencePhoto: { method: 'GET', path: `${C}/reference-photo` },
  /** The device check's upload-speed probe: a JSON body that is read and discarded. */
  uplinkProbe: { method: 'POST', path: `${C}/uplink-probe`, body: z.object({ padding: z.string().max(UPLINK_PROBE_MAX_BYTES) }).strict() },
  /** multipart/form-data: `face` (file), `document` (optional file), `meta` (JSON text). */
  verify: { method: 'POST', path: `${C}/verification`, response: verificationOutcome },
  /** Staff: the exam's candidates with their links. */
  candidateLinks: { method: 'GET', path: '/api/exams/:id/candidate-links', body: null, response: candidateLinksResponse },
} as const;
