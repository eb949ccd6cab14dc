/**
 * `/api/docs`: the OpenAPI 3.1 document of /api/v1 (JSON at /api/docs/openapi.json) and a
 * plain HTML page listing it, rendered here without scripts or outside assets (works on an
 * offline install and under the strict headers). Public: it documents, it reveals no data.
 */
import type { FastifyPluginAsync } from 'fastify';
import { API_DOCS_JSON_PATH, API_DOCS_PATH } from '../../contract/api/v1.ts';
import { buildOpenApi } from '../openapi.ts';

const escape = (s: string) => s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

function html(doc: ReturnType<typeof buildOpenApi>): string {
  const info = doc.info as { title: string; description: string };
  const rows: string[] = [];
  for (const [path, ops] of Object.entries(doc.paths as Record<string, Record<string, { summary: string; parameters: { name: string; in: string }[] }>>)) {
    for (const [method, op] of Object.entries(ops)) {
      const params = op.parameters.map((p) => `${escape(p.name)} (${p.in})`).join(', ');
      rows.push(`<tr><td><code>${method.toUpperCase()}</code></td><td><code>${escape(path)}</code></td><td>${escape(op.summary)}</td><td>${params}</td></tr>`);
    }
  }
  const hooks = Object.entries((doc.webhooks ?? {}) as Record<string, { post: { summary: string } }>)
    .map(([type, op]) => `<tr><td><code>${escape(type)}</code></td><td>${escape(op.post.summary)}</td></tr>`)
    .join('');
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>${escape(info.title)}</title>
<style>body{font:15px system-ui,sans-serif;max-width:60rem;margin:2rem auto;padding:0 1rem}table{border-collapse:collapse;width:100%}td,th{border-bottom:1px solid #ddd;padding:.4rem;text-align:left;vertical-align:top}</style>
</head><body><h1>${escape(info.title)}</h1><p>${escape(info.description)}</p>
<p>Machine-readable: <a href="${API_DOCS_JSON_PATH}">OpenAPI 3.1 JSON</a>.</p>
<table><thead><tr><th>Method</th><th>Path</th><th>What</th><th>Parameters</th></tr></thead><tbody>${rows.join('')}</tbody></table>
<h2>Webhooks</h2><p>Signed POSTs to your endpoint: <code>X-Proctor-Signature: t=&lt;unix&gt;,v1=&lt;hex HMAC-SHA256 of "t.body"&gt;</code>; reject t older than 300 s. Bodies: <code>{ id, type, occurredAt, data }</code> (schemas under <code>webhooks</code> in the JSON).</p>
<table><thead><tr><th>Event</th><th>What</th></tr></thead><tbody>${hooks}</tbody></table></body></html>`;
}

export const apiDocsRoutes: FastifyPluginAsync<{ publicOrigin: string }> = async (app, { publicOrigin }) => {
  // Built once: the contract does not change while the process runs.
  const doc = buildOpenApi({ serverUrl: publicOrigin });
  const page = html(doc);
  app.get(API_DOCS_JSON_PATH, async () => doc);
  app.get(API_DOCS_PATH, async (_req, reply) => reply.type('text/html; charset=utf-8').send(page));
};
