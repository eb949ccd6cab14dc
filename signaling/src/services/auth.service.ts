/**
 * Sign-in for proctors and admins: passwords, cookie sessions, the per-account lock-out,
 * password reset by e-mail and the language preference. HTTP-free (routes in
 * http/routes/auth.routes.ts map requests onto it) so the socket server shares it.
 *
 * Secrets are random 256-bit tokens; only their SHA-256 is stored, so a database leak does
 * not hand out sessions or reset links. A fast hash is enough for such tokens (unlike for
 * passwords, which use argon2id).
 */
import { createHash, randomBytes } from 'node:crypto';
import type { IncomingHttpHeaders } from 'node:http';
import { isIP } from 'node:net';
import { hash, verify } from '@node-rs/argon2';
import { fastifyCookie } from '@fastify/cookie';
import type { Kysely } from 'kysely';
import type { Logger } from 'pino';
import {
  appendAction,
  clearLoginFailures,
  consumePasswordReset,
  countPasswordResetsSince,
  createPasswordReset,
  createUserSession,
  deleteExpiredUserSessions,
  deleteLoginFailuresBefore,
  deleteUserSession,
  deleteUserSessionsOfUser,
  findActiveUserSession,
  getPasswordResetByTokenHash,
  getUserByEmail,
  getUserById,
  inTransaction,
  loginFailuresSince,
  recordLoginFailure,
  setUserLocale,
  setUserPasswordHash,
  touchUserSession,
  voidPasswordResetsOfUser,
  type DB,
  type Locale,
  type User,
} from '@proctor/db';
import { RESET_PASSWORD_PAGE, SESSION_COOKIE, type AuthUser } from '../contract/api/auth.ts';
import type { TokenClaims } from '../contract/token.ts';
import { TokenError } from '../auth/token.ts';
import { checkOrigin } from '../auth/origin.ts';
import { DomainError } from '../domain/errors.ts';
import type { Mailer, MailMessage } from './mail.service.ts';

export interface AuthLimits {
  /** A session unused this long expires (sliding: every use pushes it out). */
  sessionIdleMs: number;
  /** …and never lives longer than this after sign-in. Also the cookie's Max-Age. */
  sessionMaxMs: number;
  /** Failed sign-ins per e-mail within the window before the account locks. */
  maxFailedLogins: number;
  failedLoginWindowMs: number;
  resetTokenTtlMs: number;
  /** Reset e-mails per account per hour; more requests are accepted but send nothing. */
  resetMailsPerHour: number;
  /** Per-IP limits of the unauthenticated routes (per media node, in memory). */
  loginsPerIpPerMinute: number;
  resetRequestsPerIpPerMinute: number;
}

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;

export const DEFAULT_AUTH_LIMITS: AuthLimits = {
  // A working day of inactivity signs out; the UI handles candidates' personal data.
  sessionIdleMs: 12 * HOUR,
  sessionMaxMs: 7 * 24 * HOUR,
  maxFailedLogins: 5,
  failedLoginWindowMs: 15 * MINUTE,
  resetTokenTtlMs: HOUR,
  resetMailsPerHour: 3,
  loginsPerIpPerMinute: 20,
  resetRequestsPerIpPerMinute: 5,
};

/** Activity is written at most this often per session, not on every request. */
const TOUCH_EVERY_MS = MINUTE;

/** The signed-in user as every route sees it (`request.user`). */
export interface SessionUser extends AuthUser {
  iin: string | null;
  sessionId: string;
  sessionExpiresAt: Date;
}

export interface ClientInfo {
  ip: string;
  userAgent: string | undefined;
}

export interface AuthServiceDeps {
  db: Kysely<DB>;
  mailer: Mailer;
  /** Where users open the UI; used in e-mailed links, the Secure flag and the origin check. */
  publicUrl: string;
  log: Logger;
  limits?: Partial<AuthLimits>;
  /** Injected by tests to move time (session expiry, lock-out window, link expiry). */
  now?: () => Date;
}

/** argon2id with the library defaults (OWASP's m=19 MiB, t=2, p=1). */
export function hashPassword(password: string): Promise<string> {
  return hash(password);
}

const sha256 = (token: string) => createHash('sha256').update(token).digest('hex');
const newToken = () => randomBytes(32).toString('base64url');

export const INVALID_CREDENTIALS = 'Wrong e-mail or password.';

