// Batched inserts for the realistic demo seed, which builds all rows (with their ids) in
// memory and writes them table by table in foreign-key order.
import type { Insertable, Kysely } from 'kysely';
import type {
  AttemptsTable,
  CandidatesTable,
  ConnectionEventsTable,
  DB,
  ExamProctorsTable,
  ExamSessionsTable,
  ExamsTable,
  ViolationsTable,
} from '../schema.ts';

export interface DemoRows {
  exams: Insertable<ExamsTable>[];
  examProctors: Insertable<ExamProctorsTable>[];
  candidates: Insertable<CandidatesTable>[];
  examSessions: Insertable<ExamSessionsTable>[];
  attempts: Insertable<AttemptsTable>[];
  violations: Insertable<ViolationsTable>[];
  connectionEvents: Insertable<ConnectionEventsTable>[];
}

// 1000 rows × at most 11 columns stays far below PostgreSQL's 65 535 bound parameters.
const BATCH = 1000;

function batches<T>(rows: T[]): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < rows.length; i += BATCH) out.push(rows.slice(i, i + BATCH));
  return out;
}

/** Inserts everything in foreign-key order; run it inside a transaction. */
export async function insertDemoRows(db: Kysely<DB>, rows: DemoRows): Promise<void> {
  for (const b of batches(rows.exams)) await db.insertInto('exams').values(b).execute();
  for (const b of batches(rows.examProctors)) await db.insertInto('examProctors').values(b).onConflict((oc) => oc.doNothing()).execute();
  for (const b of batches(rows.candidates)) await db.insertInto('candidates').values(b).execute();
  for (const b of batches(rows.examSessions)) await db.insertInto('examSessions').values(b).execute();
  for (const b of batches(rows.attempts)) await db.insertInto('attempts').values(b).execute();
  for (const b of batches(rows.violations)) await db.insertInto('violations').values(b).execute();
  for (const b of batches(rows.connectionEvents)) await db.insertInto('connectionEvents').values(b).execute();
}
