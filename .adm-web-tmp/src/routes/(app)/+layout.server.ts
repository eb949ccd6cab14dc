import { requireUser } from '$lib/server/guard';
import type { LayoutServerLoad } from './$types';

/** Pages for signed-in proctors and admins (Results, reports); they render inside AppShell. */
export const load: LayoutServerLoad = (event) => ({ user: requireUser(event, 'admin', 'proctor') });