const RESET_MAIL: Record<Locale, (p: { name: string; link: string; minutes: number }) => { subject: string; text: string }> = {
  kk: ({ name, link, minutes }) => ({
    subject: 'Құпиясөзді қалпына келтіру',
    text: `Сәлеметсіз бе, ${name}!\n\nЖаңа құпиясөз орнату үшін сілтемені ашыңыз (ол ${minutes} минут ішінде бір рет қана жарамды):\n${link}\n\nЕгер сіз мұны сұрамаған болсаңыз, хатты елемеңіз: құпиясөзіңіз өзгермейді.`,
  }),
  ru: ({ name, link, minutes }) => ({
    subject: 'Восстановление пароля',
    text: `Здравствуйте, ${name}!\n\nЧтобы задать новый пароль, откройте ссылку (она действует ${minutes} минут и только один раз):\n${link}\n\nЕсли вы не запрашивали восстановление, просто проигнорируйте это письмо: пароль не изменится.`,
  }),
  en: ({ name, link, minutes }) => ({
    subject: 'Password reset',
    text: `Hello ${name},\n\nTo set a new password, open this link (it works once, within ${minutes} minutes):\n${link}\n\nIf you did not ask for this, ignore this e-mail: your password stays unchanged.`,
  }),
};

export class AuthService {
  readonly limits: AuthLimits;
  readonly publicOrigin: string;
  readonly #deps: AuthServiceDeps;
  readonly #now: () => Date;
  readonly #secureCookie: boolean;
  #dummyHash: Promise<string> | undefined;

  constructor(deps: AuthServiceDeps) {
    this.#deps = deps;
    this.limits = { ...DEFAULT_AUTH_LIMITS, ...deps.limits };
    this.#now = deps.now ?? (() => new Date());
    const url = new URL(deps.publicUrl);
    this.publicOrigin = url.origin;
    this.#secureCookie = url.protocol === 'https:';
  }

  /** Attributes of the session cookie (the value is the token from `login`). */
  cookieOptions() {
    return {
      httpOnly: true,
      // Lax: sent when following a link to the UI, never on cross-site POSTs or subrequests.
      sameSite: 'lax' as const,
      secure: this.#secureCookie,
      path: '/',
      maxAge: Math.floor(this.limits.sessionMaxMs / 1000),
    };
  }

  /**
   * Checks e-mail + password and opens a session. Unknown e-mail, wrong password, no password
   * set and archived account all give the same 401, after the same argon2 work.
   */
  async login(email: string, password: string, client: ClientInfo): Promise<{ user: SessionUser; token: string }> {
    const { db } = this.#deps;
    const now = this.#now();
    const windowStart = new Date(now.getTime() - this.limits.failedLoginWindowMs);

    const failures = await loginFailuresSince(db, email, windowStart);
    if (failures.count >= this.limits.maxFailedLogins) {
      const user = await getUserByEmail(db, email);
      await this.#log(user, email, 'auth.login_failed', { ip: client.ip, reason: 'locked' });
      const unlockAt = (failures.oldest?.getTime() ?? now.getTime()) + this.limits.failedLoginWindowMs;
      const minutes = Math.max(1, Math.ceil((unlockAt - now.getTime()) / MINUTE));
      throw new DomainError('account_locked',
        `Too many failed sign-in attempts for this account. Try again in ${minutes} min, or reset the password.`,
      );
    }

    const user = await getUserByEmail(db, email);
    const reason = await this.#checkPassword(user, password);
    if (reason !== undefined || !user) {
      await recordLoginFailure(db, { email, ip: storableIp(client.ip), at: now });
      await deleteLoginFailuresBefore(db, windowStart);
      await this.#log(user, email, 'auth.login_failed', { ip: client.ip, reason });
      throw new DomainError('invalid_credentials', INVALID_CREDENTIALS);
    }

    const token = newToken();
    const expiresAt = new Date(now.getTime() + Math.min(this.limits.sessionIdleMs, this.limits.sessionMaxMs));
    const sessionId = await inTransaction(db, async (trx) => {
      await clearLoginFailures(trx, email);
      await deleteExpiredUserSessions(trx, user.id, now);
      const id = await createUserSession(trx, {
        userId: user.id,
        tokenHash: sha256(token),
        createdAt: now,
        expiresAt,
        ip: storableIp(client.ip),
        userAgent: client.userAgent?.slice(0, 512) ?? null,
      });
      await this.#log(user, email, 'auth.login', { ip: client.ip, userAgent: client.userAgent }, trx);
      return id;
    });
    return { user: { ...toAuthUser(user), iin: user.iin, sessionId, sessionExpiresAt: expiresAt }, token };
  }

