/** Staff accounts and signing in: users, password resets, sessions, failed sign-ins. */
import type { Generated } from 'kysely';
import type { Locale, UserRole } from '../enums.ts';
import type { Timestamp, DefaultTimestamp, WithDefault } from './columns.ts';

export interface UsersTable {
  id: Generated<string>;
  /** citext: comparisons are case-insensitive. */
  email: string;
  passwordHash: string | null;
  fullName: string;
  /** 12 digits; optional because an admin may have none. */
  iin: string | null;
  locale: WithDefault<Locale>;
  role: UserRole;
  archivedAt: Timestamp | null;
  createdAt: DefaultTimestamp;
}

export interface PasswordResetsTable {
  id: Generated<string>;
  userId: string;
  tokenHash: string;
  expiresAt: Timestamp;
  usedAt: Timestamp | null;
  createdAt: DefaultTimestamp;
}

export interface UserSessionsTable {
  id: Generated<string>;
  userId: string;
  tokenHash: string;
  createdAt: DefaultTimestamp;
  expiresAt: Timestamp;
  lastSeenAt: DefaultTimestamp;
  /** inet, returned as text. */
  ip: string | null;
  userAgent: string | null;
}

/** Failed sign-ins, counted per e-mail for the account lock-out (see auth.service). */
export interface LoginFailuresTable {
  /** bigserial, parsed to number by createDb. */
  id: Generated<number>;
  /** citext; not a foreign key, unknown addresses are counted too. */
  email: string;
  /** inet, returned as text. */
  ip: string | null;
  at: DefaultTimestamp;
}
