// Tamper evidence: per session a signed hash chain over recordings, device segments,
// snapshots and violations (see chain.ts, seal.ts, verify.ts).
export { appendEvidence, entryHash, type EvidenceChange } from './chain.ts';
export { fileDigest, violationDigest } from './digests.ts';
export { EVIDENCE_KEY_FILE, EvidenceSigner, evidenceSignerFromEnv } from './signer.ts';
export { type EvidenceDeps, recordEvidenceRemoval, sealFileEvidence, sealRecordingEvidence, sealSessionViolations, type SealOutcome } from './seal.ts';
export { type ChainProblem, type EvidenceItemIssue, type EvidenceVerification, type ItemProblem, verifySessionEvidence } from './verify.ts';