  /**
   * Opens a session for a user already authenticated by someone we trust (an LTI launch
   * signed by a registered platform): same cookie, same limits, its own action-log entry.
   */
  async openTrustedSession(user: User, client: ClientInfo, action: string, details: Record<string, unknown>): Promise<{ user: SessionUser; token: string }> {
    const { db } = this.#deps;
    const now = this.#now();
    const token = newToken();
    const expiresAt = new Date(now.getTime() + Math.min(this.limits.sessionIdleMs, this.limits.sessionMaxMs));
    const sessionId = await inTransaction(db, async (trx) => {
      await deleteExpiredUserSessions(trx, user.id, now);
      const id = await createUserSession(trx, {
        userId: user.id,
        tokenHash: sha256(token),
        createdAt: now,
        expiresAt,
        ip: storableIp(client.ip),
        userAgent: client.userAgent?.slice(0, 512) ?? null,
      });
      await this.#log(user, user.email, action, { ip: client.ip, userAgent: client.userAgent, ...details }, trx);
      return id;
    });
    return { user: { ...toAuthUser(user), iin: user.iin, sessionId, sessionExpiresAt: expiresAt }, token };
  }

  /** The user of a session token, or null when it is unknown, expired or the user archived. */
  async authenticate(token: string | undefined): Promise<SessionUser | null> {
    if (!token || token.length > 200) return null;
    const { db } = this.#deps;
    const now = this.#now();
    const session = await findActiveUserSession(db, sha256(token), now);
    if (!session) return null;
    let expiresAt = session.expiresAt;
    if (now.getTime() - session.lastSeenAt.getTime() >= TOUCH_EVERY_MS) {
      const hardLimit = session.createdAt.getTime() + this.limits.sessionMaxMs;
      expiresAt = new Date(Math.min(now.getTime() + this.limits.sessionIdleMs, hardLimit));
      await touchUserSession(db, session.sessionId, { lastSeenAt: now, expiresAt });
    }
    return {
      id: session.userId,
      email: session.email,
      fullName: session.fullName,
      role: session.role,
      locale: session.locale,
      iin: session.iin,
      sessionId: session.sessionId,
      sessionExpiresAt: expiresAt,
    };
  }

  async logout(user: SessionUser, client: ClientInfo): Promise<void> {
    await deleteUserSession(this.#deps.db, user.sessionId);
    await this.#log(user, user.email, 'auth.logout', { ip: client.ip });
  }

  /**
   * Mails a one-time reset link when the address belongs to an active account. The caller
   * answers the same either way, and the mail is sent in the background so the response
   * time does not tell either.
   */
  async requestPasswordReset(email: string, client: ClientInfo): Promise<void> {
    const { db, log } = this.#deps;
    const now = this.#now();
    const found = await getUserByEmail(db, email);
    const user = found && !found.archivedAt ? found : undefined;
    if (!user) {
      await this.#log(undefined, email, 'auth.reset_requested', { ip: client.ip, accountFound: false });
      return;
    }
    const sent = await countPasswordResetsSince(db, user.id, new Date(now.getTime() - HOUR));
    if (sent >= this.limits.resetMailsPerHour) {
      await this.#log(user, email, 'auth.reset_requested', { ip: client.ip, throttled: true });
      return;
    }
    const token = newToken();
    await createPasswordReset(db, {
      userId: user.id,
      tokenHash: sha256(token),
      createdAt: now,
      expiresAt: new Date(now.getTime() + this.limits.resetTokenTtlMs),
    });
    await this.#log(user, email, 'auth.reset_requested', { ip: client.ip });

    const link = `${this.publicOrigin}${RESET_PASSWORD_PAGE}?token=${token}`;
    const minutes = Math.round(this.limits.resetTokenTtlMs / MINUTE);
    const message: MailMessage = { to: user.email, ...RESET_MAIL[user.locale]({ name: user.fullName, link, minutes }) };
    this.#deps.mailer.send(message).catch((err: unknown) => log.error({ err, userId: user.id }, 'password reset e-mail failed'));
  }

  /**
   * Sets a new password from a reset token. The token works once; using it also voids the
   * user's other links, ends every session (whoever knew the old password is out) and
   * lifts a lock-out.
   */
  async resetPassword(token: string, password: string, client: ClientInfo): Promise<void> {
    const passwordHash = await hashPassword(password);
    const tokenHash = sha256(token);
    const now = this.#now();
    await inTransaction(this.#deps.db, async (trx) => {
      const userId = await consumePasswordReset(trx, tokenHash, now);
      const user = userId ? await getUserById(trx, userId) : undefined;
      if (!user || user.archivedAt) throw await this.#resetFailure(trx, tokenHash, now);
      await setUserPasswordHash(trx, user.id, passwordHash);
      await voidPasswordResetsOfUser(trx, user.id, now);
      const sessionsEnded = await deleteUserSessionsOfUser(trx, user.id);
      await clearLoginFailures(trx, user.email);
      await this.#log(user, user.email, 'auth.password_reset', { ip: client.ip, sessionsEnded }, trx);
    });
  }

