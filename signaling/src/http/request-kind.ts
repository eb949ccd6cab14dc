/**
 * Sorts requests for logs and metrics: built UI files (`/_app/…`, the face models under
 * `/human/…`, `favicon.svg`) are "static"; everything else is an API call or a page.
 */
export function isStaticAsset(pathname: string): boolean {
  if (pathname.startsWith('/_app/') || pathname.startsWith('/human/')) return true;
  const last = pathname.slice(pathname.lastIndexOf('/') + 1);
  return last.includes('.');
}

/** Link tokens travel in `?token=`; they must not end up in log files. */
export function redactTokens(url: string): string {
  return url.replace(/([?&]token=)[^&#]*/g, '$1[redacted]');
}
