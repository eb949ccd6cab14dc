/**
 * `proctor_http_request_duration_seconds{method,route,code}`: time from the request's
 * arrival to the end of its answer. `route` is the API route's pattern (bounded labels,
 * no ids), `(static)` for UI files and `(page)` for UI pages.
 */
import type { FastifyInstance } from 'fastify';
import { Histogram, type Registry } from 'prom-client';
import { isStaticAsset } from '../http/request-kind.ts';

export function installHttpMetrics(app: FastifyInstance, registry: Registry): void {
  const duration = new Histogram({
    name: 'proctor_http_request_duration_seconds',
    help: 'HTTP request latency, by API route (or static/page for the UI)',
    labelNames: ['method', 'route', 'code'],
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
    registers: [registry],
  });
  app.addHook('onRequest', (req, reply, done) => {
    const stop = duration.startTimer();
    reply.raw.once('finish', () => {
      const pathname = (req.raw.url ?? '/').split('?')[0] ?? '/';
      const route = req.routeOptions.url ?? (isStaticAsset(pathname) ? '(static)' : '(page)');
      stop({ method: req.method, route, code: String(reply.raw.statusCode) });
    });
    done();
  });
}
