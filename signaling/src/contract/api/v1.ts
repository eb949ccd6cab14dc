/**
 * The public REST API for LMS integrations (#13): `/api/v1/…`, authenticated by an API key
 * (`Authorization: Bearer pk_<prefix>_<secret>`), never by a cookie session. Each route needs
 * one scope (`read` or `write`; a key without it gets 403). A key made for one exam sees only
 * that exam: anything else answers 404 exactly like an unknown id, and it cannot create exams.
 * Requests are limited per key (429 with Retry-After).
 *
 * These schemas are the single source of the OpenAPI 3.1 document at /api/docs
 * (http/openapi.ts); a contract test fails when a registered /api/v1 route is not in it.
 * Also here: the admin routes that create, list and revoke keys (`/api/admin/api-keys`).
 */
import { z } from 'zod';
import { decision, reviewStatus, sessionStatus } from './results.ts';
import { reportHonesty, reportRecording, reportViolation } from './report.ts';
import { ADMIN_VIOLATION_TYPES, adminFieldRules as f, adminProctoringMode, type AdminViolationType } from './admin.ts';
import { assessmentMode, urlProblem } from './assessment.ts';

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

// ---------------------------------------------------------------------------------------
// /api/v1 write bodies (scope "write")

/** Largest JSON body a write route reads (a candidate list of V1_CANDIDATES_MAX fits); more → 413. */
export const V1_BODY_LIMIT = 256 * 1024;
export const V1_CANDIDATES_MAX = 500;

const assessmentUrl = z
  .string()
  .trim()
  .nullable()
  .superRefine((v, ctx) => {
    const problem = v ? urlProblem(v) : undefined;
    if (problem) ctx.addIssue({ code: 'custom', message: problem });
  })
  .transform((v) => v || null);
/** Only the weights named change; the others keep their value (or the default on a new exam). */
const weightsPatch = z
  .object(Object.fromEntries(ADMIN_VIOLATION_TYPES.map((t) => [t, f.weight.optional()])) as Record<AdminViolationType, z.ZodOptional<typeof f.weight>>)
  .strict();

const examFields = {
  name: f.name,
  /** A discipline by name; created when new. */
  discipline: z.string().trim().min(1).max(200),
  startsAt: f.instant,
  endsAt: f.instant,
  timeZone: f.timeZone.optional(),
  proctoringMode: adminProctoringMode.optional(),
  violationWeights: weightsPatch.optional(),
  honestyThreshold: f.percent.optional(),
  countTechnical: z.boolean().optional(),
  assessmentUrl: assessmentUrl.optional(),
  assessmentMode: assessmentMode.optional(),
};

const windowOrder = (v: { startsAt?: Date; endsAt?: Date }, ctx: z.RefinementCtx) => {
  // Runs even when a time failed its own check (zod 4): compare only two real dates.
  if (v.startsAt instanceof Date && v.endsAt instanceof Date && v.endsAt.getTime() <= v.startsAt.getTime()) ctx.addIssue({ code: 'custom', path: ['endsAt'], message: 'ends_before_starts' });
};
export const v1ExamCreate = z.object(examFields).strict().superRefine(windowOrder).register(v1Schemas, { id: 'ExamCreate' });
/** Every field optional: what is sent changes, the rest stays. */
export const v1ExamUpdate = z.object(examFields).partial().strict().superRefine(windowOrder).register(v1Schemas, { id: 'ExamUpdate' });
export type V1ExamCreate = z.output<typeof v1ExamCreate>;
export type V1ExamUpdate = z.output<typeof v1ExamUpdate>;

export const v1ExamDetail = v1Exam
  .extend({
    violationWeights: z.record(z.string(), z.number()),
    honestyThreshold: z.number().int(),
    countTechnical: z.boolean(),
    assessmentUrl: z.string().nullable(),
    assessmentMode: z.string(),
  })
  .register(v1Schemas, { id: 'ExamDetail' });

export const v1CandidateInput = z
  .object({
    /** The candidate's id in the key's integration: the first match key. */
    externalId: z.string().trim().min(1).max(200).optional(),
    fullName: f.name,
    iin: f.iin,
    email: f.optionalEmail.optional(),
    /** A group by name; created when new. */
    group: z.string().trim().min(1).max(200).nullable().optional(),
  })
  .strict();
