/** Column types shared by every table file: timestamps, defaults, jsonb. */
import type { ColumnType } from 'kysely';

/** timestamptz: pg returns Date; a Date or ISO string may be written. */
export type Timestamp = ColumnType<Date, Date | string, Date | string>;

/** timestamptz with a database default (now()). */
export type DefaultTimestamp = ColumnType<Date, Date | string | undefined, Date | string>;

/** A column with a database default that may still be set explicitly. */
export type WithDefault<T> = ColumnType<T, T | undefined, T>;

/**
 * jsonb: written as a JSON string because pg would turn a JS array into a Postgres array
 * literal; read back parsed. Keys inside are kept as written (CamelCasePlugin is told not
 * to touch nested objects).
 */
export type Jsonb<T> = ColumnType<T, string, string>;

export type JsonbWithDefault<T> = ColumnType<T, string | undefined, string>;
