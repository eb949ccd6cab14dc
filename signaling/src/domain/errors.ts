/**
 * The one error type of the business logic. Services throw `DomainError` with a code from
 * `error-codes.ts` and an English message for logs and developers; they know nothing of
 * statuses or acks. The adapters map it: http/errors.ts (status + error body), socket/ack.ts
 * (ack error). Anything else thrown is a bug and leaves as `internal`.
 */
import type { AdminFieldReason } from '../contract/api/admin.ts';
import type { DomainErrorCode } from './error-codes.ts';

export { domainErrorCode, type DomainErrorCode } from './error-codes.ts';

export class DomainError extends Error {
  override readonly name: string = 'DomainError';
  constructor(
    readonly code: DomainErrorCode,
    message: string,
  ) {
    super(message);
  }
}

/** A failure naming the field at fault and why, so the UI can put the message next to it. */
export class AdminFieldError extends DomainError {
  override readonly name: string = 'AdminFieldError';
  constructor(
    code: DomainErrorCode,
    message: string,
    readonly field: string,
    readonly reason: AdminFieldReason,
  ) {
    super(code, message);
  }
}
