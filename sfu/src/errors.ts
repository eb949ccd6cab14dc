/**
 * Errors the media layer raises for a caller's mistake (as opposed to a bug).
 * The codes are a subset of the socket contract's `errorCode`, so signaling can
 * forward them to the client unchanged.
 */
export type MediaErrorCode = 'bad_request' | 'forbidden' | 'not_found' | 'conflict' | 'unavailable';

export class MediaError extends Error {
  constructor(
    readonly code: MediaErrorCode,
    message: string,
  ) {
    super(message);
    this.name = 'MediaError';
  }
}
