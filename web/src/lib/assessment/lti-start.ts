/**
 * Opening an LTI proctored attempt's assessment (#13): the platform's start_assessment_url
 * takes a form post of our signed LtiStartAssessment (`JWT`), never a plain load. The page
 * asks the server for it (given only while the learner is live under proctoring, so it
 * retries briefly while the media connects) and posts it into the frame or window by name,
 * so the platform's quiz opens there.
 */
import { requestLtiStart } from './api';

const RETRY_MS = 1500;
const GIVE_UP_AFTER_MS = 60_000;

/** Posts the start message into the browsing context named `target`; false when the server gave none in time. */
export async function postLtiStart(token: string, target: string, signal?: AbortSignal): Promise<boolean> {
	const deadline = Date.now() + GIVE_UP_AFTER_MS;
	for (;;) {
		if (signal?.aborted) return false;
		const answer = await requestLtiStart(token);
		if ('jwt' in answer) {
			submitForm(answer.url, answer.jwt, target);
			return true;
		}
		if (answer.unavailable !== 'not_live' || Date.now() > deadline) return false;
		await new Promise((r) => setTimeout(r, RETRY_MS));
	}
}

function submitForm(url: string, jwt: string, target: string): void {
	const form = document.createElement('form');
	form.method = 'POST';
	form.action = url;
	form.target = target;
	form.style.display = 'none';
	const input = document.createElement('input');
	input.type = 'hidden';
	input.name = 'JWT';
	input.value = jwt;
	form.append(input);
	document.body.append(form);
	form.submit();
	form.remove();
}
