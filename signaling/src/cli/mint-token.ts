/**
 * Mints a socket token until sign-in exists:
 *   pnpm --filter @proctor/signaling token candidate <sessionId> [ttlSeconds]
 *   pnpm --filter @proctor/signaling token proctor <userId> [ttlSeconds]
 * Uses TOKEN_SECRET, or the single-machine secret under DATA_DIR.
 */
import { nodeConfigFromEnv } from '../config.ts';
import { mintToken } from '../auth/token.ts';

const [role, id, ttl = '86400'] = process.argv.slice(2);
if (!id || !['candidate', 'proctor', 'admin'].includes(role ?? '')) {
  console.error('usage: token candidate <sessionId> | proctor <userId> | admin <userId> [ttlSeconds]');
  process.exit(2);
}
const { tokenSecret } = nodeConfigFromEnv();
const claims = role === 'candidate' ? { role: 'candidate' as const, sessionId: id } : { role: role as 'proctor' | 'admin', userId: id };
console.log(mintToken(claims, tokenSecret, Number(ttl)));
