/**
 * Calls of the candidate journey API (`journeyApi` in the shared contract). The candidate's
 * link token is the only identity and travels in the Authorization header.
 */
import { ApiError, networkError, toApiError } from '$lib/api-error';
import {
	journeyApi,
	journeyState,
	verificationOutcome,
	type ConsentRequest,
	type DeviceCheckReport,
	type JourneyState,
	type VerificationMeta,
	type VerificationOutcome,
} from '@proctor/signaling/contract';

/** One candidate route with the link token; an error answer becomes an ApiError. */
export async function call(token: string, method: string, path: string, body?: BodyInit, json = false): Promise<Response> {
	let response: Response;
	try {
		response = await fetch(path, {
			method,
			headers: { authorization: `Bearer ${token}`, accept: 'application/json', ...(json ? { 'content-type': 'application/json' } : {}) },
			body,
		});
	} catch (error) {
		throw networkError(error);
	}
	if (!response.ok) throw await toApiError(response);
	return response;
}

export async function fetchJourney(token: string): Promise<JourneyState> {
	const res = await call(token, 'GET', journeyApi.state.path);
	return journeyState.parse(await res.json());
}

export async function giveConsent(token: string, body: ConsentRequest): Promise<void> {
	await call(token, 'POST', journeyApi.consent.path, JSON.stringify(body), true);
}

export async function reportDeviceCheck(token: string, body: DeviceCheckReport): Promise<void> {
	await call(token, 'POST', journeyApi.deviceCheck.path, JSON.stringify(body), true);
}

/** The candidate's reference photo as an image, or null when the admin uploaded none. */
export async function fetchReferencePhoto(token: string): Promise<Blob | null> {
	try {
		return await (await call(token, 'GET', journeyApi.referencePhoto.path)).blob();
	} catch (error) {
		if (error instanceof ApiError && error.status === 404) return null;
		throw error;
	}
}

export async function uploadVerification(
	token: string,
	photos: { face: Blob; document?: Blob | null },
	meta: VerificationMeta,
): Promise<VerificationOutcome> {
	const form = new FormData();
	form.set('meta', JSON.stringify(meta));
	form.set('face', photos.face, 'face.jpg');
	if (photos.document) form.set('document', photos.document, 'document.jpg');
	const res = await call(token, 'POST', journeyApi.verify.path, form);
	return verificationOutcome.parse(await res.json());
}

/**
 * Rough upload speed: time to post `bytes` of JSON to the server (discarded there).
 * Good enough to tell "fine" from "the video will not get through".
 */
export async function measureUplinkKbps(token: string, bytes = 256 * 1024): Promise<number> {
	const body = JSON.stringify({ padding: 'x'.repeat(bytes) });
	const began = performance.now();
	await call(token, 'POST', journeyApi.uplinkProbe.path, body, true);
	const seconds = Math.max(0.001, (performance.now() - began) / 1000);
	return Math.round((body.length * 8) / 1000 / seconds);
}
