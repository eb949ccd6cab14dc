import type { ExpressionBuilder, Kysely } from 'kysely';
import type { Locale, UserRole } from '../enums.ts';
import type { DB, User } from '../schema.ts';
import { archivedOperator, containsPattern, type AdminListOptions, type AdminListPage } from './admin-list.ts';

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

export interface UserListItem {
  id: string;
  email: string;
  fullName: string;
  iin: string | null;
  role: UserRole;
  locale: Locale;
  hasPassword: boolean;
  archivedAt: Date | null;
  createdAt: Date;
  /** Exams the user is assigned to as a proctor. */
  examCount: number;
}

function userListQuery(db: Kysely<DB>) {
  return db.selectFrom('users as u');
}

function userListColumns(eb: ExpressionBuilder<DB & { u: DB['users'] }, 'u'>) {
  return [
    'u.id',
    'u.email',
    'u.fullName',
    'u.iin',
    'u.role',
    'u.locale',
    eb('u.passwordHash', 'is not', null).as('hasPassword'),
    'u.archivedAt',
    'u.createdAt',
    eb.selectFrom('examProctors as ep').whereRef('ep.userId', '=', 'u.id').select(eb.fn.countAll<number>().as('n')).as('examCount'),
  ] as const;
}

const toUserListItem = (
  r: Omit<UserListItem, 'examCount' | 'hasPassword'> & { examCount: number | null; hasPassword: unknown },
): UserListItem => ({
  ...r,
  hasPassword: r.hasPassword === true,
  examCount: Number(r.examCount ?? 0),
});

/** Administration list of staff accounts by name; the search matches name or e-mail. */
export async function listUsers(db: Kysely<DB>, opts: AdminListOptions & { role?: UserRole }): Promise<AdminListPage<UserListItem>> {
  let base = userListQuery(db);
  const op = archivedOperator(opts.archived);
  if (op) base = base.where('u.archivedAt', op, null);
  if (opts.role) base = base.where('u.role', '=', opts.role);
  if (opts.search) {
    const pattern = containsPattern(opts.search);
    base = base.where((eb) => eb.or([eb('u.fullName', 'ilike', pattern), eb('u.email', 'ilike', pattern)]));
  }
  const [rows, count] = await Promise.all([
    base.select(userListColumns).orderBy('u.fullName').orderBy('u.id').limit(opts.limit).offset(opts.offset).execute(),
    base.select((eb) => eb.fn.countAll<number>().as('total')).executeTakeFirstOrThrow(),
  ]);
  return { rows: rows.map(toUserListItem), total: count.total };
}

export async function getUserListItem(db: Kysely<DB>, id: string): Promise<UserListItem | undefined> {
  const row = await userListQuery(db).select(userListColumns).where('u.id', '=', id).executeTakeFirst();
  return row && toUserListItem(row);
}

export interface CreateUserInput {
  email: string;
  fullName: string;
  iin: string | null;
  role: UserRole;
  locale: Locale;
  passwordHash: string | null;
}

/** Throws the unique violation (23505) when the e-mail is taken (case-insensitively). */
export async function createUser(db: Kysely<DB>, input: CreateUserInput): Promise<string> {
  const row = await db
    .insertInto('users')
    .values({ ...input, email: input.email.trim() })
    .returning('id')
    .executeTakeFirstOrThrow();
  return row.id;
}

/** false when there is no such user. */
export async function updateUser(
  db: Kysely<DB>,
  id: string,
  input: { email: string; fullName: string; iin: string | null; role: UserRole; locale: Locale },
): Promise<boolean> {
  const result = await db
    .updateTable('users')
    .set({ ...input, email: input.email.trim() })
    .where('id', '=', id)
    .executeTakeFirst();
  return result.numUpdatedRows > 0n;
}

/** Archives (a date: the user can no longer sign in) or restores (null); false when there is no such user. */
export async function setUserArchived(db: Kysely<DB>, id: string, archivedAt: Date | null): Promise<boolean> {
  const result = await db.updateTable('users').set({ archivedAt }).where('id', '=', id).executeTakeFirst();
  return result.numUpdatedRows > 0n;
}

/** Live proctor accounts for drop-downs, by name. */
export function listActiveProctors(db: Kysely<DB>): Promise<{ id: string; fullName: string; email: string }[]> {
  return db
    .selectFrom('users')
    .select(['id', 'fullName', 'email'])
    .where('role', '=', 'proctor')
    .where('archivedAt', 'is', null)
    .orderBy('fullName')
    .orderBy('id')
    .execute();
}

/** The users among `ids` (any role, archived too). */
export function getUsersByIds(db: Kysely<DB>, ids: string[]): Promise<User[]> {
  if (ids.length === 0) return Promise.resolve([]);
  return db.selectFrom('users').selectAll().where('id', 'in', ids).execute();
}
