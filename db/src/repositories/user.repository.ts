import type { Kysely } from 'kysely';
import type { Locale, UserRole } from '../enums.ts';
import type { DB, User } from '../schema.ts';

export function getUserById(db: Kysely<DB>, id: string): Promise<User | undefined> {
  return db.selectFrom('users').selectAll().where('id', '=', id).executeTakeFirst();
}

/** Case-insensitive (the column is citext). Archived users are returned too; callers decide. */
export function getUserByEmail(db: Kysely<DB>, email: string): Promise<User | undefined> {
  return db.selectFrom('users').selectAll().where('email', '=', email.trim()).executeTakeFirst();
}

export interface UpsertUserInput {
  email: string;
  fullName: string;
  role: UserRole;
  iin?: string | null;
  locale?: Locale;
  /** Only written when given, so re-running a seed never resets a changed password. */
  passwordHash?: string | null;
}

/** Creates the user or updates name/role/IIN/locale of the one with this e-mail; returns its id. */
export async function upsertUserByEmail(db: Kysely<DB>, input: UpsertUserInput): Promise<string> {
  const row = await db
    .insertInto('users')
    .values({ ...input, email: input.email.trim() })
    .onConflict((oc) =>
      oc.column('email').doUpdateSet((eb) => ({
        fullName: eb.ref('excluded.fullName'),
        role: eb.ref('excluded.role'),
        iin: eb.ref('excluded.iin'),
        locale: eb.ref('excluded.locale'),
        ...(input.passwordHash !== undefined ? { passwordHash: eb.ref('excluded.passwordHash') } : {}),
      })),
    )
    .returning('id')
    .executeTakeFirstOrThrow();
  return row.id;
}

export async function setUserPasswordHash(db: Kysely<DB>, id: string, passwordHash: string): Promise<void> {
  await db.updateTable('users').set({ passwordHash }).where('id', '=', id).execute();
}

export async function setUserLocale(db: Kysely<DB>, id: string, locale: Locale): Promise<void> {
  await db.updateTable('users').set({ locale }).where('id', '=', id).execute();
}
