/**
 * The OpenAPI 3.1 document of `/api/v1`, generated from the zod contract (contract/api/v1.ts)
 * with zod's own `z.toJSONSchema` (JSON Schema 2020-12, which OpenAPI 3.1 uses as is): the
 * routes and the document come from the same table, so they cannot drift apart silently —
 * and tests/integration/api-v1.test.ts fails if a registered /api/v1 route is missing.
 */
import { z } from 'zod';
import { V1_BODY_LIMIT, v1Api, v1Schemas, type V1Route } from '../contract/api/v1.ts';
import { webhookBodySchema, webhookEventTypes } from '../contract/domain-events.ts';

type JsonSchema = Record<string, unknown>;

/** `/api/v1/exams/:id` → `/api/v1/exams/{id}`. */
export const openApiPath = (path: string) => path.replace(/:([A-Za-z0-9_]+)/g, '{$1}');

const COMPONENTS = '#/components/schemas/';

/** Every registered (named) schema, referring to each other through components.schemas. */
function components(): Record<string, JsonSchema> {
  const generate = (io: 'input' | 'output') =>
    z.toJSONSchema(v1Schemas, { target: 'draft-2020-12', io, unrepresentable: 'any', uri: (id) => `${COMPONENTS}${id}` }).schemas as Record<string, JsonSchema>;
  // Responses as the server sends them; request bodies as a client writes them (before the
  // schemas' transforms: a name is a string, a time an ISO string).
  const schemas = generate('output');
  const inputs = generate('input');
  for (const route of Object.values(v1Api) as V1Route[]) {
    const id = route.body && v1Schemas.get(route.body)?.id;
    if (id && inputs[id]) schemas[id] = inputs[id];
  }
  // zod names each one by $id = its uri; the component's key already names it, and a
  // fragment-only $id is not valid JSON Schema 2020-12.
  for (const schema of Object.values(schemas)) {
    delete schema.$schema;
    delete schema.$id;
  }
  return schemas;
}

/** A route's body or response: a reference to its named schema (every one is registered). */
function responseRef(schema: z.ZodType): JsonSchema {
  const id = v1Schemas.get(schema)?.id;
  if (!id) throw new Error('every /api/v1 body and response schema must be registered in v1Schemas');
  return { $ref: `${COMPONENTS}${id}` };
}

function schemaOf(schema: z.ZodType, io: 'input' | 'output'): JsonSchema {
  const json = z.toJSONSchema(schema, { target: 'draft-2020-12', io, unrepresentable: 'any' }) as JsonSchema;
  delete json.$schema;
  return json;
}

function parameters(route: V1Route) {
  const out: JsonSchema[] = [];
  for (const [where, schema] of [['path', route.params], ['query', route.query]] as const) {
    if (!schema) continue;
    const json = schemaOf(schema, 'input') as { properties?: Record<string, JsonSchema>; required?: string[] };
    for (const [name, prop] of Object.entries(json.properties ?? {})) {
      out.push({ name, in: where, required: where === 'path' || (json.required ?? []).includes(name), schema: prop });
    }
  }
  return out;
}

const errorResponse = (description: string) => ({ description, content: { 'application/json': { schema: { $ref: '#/components/schemas/Error' } } } });

const SIGNATURE_DOC =
  'Signed: `X-Proctor-Signature: t=<unix seconds>,v1=<hex HMAC-SHA256 of "<t>.<raw body>" with the endpoint secret>`. ' +
  'Reject a delivery whose t is more than 300 s from your clock (replay window) or whose MAC differs (compare in constant time). ' +
  'Answer 2xx within 10 s; anything else is retried with exponential backoff for about 24 h. Deliveries of one session come in order; ' +
  'the event id (also in X-Proctor-Event-Id) is the same on every retry and redelivery: deduplicate on it.';

const header = (name: string, description: string) => ({ name, in: 'header', required: true, schema: { type: 'string' }, description });

