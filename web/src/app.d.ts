// See https://svelte.dev/docs/kit/types#app.d.ts
import type { IncomingMessage } from 'node:http';
import type { AuthUser } from '@proctor/signaling/contract';
import type { Locale } from '$lib/i18n/locales';

declare global {
	namespace App {
		interface Locals {
			locale: Locale;
			/** The signed-in proctor or admin (from the session cookie), else null. */
			user: AuthUser | null;
			/** Extra CSP sources for this response (directive → sources), merged by hooks.server.ts. */
			csp?: Record<string, string[]>;
		}
		// interface Error {}
		// interface PageData {}
		// interface PageState {}
		/** adapter-node hands over the raw Node request (absent under `vite dev`). */
		interface Platform {
			req?: IncomingMessage;
		}
	}
}

export {};
