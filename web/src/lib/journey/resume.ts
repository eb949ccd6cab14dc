/**
 * What the journey keeps in this tab across a reload: the face embedding taken at
 * verification (the exam's "another person" check compares with it). Per tab, gone when
 * the tab closes, like the token (lib/token.ts); the server keeps the verification itself.
 */
const key = (sessionId: string) => `proctor.verified-face.${sessionId}`;

export function saveVerifiedEmbedding(sessionId: string, embedding: number[] | null): void {
	try {
		if (embedding) sessionStorage.setItem(key(sessionId), JSON.stringify(embedding));
		else sessionStorage.removeItem(key(sessionId));
	} catch {
		// storage disabled: the check runs only until the next reload
	}
}

export function loadVerifiedEmbedding(sessionId: string): number[] | null {
	try {
		const raw = sessionStorage.getItem(key(sessionId));
		const value: unknown = raw ? JSON.parse(raw) : null;
		return Array.isArray(value) && value.every((v) => typeof v === 'number') ? value : null;
	} catch {
		return null;
	}
}
