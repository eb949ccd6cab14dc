// Kysely's view of the tables. Keys are camelCase; CamelCasePlugin maps them to the
// snake_case tables and columns created in migrations/. One file per domain under schema/,
// each naming its tables; `DB` is all of them.
import type { AccountTables } from './schema/accounts.ts';
import type { CatalogTables } from './schema/catalog.ts';
import type { DataProtectionTables } from './schema/data-protection.ts';
import type { IntegrationTables } from './schema/integrations.ts';
import type { LtiTables } from './schema/lti.ts';
import type { NodeTables } from './schema/nodes.ts';
import type { ReportTables } from './schema/reports.ts';
import type { SessionTables } from './schema/sessions.ts';

export type * from './schema/columns.ts';
export type * from './schema/accounts.ts';
export type * from './schema/catalog.ts';
export type * from './schema/sessions.ts';
export type * from './schema/reports.ts';
export type * from './schema/data-protection.ts';
export type * from './schema/nodes.ts';
export type * from './schema/integrations.ts';
export type * from './schema/lti.ts';

export interface DB
  extends AccountTables,
    CatalogTables,
    SessionTables,
    ReportTables,
    DataProtectionTables,
    NodeTables,
    IntegrationTables,
    LtiTables {}
