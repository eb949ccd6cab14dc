/** Archive or restore one admin record (list rows and edit pages), with the toast that says so. */
import { invalidateAll } from '$app/navigation';
import { t } from '$lib/i18n';
import { toast } from '$lib/toast.svelte';
import { adminCall, adminErrorText } from './api';

export type Route = { method: string; path: string };
export interface ArchiveRoutes {
	archive: Route;
	unarchive: Route;
}

export async function toggleArchived(routes: ArchiveRoutes, row: { id: string; archivedAt: string | null }, name: string): Promise<void> {
	try {
		await adminCall(row.archivedAt ? routes.unarchive : routes.archive, { id: row.id });
		toast(t(row.archivedAt ? 'admin.restoredToast' : 'admin.archivedToast', { name }), 'success');
		await invalidateAll();
	} catch (error) {
		toast(adminErrorText(error), 'error');
	}
}

/** The confirmation's title and button for archiving, or restoring when the row is archived. */
export function archiveTexts(row: { archivedAt: string | null } | null, name: string): { title: string; confirmLabel: string; danger: boolean } {
	return {
		title: t(row?.archivedAt ? 'admin.confirmUnarchive.title' : 'admin.confirmArchive.title', { name }),
		confirmLabel: t(row?.archivedAt ? 'admin.unarchive' : 'admin.archive'),
		danger: !row?.archivedAt,
	};
}
