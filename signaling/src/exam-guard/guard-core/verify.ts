/**
 * The guard's check of an assertion, with WebCrypto only (no library in an LMS page):
 * ES256 signature against the platform's public key, then the claims that bind it to this
 * page and this moment — audience = the page's origin, never seen before (jti), the nonce
 * of the challenge it answers, and not expired. Runs the same in browsers and Node.
 */
import { GUARD_CLOCK_LEEWAY_SECONDS, type AssertionClaims } from '../../contract/exam-guard-protocol.ts';

export interface GuardJwk {
  kty: 'EC';
  crv: 'P-256';
  x: string;
  y: string;
  kid?: string;
  alg?: string;
}

export type VerifyProblem = 'malformed' | 'bad_signature' | 'wrong_audience' | 'replayed' | 'wrong_nonce' | 'expired' | 'clock';

export type VerifyResult = { ok: true; claims: AssertionClaims } | { ok: false; problem: VerifyProblem };

export interface VerifyExpectation {
  /** This page's origin. */
  audience: string;
  /** The challenge waiting for an answer; null when none is (nothing is accepted then). */
  nonce: string | null;
  /** Token ids accepted before. */
  seen: ReadonlySet<string>;
  nowSeconds: number;
}

/** WebCrypto's CryptoKey, named without DOM types (Node's and the browser's are the same shape). */
export type GuardKey = Awaited<ReturnType<SubtleCrypto['importKey']>>;
type SubtleCrypto = typeof crypto.subtle;

export function importGuardKey(jwk: GuardJwk): Promise<GuardKey> {
  return crypto.subtle.importKey('jwk', { kty: jwk.kty, crv: jwk.crv, x: jwk.x, y: jwk.y, ext: true }, { name: 'ECDSA', namedCurve: 'P-256' }, false, ['verify']);
}

function base64urlBytes(text: string): Uint8Array<ArrayBuffer> | null {
  if (!/^[A-Za-z0-9_-]*$/.test(text)) return null;
  const b64 = text.replace(/-/g, '+').replace(/_/g, '/') + '='.repeat((4 - (text.length % 4)) % 4);
  try {
    const binary = atob(b64);
    const out = new Uint8Array(binary.length);
    for (let i = 0; i < binary.length; i++) out[i] = binary.charCodeAt(i);
    return out;
  } catch {
    return null;
  }
}

function json(part: string): Record<string, unknown> | null {
  const bytes = base64urlBytes(part);
  if (!bytes) return null;
  try {
    const value: unknown = JSON.parse(new TextDecoder().decode(bytes));
    return value && typeof value === 'object' && !Array.isArray(value) ? (value as Record<string, unknown>) : null;
  } catch {
    return null;
  }
}

function isClaims(p: Record<string, unknown>): p is Record<string, unknown> & AssertionClaims {
  return (
    typeof p.sub === 'string' &&
    typeof p.exam === 'string' &&
    typeof p.aud === 'string' &&
    typeof p.iss === 'string' &&
    typeof p.nonce === 'string' &&
    typeof p.jti === 'string' &&
    Number.isInteger(p.iat) &&
    Number.isInteger(p.exp)
  );
}

export async function verifyGuardAssertion(key: GuardKey, token: unknown, expect: VerifyExpectation): Promise<VerifyResult> {
  if (typeof token !== 'string' || token.length > 4096) return { ok: false, problem: 'malformed' };
  const parts = token.split('.');
  if (parts.length !== 3) return { ok: false, problem: 'malformed' };
  const [h, p, s] = parts as [string, string, string];
  const header = json(h);
  const payload = json(p);
  const signature = base64urlBytes(s);
  if (!header || !payload || !signature) return { ok: false, problem: 'malformed' };
  // Only ES256: an "alg: none" or HMAC token must never be taken for a signed one.
  if (header.alg !== 'ES256' || signature.length !== 64) return { ok: false, problem: 'bad_signature' };
  const signed = new TextEncoder().encode(`${h}.${p}`);
  const valid = await crypto.subtle.verify({ name: 'ECDSA', hash: 'SHA-256' }, key, signature, signed).catch(() => false);
  if (!valid) return { ok: false, problem: 'bad_signature' };
  if (!isClaims(payload)) return { ok: false, problem: 'malformed' };
  if (payload.aud !== expect.audience) return { ok: false, problem: 'wrong_audience' };
  if (expect.seen.has(payload.jti)) return { ok: false, problem: 'replayed' };
  if (expect.nonce === null || payload.nonce !== expect.nonce) return { ok: false, problem: 'wrong_nonce' };
  if (payload.exp <= payload.iat) return { ok: false, problem: 'expired' };
  // Fresh by construction (it answers our nonce), so times far off mean a wrong clock here.
  if (payload.iat > expect.nowSeconds + GUARD_CLOCK_LEEWAY_SECONDS) return { ok: false, problem: 'clock' };
  if (payload.exp + GUARD_CLOCK_LEEWAY_SECONDS < expect.nowSeconds) return { ok: false, problem: 'expired' };
  return { ok: true, claims: payload };
}
