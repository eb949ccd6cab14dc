/** Claims carried by the signed socket/session token (see signaling/src/auth/token.ts). */
import { z } from 'zod';

export const tokenClaims = z.discriminatedUnion('role', [
  z.object({ role: z.literal('candidate'), sessionId: z.uuid(), exp: z.number().int() }),
  z.object({ role: z.literal('proctor'), userId: z.uuid(), exp: z.number().int() }),
  z.object({ role: z.literal('admin'), userId: z.uuid(), exp: z.number().int() }),
]);
export type TokenClaims = z.infer<typeof tokenClaims>;
