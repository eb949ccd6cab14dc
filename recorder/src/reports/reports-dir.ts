/**
 * Where generated report files live: `REPORTS_DIR`, else `DATA_DIR/reports` with DATA_DIR
 * defaulting as in signaling/src/config.ts. Read from the environment by both the job that
 * writes them and the API that serves them; never from a request.
 */
import path from 'node:path';

const repoRoot = path.resolve(import.meta.dirname, '../../..');

export function reportsDirFromEnv(env: NodeJS.ProcessEnv = process.env): string {
  if (env.REPORTS_DIR) return path.resolve(env.REPORTS_DIR);
  return path.join(path.resolve(env.DATA_DIR ?? path.join(repoRoot, '.data')), 'reports');
}

/** Resolves a stored relative path and refuses anything outside the reports directory. */
export function resolveReportPath(reportsDir: string, relative: string): string {
  const root = path.resolve(reportsDir);
  const abs = path.resolve(root, relative);
  if (!abs.startsWith(root + path.sep)) throw new Error(`report path escapes the reports directory: ${relative}`);
  return abs;
}

/** The stored (relative) path of an export's file: only ids the database generated. */
export function exportRelativePath(exportId: string): string {
  if (!/^[0-9a-f-]{36}$/.test(exportId)) throw new Error(`not an export id: ${exportId}`);
  return `exports/${exportId}.xlsx`;
}
