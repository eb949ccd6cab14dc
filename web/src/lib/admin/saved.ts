/** After an admin form saved: say so, then open the new record or re-read the edited one. */
import { goto, invalidateAll } from '$app/navigation';
import { toast } from '$lib/toast.svelte';

export function afterSave(created: boolean, text: string, href: string): void {
	toast(text, 'success');
	void (created ? goto(href) : invalidateAll());
}
