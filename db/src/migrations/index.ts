// Static list instead of FileMigrationProvider: works from any cwd and under bundlers.
// Keys are the names recorded in kysely_migration and must sort in apply order.
import type { Migration } from 'kysely';
import * as m0001 from './0001_initial.ts';

export const migrations: Record<string, Migration> = {
  '0001_initial': m0001,
};
