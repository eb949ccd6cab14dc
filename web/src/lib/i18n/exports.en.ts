/** English messages of the report downloads: Excel exam report, grade sheet (manual §4.6, §4.7). Spread into `en.ts`. */
export const exportsEn = {
	'exports.excel.button': 'Export to Excel',
	'exports.excel.hint': 'Detailed exam report: one row per session of the chosen period and filters',
	'exports.excel.starting': 'Starting the export…',
	'exports.excel.queued': 'Waiting for a free worker…',
	'exports.excel.counting': 'Counting the sessions…',
	'exports.excel.progress': 'Exported {done} of {total} rows ({percent} %)',
	'exports.excel.progressLabel': 'Export progress',
	'exports.excel.ready': 'Ready: {rows} rows, {size}',
	'exports.excel.download': 'Download .xlsx',
	'exports.excel.again': 'New export',
	'exports.excel.failed': 'The export failed. Start it again; if it fails again, choose a shorter period and tell the administrator.',
	'exports.excel.lost': 'Could not check the export: {error}',
	'exports.size.kb': '{n} KB',
	'exports.size.mb': '{n} MB',
	'exports.gradeSheet.button': 'Grade sheet',
	'exports.gradeSheet.menuLabel': 'Download the grade sheet',
	'exports.gradeSheet.xlsx': 'Excel (.xlsx)',
	'exports.gradeSheet.pdf': 'PDF for printing (A4)',
	'exports.gradeSheet.scopeGroup': 'Exam “{exam}”, group {group}',
	'exports.gradeSheet.scopeAll': 'Exam “{exam}”, all groups',
	'exports.gradeSheet.needExam': 'Choose the exam whose grade sheet you need.',
	'exports.gradeSheet.title': 'Grade sheet',
	'exports.gradeSheet.desc': 'One exam’s results, for one group or all of them: Excel to work with, PDF to print and sign.',
	'exports.gradeSheet.chooseExam': 'Choose an exam',
} satisfies Record<string, string>;

export type ExportsMessages = Record<keyof typeof exportsEn, string>;
