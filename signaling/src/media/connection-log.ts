/**
 * Connection outcomes of candidates as the media node sees them, for the statistics
 * (manual §4.3–4.4): joined / reconnected / disconnected / left, and ICE failures — a send
 * transport that never got its DTLS connection up, within ICE_CONNECT_TIMEOUT_MS or before
 * it closed. A later successful connection of the same session marks those failures
 * resolved. Writing these rows must never disturb the media flow: errors are only logged.
 */
import type { Kysely } from 'kysely';
import type { Logger } from 'pino';
import type * as ms from 'mediasoup/types';
import { insertConnectionEvent, resolveConnectionFailures, type ConnectionEventKind, type DB } from '@proctor/db';

/** Longer than a browser's own ICE gathering + checks on a slow network, shorter than a candidate's patience. */
export const ICE_CONNECT_TIMEOUT_MS = 20_000;
/** A transport closed sooner than this without connecting was abandoned (the tab closed), not failed. */
const ABANDONED_MS = 3_000;
export const ICE_FAILED_ERROR = 'ice_connection_failed';

export class ConnectionLog {
  constructor(
    private readonly db: Kysely<DB>,
    private readonly log: Logger,
  ) {}

  record(sessionId: string, attemptId: string | null, kind: ConnectionEventKind, error?: string): void {
    insertConnectionEvent(this.db, { sessionId, attemptId, kind, error }).catch((err: unknown) =>
      this.log.warn({ err, sessionId, kind }, 'connection event not stored'),
    );
  }

  /** Watches a candidate's send transport until its DTLS state is connected. */
  watchSendTransport(transport: ms.WebRtcTransport, sessionId: string, attemptId: string | null): void {
    const createdAt = Date.now();
    let settled = false;
    const fail = () => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      this.record(sessionId, attemptId, 'ice_failed', ICE_FAILED_ERROR);
    };
    const timer = setTimeout(fail, ICE_CONNECT_TIMEOUT_MS);
    transport.on('dtlsstatechange', (state) => {
      if (state === 'failed') fail();
      if (state !== 'connected' || settled) return;
      settled = true;
      clearTimeout(timer);
      resolveConnectionFailures(this.db, sessionId, 'ice_failed').catch((err: unknown) =>
        this.log.warn({ err, sessionId }, 'resolving ICE failures failed'),
      );
    });
    transport.observer.once('close', () => {
      if (!settled && Date.now() - createdAt >= ABANDONED_MS) fail();
      settled = true;
      clearTimeout(timer);
    });
  }
}