export const v1CandidatesUpsert = z
  .object({ candidates: z.array(v1CandidateInput).min(1).max(V1_CANDIDATES_MAX) })
  .strict()
  .register(v1Schemas, { id: 'CandidatesUpsert' });
export type V1CandidatesUpsert = z.output<typeof v1CandidatesUpsert>;
export const v1CandidateUpserted = z
  .object({
    id: uuid,
    externalId: z.string().nullable(),
    sessionId: uuid,
    result: z.enum(['created', 'updated', 'unchanged']),
  })
  .register(v1Schemas, { id: 'CandidateUpserted' });
export const v1CandidatesUpserted = z.object({ items: z.array(v1CandidateUpserted) }).register(v1Schemas, { id: 'CandidatesUpserted' });

export const v1SignOnLink = z
  .object({
    url: z.string().meta({ description: "The candidate's own link to the exam; works until expiresAt" }),
    expiresAt: timestamp,
  })
  .register(v1Schemas, { id: 'SignOnLink' });

export const v1DecisionInput = z.object({ decision }).strict().register(v1Schemas, { id: 'DecisionInput' });
export const v1DecisionResult = z.object({ session: v1SessionSummary }).register(v1Schemas, { id: 'DecisionResult' });

export interface V1Route {
  method: 'GET' | 'POST' | 'PATCH' | 'PUT';
  path: string;
  summary: string;
  /** The key needs this scope, else 403. */
  scope: ApiKeyScope;
  params: z.ZodType | null;
  query: z.ZodType | null;
  body: z.ZodType | null;
  /** Status of a success. */
  status: 200 | 201;
  response: z.ZodType;
}

const read = { scope: 'read', body: null, status: 200 } as const;

/** Every /api/v1 route; the routes and the OpenAPI document are both built from this table. */
export const v1Api = {
  listExams: { ...read, method: 'GET', path: '/api/v1/exams', summary: 'Exams the key may read, newest window first', params: null, query: pageQuery, response: v1ExamList },
  createExam: {
    method: 'POST',
    path: '/api/v1/exams',
    summary: 'Create an exam (global keys only)',
    scope: 'write',
    params: null,
    query: null,
    body: v1ExamCreate,
    status: 201,
    response: v1ExamDetail,
  },
  updateExam: {
    method: 'PATCH',
    path: '/api/v1/exams/:id',
    summary: 'Change an exam: the fields sent change, the others stay',
    scope: 'write',
    params: idParams,
    query: null,
    body: v1ExamUpdate,
    status: 200,
    response: v1ExamDetail,
  },
  examCandidates: {
    ...read,
    method: 'GET',
    path: '/api/v1/exams/:id/candidates',
    summary: 'Candidates with a session in the exam',
    params: idParams,
    query: null,
    response: v1CandidateList,
  },
  upsertCandidates: {
    method: 'PUT',
    path: '/api/v1/exams/:id/candidates',
    summary: 'Add or update candidates of the exam (idempotent: matched by externalId, then IIN, then e-mail) and give each a session',
    scope: 'write',
    params: idParams,
    query: null,
    body: v1CandidatesUpsert,
    status: 200,
    response: v1CandidatesUpserted,
  },
  examSessions: { ...read, method: 'GET', path: '/api/v1/exams/:id/sessions', summary: "The exam's sessions, newest start first", params: idParams, query: pageQuery, response: v1SessionList },
  session: {
    ...read,
    method: 'GET',
    path: '/api/v1/sessions/:id',
    summary: 'One session: result, honesty breakdown, violations, recordings metadata, report links',
    params: idParams,
    query: null,
    response: v1SessionDetail,
  },
  signOnLink: {
    method: 'POST',
    path: '/api/v1/sessions/:id/sign-on-link',
    summary: "A fresh link for the session's candidate (valid until the exam's end plus a grace period)",
    scope: 'write',
    params: idParams,
    query: null,
    body: null,
    status: 201,
    response: v1SignOnLink,
  },
  setDecision: {
    method: 'PUT',
    path: '/api/v1/sessions/:id/decision',
    summary: "Set the session's decision (as a reviewer does; audit-logged under the key's name)",
    scope: 'write',
    params: idParams,
    query: null,
    body: v1DecisionInput,
    status: 200,
    response: v1DecisionResult,
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
