// Shared shapes of the administration lists (exams, groups, disciplines, candidates, users):
// a substring search, an archive filter and offset paging with a total.
/** 'active' = not archived (the default view), 'archived' = only archived, 'all' = both. */
export type ArchivedFilter = 'active' | 'archived' | 'all';

export interface AdminListOptions {
  /** Case-insensitive substring; `%`, `_` and `\` are literal. */
  search?: string;
  archived?: ArchivedFilter;
  limit: number;
  offset: number;
}

export interface AdminListPage<T> {
  rows: T[];
  /** Rows matching the filters, all pages together. */
  total: number;
}

/** `%text%` for ILIKE with the user's wildcards escaped. */
export function containsPattern(text: string): string {
  return `%${text.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
}

/** The operator for `archived_at` under a filter ("all" adds no condition). */
export function archivedOperator(filter: ArchivedFilter | undefined): 'is' | 'is not' | undefined {
  if (filter === 'all') return undefined;
  return filter === 'archived' ? 'is not' : 'is';
}
