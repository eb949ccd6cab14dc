// Outcomes of the identity check before an exam (CHECK in migration 0005, which keeps its own copy).
// no_reference: the candidate has no reference photo, so there was nothing to compare with;
// the exam proceeds and the report says so.
export const VERIFICATION_RESULTS = ['successful', 'failed', 'no_reference'] as const;
export type VerificationResult = (typeof VERIFICATION_RESULTS)[number];
