/** Short notices in the corner of the screen (rendered once by `Toasts.svelte` in the root layout). */
export type ToastTone = 'info' | 'success' | 'error';

export interface Toast {
	id: number;
	tone: ToastTone;
	text: string;
}

let nextId = 1;
export const toasts = $state<Toast[]>([]);

export function dismissToast(id: number): void {
	const index = toasts.findIndex((toast) => toast.id === id);
	if (index >= 0) toasts.splice(index, 1);
}

/** Shows `text`; errors stay longer. Returns the toast's id. */
export function toast(text: string, tone: ToastTone = 'info', ms = tone === 'error' ? 8000 : 3500): number {
	const id = nextId++;
	toasts.push({ id, tone, text });
	if (toasts.length > 4) toasts.splice(0, toasts.length - 4);
	if (typeof window !== 'undefined') setTimeout(() => dismissToast(id), ms);
	return id;
}
