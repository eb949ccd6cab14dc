/**
 * One log line per finished request, replacing fastify's two (incoming + completed) so a
 * terminal is readable: static UI files are logged at debug (a page load fetches dozens),
 * pages and API calls at info; tokens in the URL are redacted.
 */
import type { FastifyInstance } from 'fastify';
import { isStaticAsset, redactTokens } from './request-kind.ts';

export function installRequestLog(app: FastifyInstance): void {
  app.addHook('onRequest', (req, reply, done) => {
    const started = performance.now();
    reply.raw.once('close', () => {
      const url = req.raw.url ?? '/';
      const pathname = url.split('?')[0] ?? '/';
      const level = isStaticAsset(pathname) ? 'debug' : 'info';
      req.log[level](
        {
          // Flat keys: fastify's `req`/`res` serializers would reshape nested objects.
          method: req.method,
          url: redactTokens(url),
          statusCode: reply.raw.statusCode,
          responseTime: Math.round(performance.now() - started),
          ip: req.ip,
          ...(reply.raw.writableFinished ? {} : { aborted: true }),
        },
        'request completed',
      );
    });
    done();
  });
}
