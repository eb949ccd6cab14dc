/**
 * The honesty formula's pure part for the web: the exam settings show what one event of each
 * type costs with the very function the server, the reports and the recompute job use.
 * `@proctor/db/honesty` imports no database code, so it is safe in the browser bundle.
 */
export { MIN_EVENT_MAX_SHARE, MIN_EVENT_MS, minEventMsFor, singleEventCost } from '@proctor/db/honesty';
