/**
 * Reads an assessment URL's response headers once and says whether our proctoring page may
 * frame it (assessment/framing-policy.ts). Run when an admin saves the URL, on "Check
 * again", and at most every ASSESSMENT_RECHECK_MS when a candidate opens the workspace.
 *
 * The request is a plain GET without cookies, following redirects as a frame would; the
 * body is never read. The address comes from an admin or a signed integration, and the
 * server only learns headers and a status code from it, never shows a body.
 */
import type { AssessmentCheck } from '@proctor/db';
import { evaluateFraming } from '../assessment/framing-policy.ts';

export interface FramingCheckerOptions {
  /** The origin our proctoring page runs on (PUBLIC_URL's). */
  platformOrigin: string;
  timeoutMs?: number;
  now?: () => Date;
}

export class FramingChecker {
  readonly #origin: string;
  readonly #timeoutMs: number;
  readonly #now: () => Date;

  constructor(opts: FramingCheckerOptions) {
    this.#origin = opts.platformOrigin;
    this.#timeoutMs = opts.timeoutMs ?? 8000;
    this.#now = opts.now ?? (() => new Date());
  }

  async check(url: string): Promise<AssessmentCheck> {
    const checkedAt = this.#now().toISOString();
    let response: Response;
    try {
      response = await fetch(url, {
        method: 'GET',
        redirect: 'follow',
        headers: { accept: 'text/html,application/xhtml+xml;q=0.9,*/*;q=0.8', 'user-agent': 'ProctorFramingCheck/1 (+exam guard)' },
        signal: AbortSignal.timeout(this.#timeoutMs),
      });
    } catch (err) {
      const cause = (err as { cause?: { code?: string; message?: string } }).cause;
      const error = err instanceof Error && err.name === 'TimeoutError' ? `no answer within ${this.#timeoutMs / 1000} s` : (cause?.code ?? cause?.message ?? String(err));
      return { checkedAt, framing: 'unreachable', status: null, xFrameOptions: null, frameAncestors: null, error };
    }
    // Headers are all we need; do not download the page.
    await response.body?.cancel().catch(() => undefined);
    const xFrameOptions = response.headers.get('x-frame-options');
    const verdict = evaluateFraming(
      { xFrameOptions, contentSecurityPolicy: response.headers.get('content-security-policy') },
      this.#origin,
      response.url || url,
    );
    return {
      checkedAt,
      framing: verdict.allowed ? 'allowed' : 'refused',
      status: response.status,
      xFrameOptions,
      frameAncestors: verdict.frameAncestors,
      error: null,
    };
  }
}
