/**
 * Candidate and proctor links opened on a media node that does not hold the exam's room
 * are answered with a redirect to the node that does (cluster/room-links.ts). Registered
 * before the UI so the page is never served by the wrong node.
 */
import type { FastifyInstance } from 'fastify';
import { RoomLinks } from '../cluster/room-links.ts';

export function installRoomRedirect(app: FastifyInstance, links: RoomLinks): void {
  app.addHook('onRequest', async (req, reply) => {
    if (req.method !== 'GET' && req.method !== 'HEAD') return;
    const url = new URL(req.raw.url ?? '/', 'http://node.invalid');
    if (!RoomLinks.isRoomLink(url.pathname)) return;
    const location = await links.redirectFor(url, req.headers);
    if (!location) return;
    // 307: the browser repeats the same GET at the new address; never cached (rooms move).
    return reply.code(307).header('cache-control', 'no-store').header('location', location).send();
  });
}
