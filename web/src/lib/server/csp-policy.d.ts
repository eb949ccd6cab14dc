// Types of csp-policy.js (plain JavaScript because svelte.config.js reads it as well).
export type CspDirectives = Record<string, string[]>;
export const BASE_CSP: CspDirectives;
export const ROUTE_CSP: { prefix: string; add: CspDirectives }[];
