/**
 * Tamper evidence of one session (GET /api/sessions/:id/evidence): whether its signed hash
 * chain over recordings, device segments, snapshots and violations still matches what is
 * stored, and if not, which item changed. Same access as the detailed report (404 for a
 * session the user may not see).
 */
import { z } from 'zod';
import { MEDIA_SOURCES } from '@proctor/values';

const timestamp = z.iso.datetime();

export const evidenceKind = z.enum(['recording', 'device_segment', 'snapshot', 'violation']);
export type EvidenceKindName = z.infer<typeof evidenceKind>;

/**
 * altered: content differs from what was sealed. missing: a sealed item is gone without a
 * removal entry. not_sealed: an item that should be in the chain by now is not (added
 * afterwards). unverifiable: this server cannot read items of that kind.
 */
export const evidenceItemProblem = z.enum(['altered', 'missing', 'not_sealed', 'unverifiable']);
export const evidenceChainProblem = z.enum(['bad_hash', 'broken_link', 'bad_signature', 'unknown_key']);

export const evidenceItemIssue = z.object({
  kind: evidenceKind,
  itemId: z.uuid(),
  problem: evidenceItemProblem,
  /** What the page names the item by: a recording's source and attempt, a violation's type and start. */
  source: z.enum(MEDIA_SOURCES).nullable(),
  attemptNumber: z.number().int().positive().nullable(),
  violationType: z.string().nullable(),
  at: timestamp.nullable(),
});
export type EvidenceItemIssueView = z.infer<typeof evidenceItemIssue>;

export const sessionEvidence = z.object({
  /** verified | altered (something changed) | incomplete (intact, but not everything is sealed yet) | none (nothing sealed). */
  status: z.enum(['verified', 'altered', 'incomplete', 'none']),
  checkedAt: timestamp,
  entries: z.number().int().nonnegative(),
  sealed: z.number().int().nonnegative(),
  removed: z.number().int().nonnegative(),
  /** The keys that signed the chain (SHA-256 of each public key) and the node that holds each. */
  keys: z.array(z.object({ id: z.string(), nodeId: z.string() })),
  chain: z.array(z.object({ seq: z.number().int().positive(), problem: evidenceChainProblem })),
  items: z.array(evidenceItemIssue),
});
export type SessionEvidence = z.infer<typeof sessionEvidence>;

export const evidenceApi = {
  /** Re-reads every sealed file: about a second per GB of recordings. */
  verify: { method: 'GET', path: '/api/sessions/:id/evidence', query: null, body: null, response: sessionEvidence },
} as const;
