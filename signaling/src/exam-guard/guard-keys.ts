/**
 * The platform's signing key for exam-guard assertions: an ECDSA P-256 key derived from
 * TOKEN_SECRET (HKDF-SHA256, its own label), so every media node holds the same key without
 * storing or distributing another secret, and rotating TOKEN_SECRET rotates it too.
 * ES256 because browsers verify it with WebCrypto everywhere (the guard has no library).
 */
import { createECDH, createHash, createPrivateKey, createPublicKey, hkdfSync, type KeyObject } from 'node:crypto';

export interface GuardPublicJwk {
  kty: 'EC';
  crv: 'P-256';
  x: string;
  y: string;
  kid: string;
  alg: 'ES256';
  use: 'sig';
}

export interface GuardKeys {
  privateKey: KeyObject;
  publicKey: KeyObject;
  jwk: GuardPublicJwk;
}

// Order of the P-256 group: a private scalar must be in [1, n − 1].
const P256_ORDER = BigInt('0xffffffff00000000ffffffffffffffffbce6faada7179e84f3b9cac2fc632551');

export function deriveGuardKeys(tokenSecret: string): GuardKeys {
  for (let counter = 0; ; counter++) {
    const d = Buffer.from(hkdfSync('sha256', tokenSecret, 'proctor/exam-guard', `p256-signing-key/${counter}`, 32));
    const scalar = BigInt(`0x${d.toString('hex')}`);
    if (scalar === 0n || scalar >= P256_ORDER) continue; // happens with probability ~2^-32
    const ecdh = createECDH('prime256v1');
    ecdh.setPrivateKey(d);
    const point = ecdh.getPublicKey(); // 0x04 ‖ x ‖ y
    const x = point.subarray(1, 33).toString('base64url');
    const y = point.subarray(33, 65).toString('base64url');
    const kid = createHash('sha256').update(point).digest('base64url').slice(0, 16);
    const privateKey = createPrivateKey({ key: { kty: 'EC', crv: 'P-256', d: d.toString('base64url'), x, y }, format: 'jwk' });
    return { privateKey, publicKey: createPublicKey(privateKey), jwk: { kty: 'EC', crv: 'P-256', x, y, kid, alg: 'ES256', use: 'sig' } };
  }
}
