export * from './media.ts';
export * from './events.ts';
export * from './token.ts';
export * from './api/error.ts';
export * from './api/auth.ts';
export * from './api/results.ts';
export * from './api/admin.ts';
