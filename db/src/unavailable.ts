/**
 * Whether an error means "the database is not reachable right now" (restarting, failing
 * over, network cut) rather than "this query is wrong". Callers answer the first with a
 * retryable `unavailable` instead of a bare internal error, so a page keeps its work and
 * tries again; nothing else about the request was at fault.
 */

/** Connection exceptions (class 08) and the server going down or not up yet (57P01–57P03). */
const SQLSTATE = /^(08...|57P0[123])$/;
const NODE_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EPIPE', 'ENOTFOUND', 'EHOSTUNREACH', 'ENETUNREACH']);
/** pg's own messages for a socket that closed under it or a connect that timed out. */
const MESSAGES = /^(Connection terminated|Client has encountered a connection error|timeout exceeded when trying to connect|Connection timeout)/;

export function isDatabaseUnavailable(error: unknown): boolean {
  for (let e: unknown = error, depth = 0; e && typeof e === 'object' && depth < 4; e = (e as { cause?: unknown }).cause, depth++) {
    const { code, message } = e as { code?: unknown; message?: unknown };
    if (typeof code === 'string' && (SQLSTATE.test(code) || NODE_CODES.has(code))) return true;
    if (typeof message === 'string' && MESSAGES.test(message)) return true;
    // Several addresses refused at once (node's happy eyeballs): an AggregateError of them.
    if (e instanceof AggregateError && e.errors.some((x) => isDatabaseUnavailable(x))) return true;
  }
  return false;
}

/**
 * Runs `write`, and again after a pause (0.5 s, 1 s, 2 s, then every 5 s) each time it fails
 * because the database is unavailable, for up to `forMs`; any other error, or the last one,
 * is thrown. For writes that must land once the database is back (a recording's end).
 */
export async function retryWhileUnavailable<T>(write: () => Promise<T>, forMs: number): Promise<T> {
  const until = Date.now() + forMs;
  for (let wait = 500; ; wait = Math.min(wait * 2, 5_000)) {
    try {
      return await write();
    } catch (error) {
      if (!isDatabaseUnavailable(error) || Date.now() + wait > until) throw error;
      await new Promise((r) => setTimeout(r, wait));
    }
  }
}
