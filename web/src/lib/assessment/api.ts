/** The candidate workspace's calls (`assessmentApi` in the shared contract), with the link token. */
import {
	assessmentApi,
	candidateAssessment,
	guardAssertionResponse,
	ltiStartResponse,
	type AssessmentWindowRequest,
	type CandidateAssessment,
	type GuardAssertionResponse,
	type LtiStartResponse,
} from '@proctor/signaling/contract';
import { call } from '$lib/journey/api';

export async function fetchAssessment(token: string): Promise<CandidateAssessment> {
	const res = await call(token, 'GET', assessmentApi.get.path);
	return candidateAssessment.parse(await res.json());
}

export async function requestAssertion(token: string, nonce: string): Promise<GuardAssertionResponse> {
	const res = await call(token, 'POST', assessmentApi.assertion.path, JSON.stringify({ nonce }), true);
	return guardAssertionResponse.parse(await res.json());
}

export async function reportWindowOpened(token: string, reason: AssessmentWindowRequest['reason']): Promise<void> {
	await call(token, 'POST', assessmentApi.window.path, JSON.stringify({ reason }), true);
}

/** The signed LtiStartAssessment of the session's LTI proctored attempt (#13), or why not yet. */
export async function requestLtiStart(token: string): Promise<LtiStartResponse> {
	const res = await call(token, 'POST', assessmentApi.ltiStart.path, '{}', true);
	return ltiStartResponse.parse(await res.json());
}
