/**
 * Paths inside the reports directory (config.ts's reportsDirFromEnv: REPORTS_DIR, else
 * DATA_DIR/reports): only ids the database generated, never anything outside it.
 */
import path from 'node:path';

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
