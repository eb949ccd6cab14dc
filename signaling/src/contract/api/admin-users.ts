/** Administration contract: staff accounts (admins and proctors) and how they get a password. */
import { z } from 'zod';
import type { Locale } from '@proctor/values';
import { adminFieldRules, adminLocale, adminRole, type AdminPage, type AdminRole } from './admin-fields.ts';

const { name, optionalIin, requiredEmail, password } = adminFieldRules;

/** How a new account gets its password: typed by the admin, or set by the user from an e-mailed link. */
export const passwordChoice = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('set'), password }).strict(),
  z.object({ kind: z.literal('email') }).strict(),
]);
export type PasswordChoice = z.infer<typeof passwordChoice>;

const userFields = { email: requiredEmail, fullName: name, iin: optionalIin, role: adminRole, locale: adminLocale };
export const userInput = z.object(userFields).strict();
export type UserInput = z.input<typeof userInput>;
export const newUserInput = z.object({ ...userFields, password: passwordChoice }).strict();
export type NewUserInput = z.input<typeof newUserInput>;

export interface AdminUser {
  id: string;
  email: string;
  fullName: string;
  iin: string | null;
  role: AdminRole;
  locale: Locale;
  hasPassword: boolean;
  examCount: number;
  archivedAt: string | null;
  createdAt: string;
}
export type AdminUserPage = AdminPage<AdminUser>;
export interface AdminUserResponse {
  user: AdminUser;
  /** Set when a set-password e-mail was requested (it is sent in the background). */
  passwordMailQueued?: boolean;
}
