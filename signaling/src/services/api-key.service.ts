/**
 * API keys of the `/api/v1` REST API (#13). HTTP-free: admin routes create, list and
 * revoke keys through it; the v1 plugin authenticates every request with `authenticate`.
 *
 * A key is `pk_<prefix>_<secret>`: the 12-character prefix is public (stored, shown to
 * admins, finds the row), the secret is 32 random bytes. Only SHA-256 of the whole key is
 * stored — a fast hash is enough for 256 bits of randomness — and compared in constant
 * time. The key is returned once, at creation. Creation and revocation are audit-logged.
 */
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import type { Kysely } from 'kysely';
import type { z } from 'zod';
import {
  appendAction,
  createApiKey,
  findApiKeyByPrefix,
  getApiKey,
  inTransaction,
  listApiKeys,
  revokeApiKey,
  touchApiKey,
  type ApiKeyListItem,
  type DB,
} from '@proctor/db';
import { API_KEY_PREFIX, apiKeyPattern, type AdminApiKey, type ApiKeyScope, type CreatedApiKey, type apiKeyInput } from '../contract/api/v1.ts';
import { DomainError } from '../domain/errors.ts';
import { checkScopeRefs } from './scope-refs.ts';
import type { SessionUser } from './auth.service.ts';

type Input = z.output<typeof apiKeyInput>;

/** Who is calling `/api/v1`: what the key allows. */
export interface ApiPrincipal {
  keyId: string;
  name: string;
  integrationId: string | null;
  scopes: ApiKeyScope[];
  /** null = every exam. */
  examId: string | null;
}

export interface ApiKeyServiceDeps {
  db: Kysely<DB>;
  now?: () => Date;
}

/** last_used_at is written at most this often per key. */
export const LAST_USED_EVERY_MS = 60_000;
const LIST_LIMIT = 500;
const PREFIX_ALPHABET = 'abcdefghijklmnopqrstuvwxyz0123456789';

const sha256 = (text: string) => createHash('sha256').update(text, 'utf8').digest();

function randomPrefix(): string {
  // 36 does not divide 256: drop the biased top bytes instead of taking a modulo.
  let out = '';
  while (out.length < 12) {
    for (const b of randomBytes(24)) if (b < 252 && out.length < 12) out += PREFIX_ALPHABET[b % 36];
  }
  return out;
}

export const unauthenticated = (message: string) => new DomainError('unauthenticated', message);

export class ApiKeyService {
  constructor(private readonly deps: ApiKeyServiceDeps) {}

  #now(): Date {
    return this.deps.now?.() ?? new Date();
  }

  view(row: ApiKeyListItem): AdminApiKey {
    return {
      id: row.id,
      name: row.name,
      integrationId: row.integrationId,
      integrationName: row.integrationName,
      prefix: `${API_KEY_PREFIX}${row.prefix}_…`,
      scopes: row.scopes,
      examId: row.examId,
      examName: row.examName,
      createdByName: row.createdByName,
      createdAt: row.createdAt.toISOString(),
      lastUsedAt: row.lastUsedAt?.toISOString() ?? null,
      revokedAt: row.revokedAt?.toISOString() ?? null,
    };
  }

  async list(): Promise<{ items: AdminApiKey[] }> {
    return { items: (await listApiKeys(this.deps.db, LIST_LIMIT)).map((r) => this.view(r)) };
  }

  async create(actor: SessionUser, input: Input): Promise<CreatedApiKey> {
    const { db } = this.deps;
    const { integrationId, examId } = await checkScopeRefs(db, input);
    const prefix = randomPrefix();
    const secret = `${API_KEY_PREFIX}${prefix}_${randomBytes(32).toString('base64url')}`;
    const scopes = [...new Set(input.scopes)];
    const id = await inTransaction(db, async (trx) => {
      const id = await createApiKey(trx, { name: input.name, integrationId, prefix, secretHash: sha256(secret), scopes, examId, createdBy: actor.id });
      // The audit entry names the key by prefix; the secret is in no log.
      await appendAction(trx, {
        actorUserId: actor.id,
        actorName: actor.fullName,
        actorIin: actor.iin,
        action: 'admin.api_key.created',
        details: { apiKeyId: id, name: input.name, prefix, scopes, examId, integrationId },
      });
      return id;
    });
    return { key: this.view((await getApiKey(db, id))!), secret };
  }

  async revoke(actor: SessionUser, id: string): Promise<void> {
    await inTransaction(this.deps.db, async (trx) => {
      const key = await getApiKey(trx, id);
      if (!key) throw new DomainError('not_found', 'There is no such API key.');
      if (!(await revokeApiKey(trx, id, this.#now()))) return; // already revoked: nothing changes
      await appendAction(trx, {
        actorUserId: actor.id,
        actorName: actor.fullName,
        actorIin: actor.iin,
        action: 'admin.api_key.revoked',
        details: { apiKeyId: id, name: key.name, prefix: key.prefix },
      });
    });
  }

  /**
   * The principal of an `Authorization` header, or 401. Every failure but a revoked key
   * reads the same, so the answer tells a prober nothing about which prefixes exist.
   */
  async authenticate(header: string | undefined): Promise<ApiPrincipal> {
    if (!header) throw unauthenticated('Send the API key as "Authorization: Bearer <key>".');
    const match = /^Bearer ([^\s]+)$/i.exec(header.trim());
    const parts = match ? apiKeyPattern.exec(match[1]!) : null;
    if (!match || !parts) throw unauthenticated('The Authorization header is not "Bearer <key>" with a key of this platform.');
    const key = match[1]!;
    const row = await findApiKeyByPrefix(this.deps.db, parts[1]!);
    // Hash even when no row matched, so a wrong prefix costs the same time as a wrong secret.
    const presented = sha256(key);
    const stored = row?.secretHash ?? Buffer.alloc(32);
    if (!row || stored.length !== 32 || !timingSafeEqual(presented, stored)) throw unauthenticated('The API key is not valid.');
    if (row.revokedAt) throw unauthenticated('The API key was revoked.');
    await touchApiKey(this.deps.db, row.id, this.#now(), LAST_USED_EVERY_MS);
    return { keyId: row.id, name: row.name, integrationId: row.integrationId, scopes: row.scopes, examId: row.examId };
  }
}
