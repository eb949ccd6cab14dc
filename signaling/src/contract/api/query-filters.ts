/**
 * The query-string pieces the Results and Statistics contracts share (results.ts,
 * statistics.ts): lists given as repeated or comma-separated keys, bounded integers, the sort
 * direction, and the exam / discipline / group filters both pages take.
 */
import { z } from 'zod';

/** Most ids one list filter takes (keeps URLs and SQL bounded). */
const MAX_LIST = 100;

/** A query-string list: repeated keys arrive as an array, a single key as one string. */
export function queryList<T extends z.ZodType>(item: T) {
  return z.preprocess(
    (value) => (Array.isArray(value) ? value : [value]).flatMap((v) => (typeof v === 'string' ? v.split(',') : [v])).filter((v) => v !== ''),
    z.array(item).max(MAX_LIST),
  );
}

export const queryInt = (min: number, max: number) => z.coerce.number().int().min(min).max(max);

export const sortDirection = z.enum(['asc', 'desc']);
export type SortDirection = z.infer<typeof sortDirection>;

/** Which exams, disciplines and groups a page covers (each a list; omitted = all in scope). */
export const scopeFilterFields = {
  examId: queryList(z.uuid()).optional(),
  disciplineId: queryList(z.uuid()).optional(),
  groupId: queryList(z.uuid()).optional(),
};
