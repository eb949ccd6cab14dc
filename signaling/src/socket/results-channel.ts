/**
 * Live Results rows: every signed-in staff socket listens to the exams it may see, so a
 * session that starts, ends or gets a decision updates open Results pages without a
 * reload. Admins listen to one room for all exams; a proctor to one room per assigned exam.
 * (A proctor assigned after connecting sees the new exam's updates after the next reconnect.)
 */
import type { Kysely } from 'kysely';
import type { Server, Socket } from 'socket.io';
import type { DB } from '@proctor/db';
import { visibleExams } from '../domain/access.ts';
import type { TokenClaims } from '../contract/token.ts';
import type { EmitSessionChanged } from '../services/results.service.ts';

const ALL_EXAMS = 'results:all';
const examRoom = (examId: string) => `results:exam:${examId}`;

export async function joinResultsRooms(socket: Socket, claims: TokenClaims, db: Kysely<DB>): Promise<void> {
  if (claims.role === 'candidate') return;
  const exams = await visibleExams(db, { id: claims.userId, role: claims.role });
  await socket.join(exams === 'all' ? ALL_EXAMS : exams.map(examRoom));
}

/** The Results rooms that see this exam's rows (its own and the admins'). */
export const resultsRoomsOf = (examId: string): string[] => [examRoom(examId), ALL_EXAMS];

/** The emitter handed to ResultsService; `io` is read at call time (created after the app). */
export function resultsEmitter(io: () => Server | undefined): EmitSessionChanged {
  return (examId, row, attempt) => io()?.to([examRoom(examId), ALL_EXAMS]).emit('results:session', { ...row, ...attempt });
}
