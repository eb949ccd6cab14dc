/**
 * Closed value sets of the product, and their names in the three UI languages, kept once;
 * and the product's one date shape. Plain code without imports: the database, the server
 * contract, the recorder's documents and the browser bundle all read it (the web bundle
 * must not import @proctor/db).
 */
export * from './sets.ts';
export * from './violations.ts';
export * from './labels.ts';
export * from './media-profiles.ts';
export * from './date-time.ts';
