/**
 * The LTI tool's own RSA key pairs (#13), kept in PostgreSQL (lti_keys) so every media node
 * and the jobs process sign with the same key. The first use creates one; an admin rotates
 * it: the new key signs from then on, the previous one stays in `/.well-known/jwks.json`
 * for one more rotation so platforms that cached it keep verifying what was just signed.
 */
import { calculateJwkThumbprint, exportJWK, generateKeyPair, importJWK, type CryptoKey, type JWK } from 'jose';
import { activateLtiKey, getActiveLtiKey, inTransaction, listPublishedLtiKeys, lockLtiKeys, type LtiKey } from '@proctor/db';
import type { Db } from '../db.ts';

export const LTI_KEY_ALG = 'RS256';

async function newKeyPair(): Promise<{ kid: string; publicJwk: JWK; privateJwk: JWK }> {
  const { publicKey, privateKey } = await generateKeyPair(LTI_KEY_ALG, { modulusLength: 2048, extractable: true });
  const publicJwk = await exportJWK(publicKey);
  const kid = await calculateJwkThumbprint(publicJwk);
  return { kid, publicJwk: { ...publicJwk, kid, alg: LTI_KEY_ALG, use: 'sig' }, privateJwk: { ...(await exportJWK(privateKey)), kid, alg: LTI_KEY_ALG } };
}

/** The active key, created on first use (one per database, even with several nodes at once). */
export async function ensureLtiKey(db: Db): Promise<LtiKey> {
  const found = await getActiveLtiKey(db);
  if (found) return found;
  const pair = await newKeyPair();
  return inTransaction(db, async (trx) => {
    await lockLtiKeys(trx);
    const raced = await getActiveLtiKey(trx);
    if (raced) return raced;
    await activateLtiKey(trx, pair, new Date());
    return (await getActiveLtiKey(trx))!;
  });
}

/** A new active key; the current one becomes the previous (still published). Returns the new kid. */
export async function rotateLtiKey(db: Db, now = new Date()): Promise<string> {
  const pair = await newKeyPair();
  await inTransaction(db, async (trx) => {
    await lockLtiKeys(trx);
    await activateLtiKey(trx, pair, now);
  });
  return pair.kid;
}

/** The public keys platforms verify our signatures with: the active one and the previous one. */
export async function publishedLtiJwks(db: Db): Promise<{ keys: JWK[] }> {
  await ensureLtiKey(db);
  const keys = await listPublishedLtiKeys(db);
  return { keys: keys.map((k) => k.publicJwk as JWK) };
}

export interface LtiSigningKey {
  kid: string;
  key: CryptoKey;
}

export async function ltiSigningKey(db: Db): Promise<LtiSigningKey> {
  const row = await ensureLtiKey(db);
  const key = (await importJWK(row.privateJwk as JWK, LTI_KEY_ALG)) as CryptoKey;
  return { kid: row.kid, key };
}
