/**
 * The database handle type, taken from @proctor/db's own functions so this package needs
 * no direct kysely dependency (and can never disagree with db/ about the version).
 */
import type { createRecording } from '@proctor/db';

export type Db = Parameters<typeof createRecording>[0];
