/**
 * The key a process signs evidence entries with: Ed25519, one per media node or jobs
 * process. The private key stays on the machine (EVIDENCE_SIGNING_KEY as PEM, else a file
 * created once under DATA_DIR, mode 0600); its public half is registered in the database
 * (evidence_keys) so any node can verify. The key id is the SHA-256 of the public key (DER),
 * which an auditor can compare with the one printed at start-up.
 */
import { createHash, createPrivateKey, createPublicKey, generateKeyPairSync, sign, type KeyObject } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { registerEvidenceKey } from '@proctor/db';
import type { Db } from '../db.ts';
import { dataDirFromEnv, evidenceKeyFromEnv } from '../config.ts';

export const EVIDENCE_KEY_FILE = 'evidence-signing-key.pem';

export class EvidenceSigner {
  readonly keyId: string;
  readonly publicKeyPem: string;

  private constructor(
    private readonly privateKey: KeyObject,
    readonly nodeId: string,
  ) {
    const publicKey = createPublicKey(privateKey);
    this.publicKeyPem = publicKey.export({ type: 'spki', format: 'pem' }).toString();
    this.keyId = createHash('sha256').update(publicKey.export({ type: 'spki', format: 'der' })).digest('hex');
  }

  /** A signer for a PEM private key (PKCS#8 Ed25519). */
  static fromPem(pem: string, nodeId: string): EvidenceSigner {
    const key = createPrivateKey(pem);
    if (key.asymmetricKeyType !== 'ed25519') throw new Error('the evidence signing key must be an Ed25519 private key');
    return new EvidenceSigner(key, nodeId);
  }

  /** A fresh key held in memory only (tests, tools). */
  static generate(nodeId: string): EvidenceSigner {
    return new EvidenceSigner(generateKeyPairSync('ed25519').privateKey, nodeId);
  }

  /** Base64 Ed25519 signature of a hex entry hash. */
  sign(entryHashHex: string): string {
    return sign(null, Buffer.from(entryHashHex, 'hex'), this.privateKey).toString('base64');
  }

  /** Makes the public key known to verifiers (idempotent). */
  async register(db: Db): Promise<this> {
    await registerEvidenceKey(db, { id: this.keyId, publicKey: this.publicKeyPem, nodeId: this.nodeId });
    return this;
  }
}

/** The process's signer from EVIDENCE_SIGNING_KEY, else DATA_DIR/evidence-signing-key.pem (created on first use). */
export function evidenceSignerFromEnv(dataDir: string = dataDirFromEnv(), nodeId: string = os.hostname(), keyPem = evidenceKeyFromEnv()): EvidenceSigner {
  if (keyPem) return EvidenceSigner.fromPem(keyPem, nodeId);
  const file = path.join(dataDir, EVIDENCE_KEY_FILE);
  try {
    return EvidenceSigner.fromPem(fs.readFileSync(file, 'utf8'), nodeId);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
  }
  fs.mkdirSync(dataDir, { recursive: true });
  const pem = generateKeyPairSync('ed25519').privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
  // 'wx': two processes starting at once on one data dir must not overwrite each other's key.
  try {
    fs.writeFileSync(file, pem, { mode: 0o600, flag: 'wx' });
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
  }
  return EvidenceSigner.fromPem(fs.readFileSync(file, 'utf8'), nodeId);
}