  async setLocale(user: SessionUser, locale: Locale): Promise<SessionUser> {
    if (locale !== user.locale) {
      await inTransaction(this.#deps.db, async (trx) => {
        await setUserLocale(trx, user.id, locale);
        await this.#log(user, user.email, 'auth.locale_changed', { from: user.locale, to: locale }, trx);
      });
    }
    return { ...user, locale };
  }

  /**
   * Socket.io handshake: the claims of a signed-in proctor/admin from the session cookie.
   * null when there is no session cookie (the caller falls back to the token); throws
   * TokenError for a bad session or a cross-site page (cross-site WebSocket hijacking).
   */
  async socketClaims(headers: IncomingHttpHeaders): Promise<TokenClaims | null> {
    const token = headers.cookie ? fastifyCookie.parse(headers.cookie)[SESSION_COOKIE] : undefined;
    if (token === undefined) return null;
    if (checkOrigin(headers, this.publicOrigin) === 'cross') throw new TokenError('cross-origin connection refused');
    const user = await this.authenticate(token);
    if (!user) throw new TokenError('session expired or signed out; sign in again');
    return { role: user.role, userId: user.id, exp: Math.floor(user.sessionExpiresAt.getTime() / 1000) };
  }

  /** undefined when the password is right; otherwise why not (for the audit log only). */
  async #checkPassword(user: User | undefined, password: string): Promise<string | undefined> {
    if (!user?.passwordHash) {
      // Same argon2 cost as a real check, so timing does not reveal which addresses exist.
      this.#dummyHash ??= hashPassword(newToken());
      await verify(await this.#dummyHash, password);
      return user ? 'no_password' : 'unknown_email';
    }
    const ok = await verify(user.passwordHash, password);
    if (!ok) return 'bad_password';
    return user.archivedAt ? 'archived' : undefined;
  }

  async #resetFailure(db: Kysely<DB>, tokenHash: string, now: Date): Promise<DomainError> {
    const reset = await getPasswordResetByTokenHash(db, tokenHash);
    if (reset?.usedAt) {
      return new DomainError('reset_token_used', 'This reset link was already used. Request a new one if needed.');
    }
    if (reset && reset.expiresAt <= now) {
      return new DomainError('reset_token_expired', 'This reset link has expired. Request a new one.');
    }
    return new DomainError('reset_token_invalid', 'This reset link is not valid. Request a new one.');
  }

  /** Audit entry; for an unknown address the typed e-mail stands in for the actor's name. */
  async #log(
    user: Pick<User, 'id' | 'fullName' | 'iin'> | undefined,
    email: string,
    action: string,
    details: Record<string, unknown>,
    db: Kysely<DB> = this.#deps.db,
  ): Promise<void> {
    await appendAction(db, {
      actorUserId: user?.id ?? null,
      actorName: user?.fullName ?? email,
      actorIin: user?.iin ?? null,
      action,
      details: user ? details : { email, ...details },
      at: this.#now(),
    });
  }
}

export function toAuthUser(user: Pick<User, 'id' | 'email' | 'fullName' | 'role' | 'locale'>): AuthUser {
  return { id: user.id, email: user.email, fullName: user.fullName, role: user.role, locale: user.locale };
}

/** `inet` rejects anything that is not an address (X-Forwarded-For is client-supplied). */
function storableIp(ip: string): string | null {
  return isIP(ip) ? ip : null;
}
