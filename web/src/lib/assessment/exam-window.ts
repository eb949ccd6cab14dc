/**
 * The assessment in a separate window (window mode): a named popup the proctoring page
 * opens from a click and watches. The name is per session, so "open again" brings back the
 * same window instead of stacking new ones.
 */

/** The popup's name (a form can post into it: LTI proctored attempts, lti-start.ts). */
export function examWindowName(sessionId: string): string {
	return `proctor-assessment-${sessionId}`;
}

/** Opens (or focuses) the popup; null when the browser blocked it. */
export function openExamWindow(url: string, sessionId: string): Window | null {
	const width = Math.round(Math.min(screen.availWidth, 1600) * 0.92);
	const height = Math.round(screen.availHeight * 0.92);
	const left = Math.round((screen.availWidth - width) / 2);
	const top = Math.round((screen.availHeight - height) / 2);
	const popup = window.open(url, examWindowName(sessionId), `popup=yes,width=${width},height=${height},left=${left},top=${top}`);
	popup?.focus();
	return popup;
}

/** Calls `onClosed` once the window is gone (polled: cross-origin windows fire no event we can hear). */
export function watchClosed(popup: Window, onClosed: () => void, everyMs = 500): () => void {
	const timer = setInterval(() => {
		if (popup.closed) {
			clearInterval(timer);
			onClosed();
		}
	}, everyMs);
	return () => clearInterval(timer);
}
