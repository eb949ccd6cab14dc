/**
 * Headers on every response fastify itself sends (the API, /dev/mail, health): nothing of
 * ours may be framed by another site or sniffed into another type. Pages rendered by
 * SvelteKit get theirs (with the full CSP) in web/src/hooks.server.ts.
 */
import type { FastifyInstance } from 'fastify';

export function securityHeaders(app: FastifyInstance): void {
  app.addHook('onSend', async (_req, reply, payload) => {
    if (!reply.hasHeader('x-frame-options')) reply.header('x-frame-options', 'SAMEORIGIN');
    if (!reply.hasHeader('x-content-type-options')) reply.header('x-content-type-options', 'nosniff');
    if (!reply.hasHeader('content-security-policy')) reply.header('content-security-policy', "frame-ancestors 'self'");
    return payload;
  });
}
