/**
 * `/sdk/exam-guard.js`: bundled by exam-guard/bundle.ts with the platform's public key and
 * origin filled in. The script tag may override the pinned origin (`data-origin`, for a
 * copy served from elsewhere) and the re-check interval (`data-recheck`, seconds).
 */
import { GUARD_RECHECK_DEFAULT_SECONDS, GUARD_RECHECK_MAX_SECONDS, GUARD_RECHECK_MIN_SECONDS } from '../../contract/exam-guard-protocol.ts';
import type { GuardJwk } from '../guard-core/verify.ts';
import { installGuard } from './guard-page.ts';

declare const __EXAM_GUARD__: { platformOrigin: string; jwk: GuardJwk };

const script = document.currentScript as HTMLScriptElement | null;
const scriptOrigin = script?.src ? new URL(script.src, location.href).origin : null;
const requested = Number(script?.dataset.recheck ?? GUARD_RECHECK_DEFAULT_SECONDS);
const recheckSeconds = Number.isFinite(requested)
  ? Math.min(GUARD_RECHECK_MAX_SECONDS, Math.max(GUARD_RECHECK_MIN_SECONDS, requested))
  : GUARD_RECHECK_DEFAULT_SECONDS;

installGuard({
  // The origin the script was loaded from is the proctoring platform the LMS chose.
  platformOrigin: script?.dataset.origin ?? scriptOrigin ?? __EXAM_GUARD__.platformOrigin,
  jwk: __EXAM_GUARD__.jwk,
  recheckSeconds,
});
