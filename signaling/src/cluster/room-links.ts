/**
 * Where a candidate or proctor link must be opened: on the media node that holds the
 * exam's room. Used by the page redirect (http/room-redirect.ts) before the UI is served.
 *
 *   /exam?token=<candidate token>          → the token's session → its exam
 *   /proctor/exams/<examId>/live[?token=]  → that exam (staff token or session cookie)
 *
 * A link this node can serve claims the room here (nobody live holds it). Anything it cannot
 * read (no or bad token, unknown exam) is served as it is: the page explains the problem.
 */
import type { IncomingHttpHeaders } from 'node:http';
import type { Kysely } from 'kysely';
import type { Logger } from 'pino';
import { getSessionForJoin, type DB } from '@proctor/db';
import { mintToken, verifyToken } from '../auth/token.ts';
import type { TokenClaims } from '../contract/token.ts';
import type { RoomOwner } from './room-ownership.ts';

const PROCTOR_LIVE = /^\/proctor\/exams\/([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})\/live\/?$/i;

export interface RoomLinksDeps {
  db: Kysely<DB>;
  tokenSecret: string;
  claim(examId: string): Promise<Pick<RoomOwner, 'mine' | 'nodeUrl'>>;
  /** The signed-in proctor/admin of a request (session cookie), or null. */
  sessionClaims(headers: IncomingHttpHeaders): Promise<TokenClaims | null>;
  log: Logger;
}

export class RoomLinks {
  constructor(private readonly deps: RoomLinksDeps) {}

  /** Cheap test on the path alone, so other requests never touch the database. */
  static isRoomLink(pathname: string): boolean {
    return pathname === '/exam' || pathname === '/exam/' || PROCTOR_LIVE.test(pathname);
  }

  /** The absolute URL to send this browser to, or null to serve the page here. */
  async redirectFor(url: URL, headers: IncomingHttpHeaders): Promise<string | null> {
    const target = await this.#target(url, headers);
    if (!target) return null;
    let owner: Pick<RoomOwner, 'mine' | 'nodeUrl'>;
    try {
      owner = await this.deps.claim(target.examId);
    } catch (err) {
      // The exam does not exist (foreign key) or the database is away: the page says what is wrong.
      this.deps.log.warn({ err, examId: target.examId }, 'room lease lookup failed; serving the link here');
      return null;
    }
    if (owner.mine) return null;
    const next = new URL(url.pathname + url.search, owner.nodeUrl);
    // The holder is another origin: a staff member signed in here is not signed in there, so
    // the link carries a token for them, valid as long as their session here.
    if (target.staff && !next.searchParams.has('token')) {
      const ttl = target.staff.exp - Math.floor(Date.now() / 1000);
      if (ttl > 0) next.searchParams.set('token', mintToken({ role: target.staff.role, userId: target.staff.userId }, this.deps.tokenSecret, ttl));
    }
    return next.href;
  }

  async #target(url: URL, headers: IncomingHttpHeaders): Promise<{ examId: string; staff?: StaffClaims } | null> {
    const token = url.searchParams.get('token');
    const claims = token ? this.#verify(token) : null;
    const proctorExam = PROCTOR_LIVE.exec(url.pathname)?.[1]?.toLowerCase();
    if (!proctorExam) {
      if (claims?.role !== 'candidate') return null;
      const session = await getSessionForJoin(this.deps.db, claims.sessionId);
      return session ? { examId: session.examId } : null;
    }
    if (claims && claims.role !== 'candidate') return { examId: proctorExam };
    if (token) return null;
    // Only signed-in staff move rooms around: an anonymous visitor claims nothing.
    const cookie = await this.deps.sessionClaims(headers).catch(() => null);
    if (!cookie || cookie.role === 'candidate') return null;
    return { examId: proctorExam, staff: cookie };
  }

  #verify(token: string): TokenClaims | null {
    try {
      return verifyToken(token, this.deps.tokenSecret);
    } catch {
      return null;
    }
  }
}

type StaffClaims = Exclude<TokenClaims, { role: 'candidate' }>;
