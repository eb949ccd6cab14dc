/**
 * Same-origin check for requests that carry the session cookie. Browsers always send
 * `Origin` on cross-origin requests (and on every WebSocket handshake), and a page cannot
 * forge it, so a request whose Origin (or, failing that, Referer) is another site was not
 * made by our UI.
 */
import type { IncomingHttpHeaders } from 'node:http';

export type OriginCheck = 'same' | 'cross' | 'absent';

function first(value: string | string[] | undefined): string | undefined {
  const v = Array.isArray(value) ? value[0] : value;
  return v?.split(',')[0]?.trim() || undefined;
}

/**
 * Compares the request's Origin/Referer with the configured public URL and with the host the
 * request was addressed to (X-Forwarded-Host behind a proxy: the media node trusts its proxy,
 * and a cross-site page cannot set that header without a CORS preflight we never grant).
 */
export function checkOrigin(headers: IncomingHttpHeaders, publicOrigin: string): OriginCheck {
  const source = first(headers.origin) ?? first(headers.referer);
  if (source === undefined) return 'absent';
  let url: URL;
  try {
    url = new URL(source);
  } catch {
    return 'cross'; // e.g. "null" from sandboxed frames and file:// pages
  }
  if (url.origin === publicOrigin) return 'same';
  const host = first(headers['x-forwarded-host']) ?? first(headers.host);
  if (host === undefined) return 'cross';
  // Parsed with the Origin's scheme so a default port ("host:80") compares equal to none.
  try {
    return new URL(`${url.protocol}//${host}`).host === url.host ? 'same' : 'cross';
  } catch {
    return 'cross';
  }
}
