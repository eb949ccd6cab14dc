/** Administration of staff accounts: role, language, password (set or mailed), archive. */
import {
  clearLoginFailures,
  createUser,
  deleteUserSessionsOfUser,
  getUserById,
  getUserListItem,
  inTransaction,
  listUsers,
  setUserArchived,
  setUserPasswordHash,
  updateUser,
  type DB,
} from '@proctor/db';
import { type AdminUser, type AdminUserPage, type AdminUserResponse, type PasswordChoice } from '../contract/api/admin.ts';
import { AdminFieldError, DomainError } from '../domain/errors.ts';
import { hashPassword, type ClientInfo, type SessionUser } from './auth.service.ts';
import { AdminEntityService, notFound, taken, isUniqueViolation, paging, changes, toUser, type UserListQuery, type UserInput, type NewUserInput } from './admin-context.ts';
import type { Kysely } from 'kysely';

export class AdminUserService extends AdminEntityService {
  async listUsers(q: UserListQuery): Promise<AdminUserPage> {
    const page = await listUsers(this.deps.db, { search: q.search, archived: q.archived, role: q.role, ...paging(q) });
    return { items: page.rows.map(toUser), total: page.total, page: q.page, pageSize: q.pageSize };
  }

  async getUser(id: string, db: Kysely<DB> = this.deps.db): Promise<AdminUser> {
    const row = await getUserListItem(db, id);
    if (!row) throw notFound('user');
    return toUser(row);
  }

  async createUser(actor: SessionUser, input: NewUserInput, client: ClientInfo): Promise<AdminUserResponse> {
    const { password, ...fields } = input;
    const passwordHash = password.kind === 'set' ? await hashPassword(password.password) : null;
    let user: AdminUser;
    try {
      user = await inTransaction(this.deps.db, async (trx) => {
        const id = await createUser(trx, { ...fields, passwordHash });
        await this.log(trx, actor, 'admin.user.created', { userId: id, ...fields, password: password.kind });
        return this.getUser(id, trx);
      });
    } catch (err) {
      if (isUniqueViolation(err, 'users_email_key')) throw taken('email', 'An account with this e-mail already exists.');
      throw err;
    }
    if (password.kind === 'email') {
      await this.deps.auth.requestPasswordReset(user.email, client);
      return { user, passwordMailQueued: true };
    }
    return { user };
  }

  async updateUser(actor: SessionUser, id: string, input: UserInput): Promise<AdminUser> {
    if (id === actor.id && input.role !== 'admin') {
      throw new AdminFieldError('bad_request', 'You cannot take the admin role from yourself.', 'role', 'self');
    }
    try {
      return await inTransaction(this.deps.db, async (trx) => {
        const before = await getUserById(trx, id);
        if (!before) throw notFound('user');
        const diff = changes(before, input);
        if (Object.keys(diff).length > 0) {
          await updateUser(trx, id, input);
          // A demoted admin must not keep an admin session (the role is read per request, but
          // cutting sessions on role or e-mail changes is the expected outcome).
          if (diff.role || diff.email) await deleteUserSessionsOfUser(trx, id);
          await this.log(trx, actor, 'admin.user.updated', { userId: id, email: input.email, changes: diff });
        }
        return this.getUser(id, trx);
      });
    } catch (err) {
      if (isUniqueViolation(err, 'users_email_key')) throw taken('email', 'An account with this e-mail already exists.');
      throw err;
    }
  }

  /** Sets the password (the user is signed out everywhere) or e-mails a set-password link. */
  async setUserPassword(actor: SessionUser, id: string, choice: PasswordChoice, client: ClientInfo): Promise<AdminUserResponse> {
    const { db, auth } = this.deps;
    const user = await getUserById(db, id);
    if (!user) throw notFound('user');
    if (user.archivedAt) throw new DomainError('bad_request', 'This account is archived; restore it first.');
    if (choice.kind === 'email') {
      await this.log(db, actor, 'admin.user.password_link_sent', { userId: id, email: user.email });
      await auth.requestPasswordReset(user.email, client);
      return { user: await this.getUser(id), passwordMailQueued: true };
    }
    const passwordHash = await hashPassword(choice.password);
    await inTransaction(db, async (trx) => {
      await setUserPasswordHash(trx, id, passwordHash);
      if (id !== actor.id) await deleteUserSessionsOfUser(trx, id);
      await clearLoginFailures(trx, user.email);
      await this.log(trx, actor, 'admin.user.password_set', { userId: id, email: user.email });
    });
    return { user: await this.getUser(id) };
  }

  async setUserArchived(actor: SessionUser, id: string, archived: boolean): Promise<void> {
    if (archived && id === actor.id) throw new AdminFieldError('bad_request', 'You cannot archive your own account.', 'id', 'self');
    await inTransaction(this.deps.db, async (trx) => {
      const before = await getUserById(trx, id);
      if (!before) throw notFound('user');
      if (Boolean(before.archivedAt) === archived) return;
      await setUserArchived(trx, id, archived ? this.now() : null);
      if (archived) await deleteUserSessionsOfUser(trx, id);
      await this.log(trx, actor, archived ? 'admin.user.archived' : 'admin.user.unarchived', { userId: id, email: before.email });
    });
  }
}
