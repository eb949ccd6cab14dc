// The Content-Security-Policy of every page, in one place. SvelteKit sends it (nonce mode:
// its own inline scripts get a fresh nonce per response; svelte.config.js reads this file),
// and hooks.server.ts widens it for the few routes that need more (ROUTE_CSP below).
//
// - scripts: our own files and nonce'd inline ones only; 'wasm-unsafe-eval' lets the face
//   detector compile its WebAssembly (no JavaScript eval is allowed).
// - styles: 'unsafe-inline' because Svelte renders style attributes; styles cannot run code.
// - frame-ancestors 'self': no other site may frame our pages (clickjacking).

/** @type {Record<string, string[]>} */
export const BASE_CSP = {
	'default-src': ['self'],
	'script-src': ['self', 'wasm-unsafe-eval'],
	'style-src': ['self', 'unsafe-inline'],
	'img-src': ['self', 'data:', 'blob:'],
	'media-src': ['self', 'blob:'],
	'font-src': ['self', 'data:'],
	'connect-src': ['self'],
	'worker-src': ['self', 'blob:'],
	'frame-src': ['self'],
	'object-src': ['none'],
	'base-uri': ['self'],
	'form-action': ['self'],
	'frame-ancestors': ['self'],
};

/**
 * Sources added per route (first matching path prefix), merged into BASE_CSP by the server
 * hook. The candidate's exam page frames the exam's assessment, which may be any http(s)
 * site and is only known to the page after it reads the candidate's token: allow framing
 * http(s) there (what the page frames is what the server tells it), nowhere else.
 * @type {{ prefix: string; add: Record<string, string[]> }[]}
 */
// The deep-linking picker (#13) runs inside the LMS's frame and ends by posting the signed
// answer to the LMS: any http(s) platform may frame it and receive that form. It acts only
// through its one-use capability link, so framing it elsewhere gains nothing.
export const ROUTE_CSP = [
	// An LTI proctored attempt (#13) opens the platform's quiz by posting our signed start
	// message into the frame: the exam page may post forms to http(s) too (what the server gives it).
	{ prefix: '/exam', add: { 'frame-src': ['https:', 'http:'], 'form-action': ['https:', 'http:'] } },
	{ prefix: '/lti/deep-link', add: { 'form-action': ['https:', 'http:'], 'frame-ancestors': ['https:', 'http:'] } },
];
