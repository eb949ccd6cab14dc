/**
 * The public REST API for LMS integrations (#13): `/api/v1/…`, authenticated by an API key
 * (`Authorization: Bearer pk_<prefix>_<secret>`), never by a cookie session. Read-only for
 * now; every route needs the `read` scope. A key made for one exam sees only that exam:
 * anything else answers 404 exactly like an unknown id.
 *
 * These schemas are the single source of the OpenAPI 3.1 document at /api/docs
 * (http/openapi.ts); a contract test fails when a registered /api/v1 route is not in it.
 * Also here: the admin routes that create, list and revoke keys (`/api/admin/api-keys`).
 */
import { z } from 'zod';
import { decision, reviewStatus, sessionStatus } from './results.ts';
import { reportHonesty, reportRecording, reportViolation } from './report.ts';

const timestamp = z.iso.datetime();
const uuid = z.uuid();

export const API_KEY_PREFIX = 'pk_';
/** `pk_` + 12-character public prefix + `_` + 43-character base64url secret (32 random bytes). */
export const apiKeyPattern = /^pk_([a-z0-9]{12})_([A-Za-z0-9_-]{43})$/;
export const apiKeyScope = z.enum(['read', 'write']);
export type ApiKeyScope = z.infer<typeof apiKeyScope>;

// ---------------------------------------------------------------------------------------
// /api/v1 responses

/** The named schemas of the OpenAPI document (components.schemas), by id. */
export const v1Schemas = z.registry<{ id: string }>();

export const v1Error = z
  .object({
    error: z.object({
      code: z.string().meta({ description: 'e.g. unauthenticated, forbidden, not_found, bad_request' }),
      message: z.string(),
    }),
  })
  .register(v1Schemas, { id: 'Error' });

export const v1Exam = z
  .object({
    id: uuid,
    name: z.string(),
    discipline: z.string(),
    startsAt: timestamp,
    endsAt: timestamp,
    timeZone: z.string().meta({ description: 'IANA zone the exam is shown in' }),
    proctoringMode: z.string(),
    mediaProfile: z.string().meta({ description: 'What candidates send: grid, balanced or high (see the admin exam form)' }),
    archived: z.boolean(),
    sessionCount: z.number().int().nonnegative(),
  })
  .register(v1Schemas, { id: 'Exam' });

export const v1Page = { total: z.number().int().nonnegative(), page: z.number().int().positive(), pageSize: z.number().int().positive() };
export const v1ExamList = z.object({ items: z.array(v1Exam), ...v1Page }).register(v1Schemas, { id: 'ExamList' });

export const v1Candidate = z
  .object({
    id: uuid,
    fullName: z.string(),
    iin: z.string().nullable(),
    group: z.string().nullable(),
    externalId: z.string().nullable().meta({ description: "The candidate's id in the key's integration (sign-on links), if any" }),
    sessionId: uuid,
  })
  .register(v1Schemas, { id: 'Candidate' });
export const v1CandidateList = z.object({ items: z.array(v1Candidate) }).register(v1Schemas, { id: 'CandidateList' });

export const v1SessionSummary = z
  .object({
    id: uuid,
    examId: uuid,
    candidateId: uuid,
    candidateName: z.string(),
    group: z.string().nullable(),
    status: sessionStatus,
    startedAt: timestamp.nullable(),
    endedAt: timestamp.nullable(),
    honesty: z.number().int().min(0).max(100).nullable().meta({ description: 'Honesty %, null before the session started' }),
    decision,
    reviewStatus,
  })
  .register(v1Schemas, { id: 'SessionSummary' });
export const v1SessionList = z.object({ items: z.array(v1SessionSummary), ...v1Page, totalExact: z.boolean() }).register(v1Schemas, { id: 'SessionList' });

