import type { Kysely } from 'kysely';
import type { Locale, UserRole } from '../enums.ts';
import type { DB } from '../schema.ts';

export interface CreateUserSessionInput {
  userId: string;
  /** Hash of the cookie token; the token itself is never stored. */
  tokenHash: string;
  createdAt: Date;
  expiresAt: Date;
  ip: string | null;
  userAgent: string | null;
}

export async function createUserSession(db: Kysely<DB>, input: CreateUserSessionInput): Promise<string> {
  const row = await db
    .insertInto('userSessions')
    .values({ ...input, lastSeenAt: input.createdAt })
    .returning('id')
    .executeTakeFirstOrThrow();
  return row.id;
}

/** A live session with the fields of its user that every request needs. */
export interface ActiveUserSession {
  sessionId: string;
  createdAt: Date;
  expiresAt: Date;
  lastSeenAt: Date;
  userId: string;
  email: string;
  fullName: string;
  iin: string | null;
  role: UserRole;
  locale: Locale;
}

/** The session with this token hash if it has not expired and its user is not archived. */
export function findActiveUserSession(db: Kysely<DB>, tokenHash: string, now: Date): Promise<ActiveUserSession | undefined> {
  return db
    .selectFrom('userSessions as s')
    .innerJoin('users as u', 'u.id', 's.userId')
    .select([
      's.id as sessionId',
      's.createdAt',
      's.expiresAt',
      's.lastSeenAt',
      'u.id as userId',
      'u.email',
      'u.fullName',
      'u.iin',
      'u.role',
      'u.locale',
    ])
    .where('s.tokenHash', '=', tokenHash)
    .where('s.expiresAt', '>', now)
    .where('u.archivedAt', 'is', null)
    .executeTakeFirst();
}

/** Sliding expiry: records activity and pushes the expiry out. */
export async function touchUserSession(db: Kysely<DB>, id: string, at: { lastSeenAt: Date; expiresAt: Date }): Promise<void> {
  await db.updateTable('userSessions').set(at).where('id', '=', id).execute();
}

export async function deleteUserSession(db: Kysely<DB>, id: string): Promise<void> {
  await db.deleteFrom('userSessions').where('id', '=', id).execute();
}

/** Signs the user out everywhere (e.g. after a password reset); returns how many sessions ended. */
export async function deleteUserSessionsOfUser(db: Kysely<DB>, userId: string): Promise<number> {
  const result = await db.deleteFrom('userSessions').where('userId', '=', userId).executeTakeFirst();
  return Number(result.numDeletedRows);
}

export async function deleteExpiredUserSessions(db: Kysely<DB>, userId: string, now: Date): Promise<void> {
  await db.deleteFrom('userSessions').where('userId', '=', userId).where('expiresAt', '<=', now).execute();
}
