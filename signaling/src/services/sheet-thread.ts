/**
 * Parses an import sheet in a worker thread: XLSX parsing (exceljs) is CPU- and memory-heavy
 * and a crafted workbook could still make it expensive after the zip checks. The thread gets
 * a bounded heap and a deadline; running out of either is reported like an oversized file,
 * and the node's event loop keeps serving everyone else meanwhile.
 */
import { Worker } from 'node:worker_threads';
import { FileProblem, issue, type Limits, type UploadedFile } from './import-issues.ts';
import type { ParsedSheet } from './import-sheet.ts';
import type { SheetWorkerReply } from './sheet-worker.ts';

/** Heap of the parsing thread: a full 10 000-row workbook needs a fraction of it. */
export const SHEET_WORKER_HEAP_MB = 256;
/** Longest a sheet may take to parse. */
export const SHEET_WORKER_TIMEOUT_MS = 20_000;

const WORKER_URL = new URL('./sheet-worker-entry.mjs', import.meta.url);

export function parseSheetInWorker(file: UploadedFile, limits: Limits, timeoutMs = SHEET_WORKER_TIMEOUT_MS): Promise<ParsedSheet> {
  return new Promise((resolve, reject) => {
    const worker = new Worker(WORKER_URL, {
      workerData: { filename: file.filename, data: file.data, limits },
      resourceLimits: { maxOldGenerationSizeMb: SHEET_WORKER_HEAP_MB, maxYoungGenerationSizeMb: 32 },
    });
    let settled = false;
    const tooLarge = () => new FileProblem(issue('sheet_too_large', { column: 'file' }, { max: limits.sheetUnzippedBytes }));
    const finish = (fn: () => void) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      void worker.terminate();
      fn();
    };
    const timer = setTimeout(() => finish(() => reject(tooLarge())), timeoutMs);
    worker.once('message', (reply: SheetWorkerReply) =>
      finish(() => (reply.ok ? resolve(reply.sheet) : reject(new FileProblem(reply.issue)))),
    );
    worker.once('error', (err: Error & { code?: string }) =>
      finish(() => reject(err.code === 'ERR_WORKER_OUT_OF_MEMORY' ? tooLarge() : err)),
    );
    worker.once('exit', (code) => finish(() => reject(new Error(`sheet worker exited with code ${code}`))));
  });
}
