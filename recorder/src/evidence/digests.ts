/**
 * What is hashed for each evidence item: a file's bytes (recordings, device segments,
 * snapshots), or a violation row's meaning (not its snapshot path, which changes when the
 * snapshot is taken and is covered by the snapshot item itself).
 */
import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import type { Violation } from '@proctor/db';

/** SHA-256 (hex) of a file, streamed; null when the file cannot be read. */
export async function fileDigest(file: string): Promise<string | null> {
  const hash = createHash('sha256');
  try {
    for await (const chunk of createReadStream(file)) hash.update(chunk as Buffer);
  } catch {
    return null;
  }
  return hash.digest('hex');
}

type ViolationFields = Pick<Violation, 'id' | 'sessionId' | 'attemptId' | 'type' | 'category' | 'startsAt' | 'endsAt' | 'confidence' | 'source'>;

/** SHA-256 (hex) of a violation's fields in a fixed order (times as ISO instants). */
export function violationDigest(v: ViolationFields): string {
  const canonical = JSON.stringify([
    'violation/v1',
    v.id,
    v.sessionId,
    v.attemptId,
    v.type,
    v.category,
    v.startsAt.toISOString(),
    v.endsAt?.toISOString() ?? null,
    v.confidence,
    v.source,
  ]);
  return createHash('sha256').update(canonical).digest('hex');
}
