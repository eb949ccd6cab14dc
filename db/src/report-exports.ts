// Closed value sets of report_exports (CHECK constraints in migration 0007).

/** What a report export produces; only the detailed exam report (manual §4.6) runs as a job. */
export const REPORT_EXPORT_KINDS = ['exam_report'] as const;
export type ReportExportKind = (typeof REPORT_EXPORT_KINDS)[number];

export const REPORT_EXPORT_STATUSES = ['queued', 'running', 'done', 'failed'] as const;
export type ReportExportStatus = (typeof REPORT_EXPORT_STATUSES)[number];