/** OpenAPI 3.1 `webhooks`: one POST per event type, the body from the domain-event contract. */
function webhooks(): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const type of webhookEventTypes) {
    out[type] = {
      post: {
        operationId: `webhook_${type.replace('.', '_')}`,
        summary: domainEventSummaries[type],
        description: SIGNATURE_DOC,
        parameters: [
          header('X-Proctor-Signature', 't=<unix seconds>,v1=<hex HMAC-SHA256>'),
          header('X-Proctor-Event', 'The event type'),
          header('X-Proctor-Event-Id', 'The event id (deduplicate on it)'),
          header('X-Proctor-Delivery', 'This delivery (the admin log shows it)'),
        ],
        requestBody: { required: true, content: { 'application/json': { schema: schemaOf(webhookBodySchema(type), 'output') } } },
        responses: { '2XX': { description: 'Accepted; anything else is retried' } },
      },
    };
  }
  return out;
}

const domainEventSummaries: Record<(typeof webhookEventTypes)[number], string> = {
  'session.started': 'A candidate\'s session started (media connected for the first time)',
  'session.finished': 'A session finished: the candidate finished or a proctor stopped the exam',
  'attempt.started': 'The candidate connected: an attempt (1, 2, … per session; a reconnect is a new one) started',
  'attempt.ended': 'An attempt ended (left, finished, disconnected, replaced by a newer tab, …)',
  'violation.created': 'A violation was recorded (in the browser or by the server\'s checks)',
  'decision.changed': 'A reviewer changed the session\'s decision',
  'recording.ready': 'A recording was finalised and can be played or downloaded',
};

export function buildOpenApi(opts: { serverUrl?: string } = {}): JsonSchema {
  const paths: Record<string, Record<string, unknown>> = {};
  for (const [operationId, route] of Object.entries(v1Api) as [string, V1Route][]) {
    const path = openApiPath(route.path);
    paths[path] ??= {};
    const responses: Record<string, unknown> = {
      [route.status]: { description: route.status === 201 ? 'Created' : 'OK', content: { 'application/json': { schema: responseRef(route.response) } } },
      400: errorResponse(route.body ? 'The body or a query parameter is invalid (the message names the field)' : 'A query parameter is invalid'),
      401: errorResponse('No key, a malformed, unknown or revoked key'),
      403: errorResponse(`The key has no "${route.scope}" scope${operationId === 'createExam' ? ', or it is limited to one exam' : ''}`),
      404: errorResponse("No such record, or one outside the key's exam"),
      429: { ...errorResponse('Too many requests with this key'), headers: { 'Retry-After': { description: 'Seconds until the key may call again', schema: { type: 'integer' } } } },
    };
    if (route.body) responses[413] = errorResponse(`The body is larger than ${V1_BODY_LIMIT} bytes`);
    if (route.scope === 'write') responses[409] = errorResponse('The request conflicts with the stored state (e.g. an IIN of another candidate, a finished session)');
    paths[path][route.method.toLowerCase()] = {
      operationId,
      summary: route.summary,
      'x-scope': route.scope,
      security: [{ apiKey: [] }],
      parameters: parameters(route),
      ...(route.body ? { requestBody: { required: true, content: { 'application/json': { schema: responseRef(route.body) } } } } : {}),
      responses,
    };
  }
  return {
    openapi: '3.1.0',
    info: {
      title: 'Proctoring REST API',
      version: '1.0.0',
      description:
        'API for LMS integrations. Authenticate with an API key created by an administrator: `Authorization: Bearer pk_…`. Each operation needs the scope in its `x-scope` (read or write; else 403). ' +
        'A key made for one exam sees only that exam (others answer 404) and cannot create exams. Requests are limited per key: 429 with Retry-After. ' +
        'Webhooks (Administration → Webhooks) post the events under `webhooks` to your URL, signed with the endpoint secret.',
    },
    ...(opts.serverUrl ? { servers: [{ url: opts.serverUrl }] } : {}),
    paths,
    webhooks: webhooks(),
    components: { schemas: components(), securitySchemes: { apiKey: { type: 'http', scheme: 'bearer', description: 'API key (pk_…)' } } },
  };
}
