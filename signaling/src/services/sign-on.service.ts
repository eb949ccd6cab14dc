/**
 * Sign-on links (#10): `/join?token=<JWT>` from an integration. The token is verified
 * (audience = an integration's id, issuer one of its issuers, HS256 with its shared secret
 * or RS256 with a key from its JWKS URL, exp / iat / nbf, at most a day long), its jti is
 * claimed once, and in the same transaction the candidate, group, discipline, exam and
 * session are created or updated by the integration's external ids. Any refusal creates
 * nothing. The answer is the candidate's own link token for /exam.
 */
import type { Kysely } from 'kysely';
import type { Logger } from 'pino';
import { createRemoteJWKSet, decodeJwt, errors, jwtVerify, type JWTPayload, type JWTVerifyGetKey } from 'jose';
import {
  appendAction,
  claimSignOnUse,
  createCandidate,
  createExam,
  deleteExpiredSignOnUses,
  ensureDiscipline,
  ensureExamSession,
  ensureGroup,
  findExternalRef,
  findGroupsByNames,
  getCandidate,
  getCandidatesByIins,
  getExam,
  getGroup,
  getIntegration,
  inTransaction,
  linkExternalRef,
  lockExternalId,
  renameGroup,
  setCandidatePhotoPath,
  setSessionReturnUrl,
  setSignOnUseSession,
  updateCandidate,
  updateExam,
  type DB,
  type Integration,
} from '@proctor/db';
import { LINK_GRACE_SECONDS } from '../contract/api/journey.ts';
import {
  SIGN_ON_CLOCK_TOLERANCE_SECONDS,
  SIGN_ON_MAX_LIFETIME_SECONDS,
  signOnClaims,
  type JoinResponse,
  type SignOnClaims,
  type SignOnRefusal,
} from '../contract/api/sign-on.ts';
import { ADMIN_UPLOAD_LIMITS } from '../contract/api/admin.ts';
import { mintToken } from '../auth/token.ts';
import { DomainError } from '../domain/errors.ts';
import { sniffImage, type PhotoStore } from './admin-photo.service.ts';

/** A refused link, with the reason (and the claim at fault) for the page; statuses: sign-on.routes.ts. */
export class SignOnError extends DomainError {
  override readonly name: string = 'SignOnError';
  constructor(
    readonly reason: SignOnRefusal,
    message: string,
    readonly field?: string,
  ) {
    super('sign_on_refused', message);
  }
}

export interface SignOnServiceDeps {
  db: Kysely<DB>;
  tokenSecret: string;
  photos: PhotoStore;
  log: Logger;
  now?: () => Date;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const PHOTO_TIMEOUT_MS = 5000;
/** The shortest candidate token handed out (a link for an exam already over still shows its page). */
const MIN_CANDIDATE_TOKEN_SECONDS = 10 * 60;

export class SignOnService {
  /** jose's remote key sets (cached keys, refetch on an unknown kid) per JWKS URL. */
  readonly #keySets = new Map<string, JWTVerifyGetKey>();

  constructor(private readonly deps: SignOnServiceDeps) {}

  #now(): Date {
    return this.deps.now?.() ?? new Date();
  }

