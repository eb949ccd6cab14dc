/**
 * Compact signed tokens (HMAC-SHA256 over a base64url JSON body). They identify a socket:
 * a candidate of one exam session, or a proctor/admin. No JWT library: the format is
 * ours alone, the claims are validated with the shared zod schema, and comparison is
 * constant-time.
 */
import { createHmac, timingSafeEqual } from 'node:crypto';
import { tokenClaims, type TokenClaims } from '../contract/token.ts';

export type ClaimsInput = TokenClaims extends infer C ? (C extends unknown ? Omit<C, 'exp'> : never) : never;

export class TokenError extends Error {
  override name = 'TokenError';
}

function sign(body: string, secret: string): string {
  return createHmac('sha256', secret).update(body).digest('base64url');
}

export function mintToken(claims: ClaimsInput, secret: string, ttlSeconds: number): string {
  const full = { ...claims, exp: Math.floor(Date.now() / 1000) + ttlSeconds };
  const body = Buffer.from(JSON.stringify(full)).toString('base64url');
  return `${body}.${sign(body, secret)}`;
}

export function verifyToken(token: unknown, secret: string, now = Date.now()): TokenClaims {
  if (typeof token !== 'string' || token.length > 2048) throw new TokenError('missing or malformed token');
  const [body, sig, extra] = token.split('.');
  if (!body || !sig || extra !== undefined) throw new TokenError('malformed token');
  const expected = Buffer.from(sign(body, secret));
  const given = Buffer.from(sig);
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) throw new TokenError('bad token signature');
  let json: unknown;
  try {
    json = JSON.parse(Buffer.from(body, 'base64url').toString('utf8'));
  } catch {
    throw new TokenError('malformed token');
  }
  const parsed = tokenClaims.safeParse(json);
  if (!parsed.success) throw new TokenError('token claims are invalid');
  if (parsed.data.exp * 1000 < now) throw new TokenError('token expired');
  return parsed.data;
}
