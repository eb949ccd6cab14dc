/**
 * Worker-thread entry of the candidate import: parses one uploaded sheet (CSV or XLSX) and
 * posts back its lines, or the file-level problem. Started per import by sheet-thread.ts
 * with memory limits, so a hostile workbook exhausts this thread, never the media node.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { FileProblem, type Limits } from './import-issues.ts';
import { parseSheet } from './import-sheet.ts';

export type SheetWorkerReply = { ok: true; sheet: Awaited<ReturnType<typeof parseSheet>> } | { ok: false; issue: FileProblem['issue'] };

const { filename, data, limits } = workerData as { filename: string; data: Uint8Array; limits: Limits };

parseSheet({ filename, data: Buffer.from(data.buffer, data.byteOffset, data.byteLength) }, limits).then(
  (sheet) => parentPort!.postMessage({ ok: true, sheet } satisfies SheetWorkerReply),
  (err: unknown) => {
    if (err instanceof FileProblem) parentPort!.postMessage({ ok: false, issue: err.issue } satisfies SheetWorkerReply);
    else throw err;
  },
);