  async join(token: string): Promise<JoinResponse> {
    const integration = await this.#integrationFor(token);
    const payload = await this.#verify(token, integration);
    const claims = this.#claims(payload);
    const jti = payload.jti!;
    const now = this.#now();
    await deleteExpiredSignOnUses(this.deps.db, new Date(now.getTime() - SIGN_ON_CLOCK_TOLERANCE_SECONDS * 1000));

    const result = await inTransaction(this.deps.db, async (trx) => {
      const fresh = await claimSignOnUse(trx, { integrationId: integration.id, jti, expiresAt: new Date(payload.exp! * 1000) });
      if (!fresh) throw new SignOnError('replayed', 'This link was already used. Open the exam again from your learning system to get a new one.');
      const groupId = claims.candidate.group ? await this.#group(trx, integration.id, claims.candidate.group) : undefined;
      const exam = await this.#exam(trx, integration.id, claims.exam);
      const candidate = await this.#candidate(trx, integration.id, claims.candidate, groupId);
      const sessionId = await ensureExamSession(trx, exam.id, candidate.id);
      await setSessionReturnUrl(trx, sessionId, claims.returnUrl ?? null);
      await setSignOnUseSession(trx, integration.id, jti, sessionId);
      await appendAction(trx, {
        actorUserId: null,
        actorName: claims.candidate.fullName,
        actorIin: claims.candidate.iin,
        sessionId,
        action: 'candidate.signed_on',
        details: { integrationId: integration.id, integration: integration.name, jti, examId: exam.id, candidateId: candidate.id },
      });
      return { sessionId, candidateId: candidate.id, hasPhoto: candidate.hasPhoto, examEndsAt: exam.endsAt };
    });

    if (!result.hasPhoto && claims.candidate.photoUrl) await this.#fetchPhoto(result.candidateId, claims.candidate.photoUrl);
    const ttl = Math.max(MIN_CANDIDATE_TOKEN_SECONDS, Math.floor((result.examEndsAt.getTime() - now.getTime()) / 1000) + LINK_GRACE_SECONDS);
    this.deps.log.info({ integrationId: integration.id, sessionId: result.sessionId }, 'candidate signed on');
    return { candidateToken: mintToken({ role: 'candidate', sessionId: result.sessionId }, this.deps.tokenSecret, ttl), sessionId: result.sessionId };
  }

