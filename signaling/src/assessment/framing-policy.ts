/**
 * Would a browser let our proctoring page frame this assessment? Decided from the page's
 * response headers the way current browsers do (HTML "check a navigation response's
 * adherence to X-Frame-Options", CSP 3 `frame-ancestors`):
 *
 * - A `frame-ancestors` directive in any enforced CSP wins over X-Frame-Options; every
 *   policy that has one must list a source matching our origin.
 * - Otherwise X-Frame-Options: `DENY` refuses, `SAMEORIGIN` refuses unless our origin is the
 *   page's own, several different values refuse; anything else (`ALLOW-FROM`, typos) is
 *   ignored by browsers, so it allows.
 *
 * Pure: the fetching is framing-check.service.ts's.
 */

export interface FramingHeaders {
  /** X-Frame-Options, as received (several headers joined with ", "). */
  xFrameOptions: string | null;
  /** Content-Security-Policy, as received (several headers joined with ", "). */
  contentSecurityPolicy: string | null;
}

export interface FramingVerdict {
  allowed: boolean;
  /** The frame-ancestors source lists that decided, joined with " , " (null: none present). */
  frameAncestors: string | null;
}

const NETWORK_SCHEMES = new Set(['http:', 'https:', 'ws:', 'wss:']);

function defaultPort(scheme: string): string {
  return scheme === 'https:' || scheme === 'wss:' ? '443' : '80';
}

/** CSP 3 "scheme-part matches": the same scheme, or an upgrade (http → https, ws → wss). */
function schemeMatches(expected: string, actual: string): boolean {
  if (expected === actual) return true;
  return (expected === 'http:' && actual === 'https:') || (expected === 'ws:' && actual === 'wss:');
}

/** One source expression of frame-ancestors against the would-be parent's origin. */
export function sourceMatches(source: string, ancestor: URL, protectedOrigin: URL): boolean {
  const expr = source.trim();
  const lower = expr.toLowerCase();
  if (lower === "'none'") return false;
  if (lower === "'self'") {
    return schemeMatches(protectedOrigin.protocol, ancestor.protocol) && ancestor.hostname === protectedOrigin.hostname && portOf(ancestor) === portOf(protectedOrigin);
  }
  if (lower === '*') return NETWORK_SCHEMES.has(ancestor.protocol);
  // scheme-source: "https:"
  if (/^[a-z][a-z0-9+.-]*:$/.test(lower)) return schemeMatches(lower, ancestor.protocol);
  // host-source: [scheme "://"] host [":" port] [path]; keywords and nonces do not apply here.
  const m = /^(?:([a-z][a-z0-9+.-]*):\/\/)?(\*|(?:\*\.)?[a-z0-9-]+(?:\.[a-z0-9-]+)*)(?::(\*|[0-9]+))?(?:\/.*)?$/.exec(lower);
  if (!m) return false;
  const [, scheme, host, port] = m;
  if (scheme) {
    if (!schemeMatches(`${scheme}:`, ancestor.protocol)) return false;
  } else if (!schemeMatches(protectedOrigin.protocol, ancestor.protocol)) {
    return false;
  }
  const hostname = ancestor.hostname.toLowerCase();
  if (host === '*') {
    // A bare "*" with a scheme or port ("https://*") matches any host.
  } else if (host!.startsWith('*.')) {
    if (!hostname.endsWith(host!.slice(1))) return false;
  } else if (hostname !== host) {
    return false;
  }
  if (port === '*') return true;
  const wanted = port ?? defaultPort(scheme ? `${scheme}:` : ancestor.protocol);
  // An upgraded scheme keeps matching its default port (http://x matches https://x:443).
  return wanted === portOf(ancestor) || (!port && portOf(ancestor) === defaultPort(ancestor.protocol));
}

function portOf(url: URL): string {
  return url.port || defaultPort(url.protocol);
}

/** The frame-ancestors source list of each enforced policy that has the directive. */
export function frameAncestorLists(csp: string | null): string[][] {
  if (!csp) return [];
  const lists: string[][] = [];
  // A comma separates policies (several headers are joined with ", ").
  for (const policy of csp.split(',')) {
    for (const directive of policy.split(';')) {
      const [nameRaw, ...sources] = directive.trim().split(/\s+/);
      if (nameRaw?.toLowerCase() === 'frame-ancestors') {
        lists.push(sources.filter(Boolean));
        break; // the first occurrence in a policy counts
      }
    }
  }
  return lists;
}

export function evaluateFraming(headers: FramingHeaders, ancestorOrigin: string, pageUrl: string): FramingVerdict {
  const ancestor = new URL(ancestorOrigin);
  const page = new URL(pageUrl);
  const lists = frameAncestorLists(headers.contentSecurityPolicy);
  if (lists.length > 0) {
    const allowed = lists.every((sources) => sources.some((s) => sourceMatches(s, ancestor, page)));
    return { allowed, frameAncestors: lists.map((l) => l.join(' ') || "'none'").join(' , ') };
  }
  if (!headers.xFrameOptions) return { allowed: true, frameAncestors: null };
  const values = new Set(
    headers.xFrameOptions
      .split(',')
      .map((v) => v.trim().toLowerCase())
      .filter(Boolean),
  );
  if (values.size === 0) return { allowed: true, frameAncestors: null };
  if (values.size > 1) return { allowed: false, frameAncestors: null };
  const [value] = values;
  if (value === 'deny') return { allowed: false, frameAncestors: null };
  if (value === 'sameorigin') return { allowed: ancestor.origin === page.origin, frameAncestors: null };
  return { allowed: true, frameAncestors: null };
}
