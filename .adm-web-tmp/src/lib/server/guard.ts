/**
 * Access checks for server `load` functions of pages behind sign-in. The user comes from
 * hooks.server.ts (`locals.user`). Read the URL untracked so the check does not re-run on
 * every query change; a session that ends later surfaces as a 401 from the API.
 *
 *   // src/routes/admin/+layout.server.ts
 *   export const load = (event) => ({ user: requireUser(event, 'admin') });
 */
import { error, redirect, type ServerLoadEvent } from '@sveltejs/kit';
import type { AuthUser, UserRole } from '@proctor/signaling/contract';
import { loginHref } from '$lib/api';

type GuardEvent = Pick<ServerLoadEvent, 'locals' | 'url' | 'untrack'>;

/** The signed-in user; redirects to /login?next=… without one, 403 for another role. */
export function requireUser(event: GuardEvent, ...roles: UserRole[]): AuthUser {
	const user = event.locals.user;
	if (!user) redirect(303, event.untrack(() => loginHref(event.url)));
	if (roles.length && !roles.includes(user.role)) error(403, 'forbidden');
	return user;
}
