/**
 * Widening the page CSP per route (see csp-policy.js for the policy itself): SvelteKit
 * writes the header with its nonces, then `withRouteCsp` adds the route's extra sources, and
 * whatever a load function put in `event.locals.csp` (e.g. an origin known at SSR time).
 */
import { BASE_CSP, ROUTE_CSP, type CspDirectives } from './csp-policy.js';

const KEYWORDS = new Set(['self', 'none', 'unsafe-inline', 'unsafe-eval', 'wasm-unsafe-eval', 'strict-dynamic', 'unsafe-hashes', 'report-sample']);
const quote = (source: string) => (KEYWORDS.has(source) ? `'${source}'` : source);

export function parseCsp(header: string): Map<string, string[]> {
	const directives = new Map<string, string[]>();
	for (const part of header.split(';')) {
		const [name, ...sources] = part.trim().split(/\s+/);
		if (name) directives.set(name.toLowerCase(), sources);
	}
	return directives;
}

export function serializeCsp(directives: Map<string, string[]>): string {
	return [...directives].map(([name, sources]) => [name, ...sources].join(' ')).join('; ');
}

/** The extra sources of a path (prefix match on whole segments). */
export function routeCsp(pathname: string): CspDirectives {
	const match = ROUTE_CSP.find((r) => pathname === r.prefix || pathname.startsWith(`${r.prefix}/`));
	return match?.add ?? {};
}

/** `header` with `add`'s sources appended (a directive missing from it starts from default-src). */
export function extendCsp(header: string, add: CspDirectives): string {
	const directives = parseCsp(header);
	for (const [name, sources] of Object.entries(add)) {
		const current = directives.get(name) ?? directives.get('default-src') ?? [];
		const merged = [...current.filter((s) => s !== "'none'")];
		for (const source of sources.map(quote)) if (!merged.includes(source)) merged.push(source);
		directives.set(name, merged);
	}
	return serializeCsp(directives);
}

/** The policy for responses SvelteKit did not give one (errors before rendering, endpoints). */
export function baseCspHeader(): string {
	return serializeCsp(new Map(Object.entries(BASE_CSP).map(([name, sources]) => [name, sources.map(quote)])));
}

/** Adds the route's (and the request's) extra sources to the response's CSP. */
export function withRouteCsp(response: Response, pathname: string, extra: CspDirectives | undefined): void {
	const header = response.headers.get('content-security-policy') ?? baseCspHeader();
	const add: CspDirectives = { ...routeCsp(pathname) };
	for (const [name, sources] of Object.entries(extra ?? {})) add[name] = [...(add[name] ?? []), ...sources];
	response.headers.set('content-security-policy', Object.keys(add).length ? extendCsp(header, add) : header);
}