export const v1SessionDetail = z
  .object({
    session: v1SessionSummary,
    honesty: reportHonesty.nullable().meta({ description: 'How the honesty % came about; null before the start or once violations were deleted' }),
    violations: z.array(reportViolation),
    recordings: z.array(reportRecording.extend({ attemptNumber: z.number().int().positive() })),
    links: z.object({
      report: z.string().meta({ description: 'Detailed report page (staff sign-in required)' }),
      photoReport: z.string().meta({ description: 'Photo report page (staff sign-in required)' }),
    }),
  })
  .register(v1Schemas, { id: 'SessionDetail' });
export type V1SessionDetail = z.infer<typeof v1SessionDetail>;

const pageQuery = z
  .object({
    page: z.coerce.number().int().min(1).max(1_000_000).default(1),
    pageSize: z.coerce.number().int().min(1).max(200).default(50),
  })
  .strict();
const idParams = z.object({ id: uuid }).strict();

export interface V1Route {
  method: 'GET';
  path: string;
  summary: string;
  params: z.ZodType | null;
  query: z.ZodType | null;
  response: z.ZodType;
}

/** Every /api/v1 route; the routes and the OpenAPI document are both built from this table. */
export const v1Api = {
  listExams: { method: 'GET', path: '/api/v1/exams', summary: 'Exams the key may read, newest window first', params: null, query: pageQuery, response: v1ExamList },
  examCandidates: {
    method: 'GET',
    path: '/api/v1/exams/:id/candidates',
    summary: 'Candidates with a session in the exam',
    params: idParams,
    query: null,
    response: v1CandidateList,
  },
  examSessions: { method: 'GET', path: '/api/v1/exams/:id/sessions', summary: "The exam's sessions, newest start first", params: idParams, query: pageQuery, response: v1SessionList },
  session: {
    method: 'GET',
    path: '/api/v1/sessions/:id',
    summary: 'One session: result, honesty breakdown, violations, recordings metadata, report links',
    params: idParams,
    query: null,
    response: v1SessionDetail,
  },
} as const satisfies Record<string, V1Route>;

// ---------------------------------------------------------------------------------------
// Admin: /api/admin/api-keys

export const apiKeyInput = z
  .object({
    name: z.string().trim().min(1, { message: 'required' }).max(200, { message: 'too_long' }),
    integrationId: uuid.nullish(),
    scopes: z.array(apiKeyScope).min(1, { message: 'required' }).max(2),
    /** null/omitted = every exam. */
    examId: uuid.nullish(),
  })
  .strict();
export type ApiKeyInput = z.input<typeof apiKeyInput>;

export const adminApiKey = z.object({
  id: uuid,
  name: z.string(),
  integrationId: uuid.nullable(),
  integrationName: z.string().nullable(),
  /** `pk_<prefix>_…`: enough to recognise a key, useless to use it. */
  prefix: z.string(),
  scopes: z.array(apiKeyScope),
  examId: uuid.nullable(),
  examName: z.string().nullable(),
  createdByName: z.string().nullable(),
  createdAt: timestamp,
  lastUsedAt: timestamp.nullable(),
  revokedAt: timestamp.nullable(),
});
export type AdminApiKey = z.infer<typeof adminApiKey>;

export const createdApiKey = z.object({
  key: adminApiKey,
  /** The whole key; shown once, never again retrievable. */
  secret: z.string(),
});
export type CreatedApiKey = z.infer<typeof createdApiKey>;

const K = '/api/admin/api-keys';
export const apiKeysApi = {
  list: { method: 'GET', path: K, response: z.object({ items: z.array(adminApiKey) }) },
  create: { method: 'POST', path: K, body: apiKeyInput, response: createdApiKey },
  revoke: { method: 'POST', path: `${K}/:id/revoke`, body: null, response: null },
} as const;

export const API_V1_PREFIX = '/api/v1/';
export const API_DOCS_PATH = '/api/docs';
export const API_DOCS_JSON_PATH = '/api/docs/openapi.json';
