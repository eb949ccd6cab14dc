/** Administration contract: disciplines and groups (named catalog entries), and the forms' drop-down choices. */
import { z } from 'zod';
import { adminFieldRules, type AdminPage } from './admin-fields.ts';

const { name, isoDate } = adminFieldRules;

export const namedInput = z.object({ name }).strict();
export type NamedInput = z.input<typeof namedInput>;

export const adminDiscipline = z.object({ id: z.uuid(), name: z.string(), archivedAt: isoDate.nullable(), examCount: z.number() });
export type AdminDiscipline = z.infer<typeof adminDiscipline>;
export type AdminDisciplinePage = AdminPage<AdminDiscipline>;

export const adminGroup = z.object({ id: z.uuid(), name: z.string(), archivedAt: isoDate.nullable(), candidateCount: z.number() });
export type AdminGroup = z.infer<typeof adminGroup>;
export type AdminGroupPage = AdminPage<AdminGroup>;

/** Choices for the forms' drop-downs: live records only. */
export interface AdminOptions {
  disciplines: { id: string; name: string }[];
  groups: { id: string; name: string }[];
  proctors: { id: string; fullName: string; email: string }[];
}
