/** Localised names the report shows for stored codes (violation types, tracks, audit actions). */
import { ADMIN_VIOLATION_TYPES, decision, RETENTION_KINDS, type AdminViolationType, type ReportAction, type ReportRecordingSource } from '@proctor/signaling/contract';
import { MEDIA_SOURCES } from '@proctor/values';
import { t } from '$lib/i18n';

const KNOWN_TYPES = new Set<string>(ADMIN_VIOLATION_TYPES);
type Retained = (typeof RETENTION_KINDS)[number];
const RETAINED = new Set<string>(RETENTION_KINDS);

/** A violation type in the current language; a type this UI does not know shows as stored. */
export function violationLabel(type: string): string {
	return KNOWN_TYPES.has(type) ? t(`admin.violation.${type as AdminViolationType}`) : type;
}

export function trackLabel(source: ReportRecordingSource): string {
	return t(`report.track.${source}`);
}

const SOURCES = new Set<unknown>(MEDIA_SOURCES);
const isMediaSource = (value: unknown): value is ReportRecordingSource => SOURCES.has(value);

const decisionLabel = (value: unknown) => {
	const parsed = decision.safeParse(value);
	return parsed.success ? t(`decision.${parsed.data}`) : String(value);
};

/** One line of the action archive ("Viewed the record", "Changed the decision: A → B", …). */
export function actionText(action: ReportAction): string {
	const d = action.details;
	switch (action.action) {
		case 'session.viewed':
			return t('report.action.viewed');
		case 'session.decision_changed':
			return t('report.action.decision', { from: decisionLabel(d.from), to: decisionLabel(d.to) });
		case 'recording.downloaded': {
			const source = isMediaSource(d.source) ? trackLabel(d.source) : String(d.source);
			return t('report.action.downloaded', { track: source, n: String(d.attemptNumber ?? '') });
		}
		case 'photo_report.downloaded':
			return t('report.action.photoDownloaded');
		case 'photo_report.emailed':
			return t('report.action.photoEmailed', { to: String(d.to ?? '') });
		case 'photo_report.email_failed':
			return t('report.action.photoEmailFailed', { to: String(d.to ?? '') });
		case 'candidate.consent_given':
			return t('report.action.consent');
		case 'candidate.verification_flagged':
			return t('report.action.verificationFlagged', { n: String(d.failures ?? '') });
		case 'candidate.finished':
			return t('report.action.finished');
		case 'proctor.warning_sent':
			return t('report.action.warned', { message: String(d.message ?? '') });
		case 'data.deleted': {
			const kind = RETAINED.has(String(d.kind)) ? t(`report.removed.kind.${d.kind as Retained}`) : String(d.kind);
			return t(d.reason === 'erasure' ? 'report.action.erased' : 'report.action.retentionDeleted', { what: kind, n: String(d.items ?? 0) });
		}
		default:
			return t('report.action.other', { code: action.action });
	}
}