  /** The live integration the token's audience names (read before the signature is checked). */
  async #integrationFor(token: string): Promise<Integration> {
    let payload: JWTPayload;
    try {
      payload = decodeJwt(token);
    } catch {
      throw new SignOnError('malformed', 'This is not a sign-on link (the token cannot be read).');
    }
    const audiences = (Array.isArray(payload.aud) ? payload.aud : [payload.aud]).filter((a): a is string => typeof a === 'string' && UUID.test(a));
    for (const audience of audiences) {
      const integration = await getIntegration(this.deps.db, audience.toLowerCase());
      if (integration && integration.kind === 'sign_on' && !integration.archivedAt) return integration;
    }
    throw new SignOnError('unknown_audience', 'This link is not meant for this proctoring platform (unknown audience).');
  }

  async #verify(token: string, integration: Integration): Promise<JWTPayload> {
    try {
      const options = {
        audience: integration.id,
        issuer: integration.issuers,
        clockTolerance: SIGN_ON_CLOCK_TOLERANCE_SECONDS,
        currentDate: this.#now(),
        requiredClaims: ['exp', 'iat', 'jti'],
      };
      const { payload } = integration.sharedSecret
        ? await jwtVerify(token, new TextEncoder().encode(integration.sharedSecret), { ...options, algorithms: ['HS256'] })
        : await jwtVerify(token, this.#keySet(integration.jwksUrl!), { ...options, algorithms: ['RS256'] });
      // jose accepts an iat in the future; a link issued "later" means a wrong clock somewhere.
      if (payload.iat! > Math.floor(this.#now().getTime() / 1000) + SIGN_ON_CLOCK_TOLERANCE_SECONDS) {
        throw new SignOnError('not_yet_valid', 'This link is not valid yet; check the clock of the issuing system.');
      }
      if (payload.exp! - payload.iat! > SIGN_ON_MAX_LIFETIME_SECONDS) {
        throw new SignOnError('lifetime_too_long', `A sign-on link may live at most ${SIGN_ON_MAX_LIFETIME_SECONDS / 3600} h (exp − iat).`);
      }
      if (typeof payload.jti !== 'string' || payload.jti.length < 1 || payload.jti.length > 200) {
        throw new SignOnError('claims_invalid', 'jti: must be a string of 1–200 characters', 'jti');
      }
      return payload;
    } catch (err) {
      throw this.#refusal(err);
    }
  }

  #keySet(url: string): JWTVerifyGetKey {
    let set = this.#keySets.get(url);
    if (!set) {
      set = createRemoteJWKSet(new URL(url), { timeoutDuration: 5000, cooldownDuration: 30_000 });
      this.#keySets.set(url, set);
    }
    return set;
  }

  #refusal(err: unknown): Error {
    if (err instanceof SignOnError) return err;
    if (err instanceof errors.JWTExpired) return new SignOnError('expired', 'This link has expired. Open the exam again from your learning system.');
    if (err instanceof errors.JWTClaimValidationFailed) {
      if (err.claim === 'iss') return new SignOnError('wrong_issuer', 'This link comes from a system this integration does not accept (issuer).');
      if (err.claim === 'nbf') {
        return new SignOnError('not_yet_valid', 'This link is not valid yet; check the clock of the issuing system.');
      }
      if (err.claim === 'aud') return new SignOnError('unknown_audience', 'This link is not meant for this proctoring platform (audience).');
      return new SignOnError('claims_invalid', `${err.claim}: ${err.message}`, err.claim);
    }
    if (err instanceof errors.JWKSTimeout || err instanceof errors.JWKSInvalid || (err instanceof errors.JOSEError && err.code === 'ERR_JOSE_GENERIC')) {
      return new SignOnError('keys_unavailable', 'The keys of the issuing system could not be read; try again in a minute.');
    }
    if (
      err instanceof errors.JWSSignatureVerificationFailed ||
      err instanceof errors.JOSEAlgNotAllowed ||
      err instanceof errors.JWKSNoMatchingKey ||
      err instanceof errors.JWKSMultipleMatchingKeys
    ) {
      return new SignOnError('bad_signature', 'This link has been altered or was not signed by the issuing system.');
    }
    if (err instanceof errors.JOSEError) return new SignOnError('malformed', 'This is not a valid sign-on link.');
    // A JWKS URL that does not answer surfaces as a fetch error.
    if (err instanceof TypeError || (err as { name?: string })?.name === 'AbortError') {
      return new SignOnError('keys_unavailable', 'The keys of the issuing system could not be read; try again in a minute.');
    }
    return err instanceof Error ? err : new Error(String(err));
  }

  #claims(payload: JWTPayload): SignOnClaims {
    const parsed = signOnClaims.safeParse(payload);
    if (parsed.success) return parsed.data;
    const issue = parsed.error.issues[0]!;
    const field = issue.path.join('.');
    throw new SignOnError('claims_invalid', `${field || 'claims'}: ${issue.message}`, field || undefined);
  }

  async #group(db: Kysely<DB>, integrationId: string, group: { id: string; name: string }): Promise<string> {
    await lockExternalId(db, integrationId, 'group', group.id);
    const linked = await findExternalRef(db, integrationId, 'group', group.id);
    if (linked) {
      const current = await getGroup(db, linked);
      // Follow a rename in the external system, unless another group already has that name.
      if (current && current.name !== group.name && (await findGroupsByNames(db, [group.name])).length === 0) await renameGroup(db, linked, group.name);
      return linked;
    }
    const id = await ensureGroup(db, group.name);
    await linkExternalRef(db, { integrationId, kind: 'group', externalId: group.id, localId: id });
    return id;
  }

  async #exam(db: Kysely<DB>, integrationId: string, exam: SignOnClaims['exam']): Promise<{ id: string; endsAt: Date }> {
    await lockExternalId(db, integrationId, 'exam', exam.id);
    const disciplineId = await ensureDiscipline(db, exam.discipline);
    const fields = {
      name: exam.name,
      disciplineId,
      startsAt: exam.startsAt,
      endsAt: exam.endsAt,
      ...(exam.timeZone ? { timeZone: exam.timeZone } : {}),
      ...(exam.assessmentUrl ? { assessmentUrl: exam.assessmentUrl } : {}),
      ...(exam.assessmentMode ? { assessmentMode: exam.assessmentMode } : {}),
    };
    const linked = await findExternalRef(db, integrationId, 'exam', exam.id);
    const current = linked ? await getExam(db, linked) : undefined;
    if (current) {
      // The external system owns its exams: its name, window and assessment win.
      const changed =
        current.name !== fields.name ||
        current.disciplineId !== disciplineId ||
        current.startsAt.getTime() !== fields.startsAt.getTime() ||
        current.endsAt.getTime() !== fields.endsAt.getTime() ||
        (fields.timeZone !== undefined && current.timeZone !== fields.timeZone) ||
        (fields.assessmentUrl !== undefined && current.assessmentUrl !== fields.assessmentUrl) ||
        (fields.assessmentMode !== undefined && current.assessmentMode !== fields.assessmentMode);
      if (changed) {
        await updateExam(db, current.id, fields);
        // A new address is read again when a candidate opens it (assessment.service.ts).
        if (fields.assessmentUrl !== undefined && current.assessmentUrl !== fields.assessmentUrl) {
          await db.updateTable('exams').set({ assessmentCheck: null }).where('id', '=', current.id).execute();
        }
      }
      return { id: current.id, endsAt: fields.endsAt };
    }
    const id = await createExam(db, { ...fields, proctoringMode: 'online' });
    await linkExternalRef(db, { integrationId, kind: 'exam', externalId: exam.id, localId: id });
    return { id, endsAt: fields.endsAt };
  }

  async #candidate(
    db: Kysely<DB>,
    integrationId: string,
    person: SignOnClaims['candidate'],
    groupId: string | undefined,
  ): Promise<{ id: string; hasPhoto: boolean }> {
    await lockExternalId(db, integrationId, 'candidate', person.id);
    const [holder] = await getCandidatesByIins(db, [person.iin]);
    const linked = await findExternalRef(db, integrationId, 'candidate', person.id);
    const current = linked ? await getCandidate(db, linked) : undefined;
    if (current) {
      if (holder && holder.id !== current.id) {
        throw new SignOnError('iin_conflict', 'The IIN in this link belongs to another candidate. Ask the exam administrator to check the candidate records.', 'candidate.iin');
      }
      await updateCandidate(db, current.id, {
        fullName: person.fullName,
        iin: person.iin,
        groupId: groupId ?? current.groupId,
        email: person.email ?? current.email,
      });
      return { id: current.id, hasPhoto: current.referencePhotoPath !== null };
    }
    // A person already known here (imported by an admin) is the same person: link them.
    if (holder) {
      await updateCandidate(db, holder.id, { fullName: person.fullName, iin: person.iin, groupId: groupId ?? holder.groupId, email: person.email ?? holder.email });
      await linkExternalRef(db, { integrationId, kind: 'candidate', externalId: person.id, localId: holder.id });
      return { id: holder.id, hasPhoto: holder.referencePhotoPath !== null };
    }
    const id = await createCandidate(db, { fullName: person.fullName, iin: person.iin, groupId: groupId ?? null, email: person.email ?? null });
    await linkExternalRef(db, { integrationId, kind: 'candidate', externalId: person.id, localId: id });
    return { id, hasPhoto: false };
  }

  /**
   * The link's photo as the reference photo, once (best effort: a photo that cannot be
   * fetched leaves the candidate without one, and verification says "no reference").
   */
  async #fetchPhoto(candidateId: string, url: string): Promise<void> {
    try {
      const response = await fetch(url, { redirect: 'follow', signal: AbortSignal.timeout(PHOTO_TIMEOUT_MS) });
      if (!response.ok) throw new Error(`HTTP ${response.status}`);
      const data = await readAtMost(response, ADMIN_UPLOAD_LIMITS.photoBytes);
      const type = sniffImage(data);
      if (!type) throw new Error('not a JPEG or PNG');
      const stored = await this.deps.photos.save(candidateId, data, type);
      const previous = await setCandidatePhotoPath(this.deps.db, candidateId, stored);
      await this.deps.photos.remove(previous);
    } catch (err) {
      this.deps.log.warn({ err, candidateId, url }, 'sign-on photo could not be fetched; the candidate has no reference photo');
    }
  }
}

/** The body, refusing (without reading on) one larger than `max` bytes. */
async function readAtMost(response: Response, max: number): Promise<Uint8Array> {
  if (Number(response.headers.get('content-length') ?? 0) > max) throw new Error('photo larger than the limit');
  const chunks: Uint8Array[] = [];
  let size = 0;
  for await (const chunk of response.body ?? []) {
    size += chunk.length;
    if (size > max) {
      await response.body?.cancel().catch(() => undefined);
      throw new Error('photo larger than the limit');
    }
    chunks.push(chunk);
  }
  return Buffer.concat(chunks);
}
