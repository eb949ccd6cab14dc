// @proctor/db: schema, migrations and every SQL query of the product.
// Embedded PostgreSQL is a separate entry (`@proctor/db/embedded`) because importing it
// installs process exit hooks; test helpers live in `@proctor/db/testing`.
export { createDb, type CreateDbOptions } from './connection.ts';
export { migrateToLatest } from './migrate.ts';
export { inTransaction } from './transaction.ts';
export type * from './schema.ts';
export * from './enums.ts';
export * from './violation-types.ts';
export * from './report-exports.ts';
export * from './honesty.ts';
export * from './verification-results.ts';
export * from './data-protection.ts';

export * from './repositories/action-log.repository.ts';
export * from './repositories/assessment.repository.ts';
export * from './repositories/admin-list.ts';
export * from './repositories/attempt.repository.ts';
export * from './repositories/candidate.repository.ts';
export * from './repositories/candidate-link.repository.ts';
export * from './repositories/candidate-photo.repository.ts';
export * from './repositories/connection-event.repository.ts';
export * from './repositories/discipline.repository.ts';
export * from './repositories/exam.repository.ts';
export * from './repositories/exam-report.repository.ts';
export * from './repositories/exam-session.repository.ts';
export * from './repositories/group.repository.ts';
export * from './repositories/journey.repository.ts';
export * from './repositories/honesty.repository.ts';
export * from './repositories/api-key.repository.ts';
export * from './repositories/webhook.repository.ts';
export * from './repositories/domain-event-outbox.repository.ts';
export * from './repositories/api-v1.repository.ts';
export * from './repositories/integration.repository.ts';
export * from './repositories/lti.repository.ts';
export * from './repositories/login-failure.repository.ts';
export * from './repositories/password-reset.repository.ts';
export * from './repositories/photo-report.repository.ts';
export * from './repositories/recording.repository.ts';
export * from './repositories/device-segment.repository.ts';
export * from './repositories/report.repository.ts';
export * from './repositories/report-export.repository.ts';
export * from './repositories/results.repository.ts';
export * from './repositories/room-lease.repository.ts';
export * from './repositories/results-choices.repository.ts';
export * from './repositories/sign-on.repository.ts';
export * from './repositories/live.repository.ts';
export * from './repositories/statistics.repository.ts';
export * from './repositories/user.repository.ts';
export * from './repositories/user-session.repository.ts';
export * from './repositories/violation.repository.ts';
export * from './repositories/violation-report.repository.ts';
export * from './repositories/verification.repository.ts';
export * from './repositories/data-removal.repository.ts';
export * from './repositories/evidence.repository.ts';
export * from './repositories/personal-data.repository.ts';
export * from './repositories/rate-limit.repository.ts';

export * from './seed/index.ts';
