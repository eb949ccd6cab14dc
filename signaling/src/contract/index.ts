export * from './media.ts';
export * from './events.ts';
export * from './token.ts';
