/**
 * Exam-guard assertions: short-lived ES256 JWTs saying "this exam session is live under
 * proctoring right now", bound to the guard's challenge (nonce) and the assessment's origin
 * (aud). Minted for the candidate's proctoring page; verified by the guard in the browser
 * (exam-guard/client) and, for an LMS server, by POST /sdk/exam-guard/verify.
 */
import { randomBytes } from 'node:crypto';
import { SignJWT, errors, jwtVerify } from 'jose';
import { ASSERTION_ALG, ASSERTION_TTL_SECONDS, type AssertionClaims } from '../contract/exam-guard-protocol.ts';
import type { GuardKeys } from './guard-keys.ts';

export interface MintAssertionInput {
  sessionId: string;
  examId: string;
  /** The assessment page's origin. */
  audience: string;
  /** The platform's origin. */
  issuer: string;
  nonce: string;
  now?: Date;
  ttlSeconds?: number;
}

export async function mintAssertion(keys: GuardKeys, input: MintAssertionInput): Promise<{ assertion: string; expiresAt: Date; jti: string }> {
  const iat = Math.floor((input.now ?? new Date()).getTime() / 1000);
  const exp = iat + (input.ttlSeconds ?? ASSERTION_TTL_SECONDS);
  const jti = randomBytes(16).toString('base64url');
  const assertion = await new SignJWT({ exam: input.examId, nonce: input.nonce })
    .setProtectedHeader({ alg: ASSERTION_ALG, kid: keys.jwk.kid, typ: 'JWT' })
    .setSubject(input.sessionId)
    .setAudience(input.audience)
    .setIssuer(input.issuer)
    .setJti(jti)
    .setIssuedAt(iat)
    .setExpirationTime(exp)
    .sign(keys.privateKey);
  return { assertion, expiresAt: new Date(exp * 1000), jti };
}

export type AssertionProblem = 'malformed' | 'bad_signature' | 'expired' | 'wrong_audience';

export class AssertionError extends Error {
  constructor(readonly problem: AssertionProblem, message: string) {
    super(message);
  }
}

/** Checks signature, expiry and (when given) audience; the claims, or an AssertionError. */
export async function verifyAssertion(keys: GuardKeys, assertion: string, opts: { audience?: string; now?: Date } = {}): Promise<AssertionClaims> {
  try {
    const { payload } = await jwtVerify(assertion, keys.publicKey, {
      algorithms: [ASSERTION_ALG],
      audience: opts.audience,
      currentDate: opts.now,
      requiredClaims: ['sub', 'aud', 'exp', 'iat', 'jti'],
    });
    if (typeof payload.exam !== 'string' || typeof payload.nonce !== 'string' || typeof payload.aud !== 'string') {
      throw new AssertionError('malformed', 'the assertion lacks its exam, nonce or audience');
    }
    return payload as unknown as AssertionClaims;
  } catch (err) {
    if (err instanceof AssertionError) throw err;
    if (err instanceof errors.JWTExpired) throw new AssertionError('expired', 'the assertion has expired');
    if (err instanceof errors.JWTClaimValidationFailed && err.claim === 'aud') throw new AssertionError('wrong_audience', 'the assertion is for another site');
    if (err instanceof errors.JWSSignatureVerificationFailed || err instanceof errors.JOSEAlgNotAllowed) {
      throw new AssertionError('bad_signature', 'the assertion is not signed by this platform');
    }
    throw new AssertionError('malformed', 'not an exam-guard assertion');
  }
}
