/**
 * Exam windows are typed as `DD.MM.YYYY HH:MM:SS` (seconds optional) in the exam's own time
 * zone — the same form every screen shows — and sent to the API as ISO 8601 with that zone's
 * offset.
 */
import { formatDateTime, zonedInputToIso } from '$lib/i18n';

const DISPLAY = /^\s*(\d{1,2})\.(\d{1,2})\.(\d{4})\s+(\d{1,2}):(\d{2})(?::(\d{2}))?\s*$/;

/** `01.06.2026 09:00` in `timeZone` → `2026-06-01T09:00:00+05:00`; null when malformed or impossible. */
export function parseDisplayDateTime(text: string, timeZone: string): string | null {
	const m = DISPLAY.exec(text);
	if (!m) return null;
	const [, d, mo, y, h, mi, s = '00'] = m;
	const day = Number(d);
	const month = Number(mo);
	const year = Number(y);
	if (month < 1 || month > 12 || day < 1 || day > new Date(Date.UTC(year, month, 0)).getUTCDate()) return null;
	if (Number(h) > 23 || Number(mi) > 59 || Number(s) > 59 || year < 2000 || year > 2100) return null;
	const pad = (v: string | number) => String(v).padStart(2, '0');
	try {
		return zonedInputToIso(`${y}-${pad(month)}-${pad(day)}T${pad(h!)}:${mi}:${s}`, timeZone);
	} catch {
		return null; // unknown time zone
	}
}

/** ISO instant → `DD.MM.YYYY HH:MM:SS` in `timeZone` ('' when either is invalid). */
export function displayDateTime(iso: string, timeZone: string): string {
	try {
		return formatDateTime(iso, timeZone);
	} catch {
		return formatDateTime(iso, 'UTC');
	}
}

/** Kazakhstan's zones first, then every zone the browser knows. */
export const KAZAKHSTAN_ZONES = ['Asia/Almaty', 'Asia/Qostanay', 'Asia/Qyzylorda', 'Asia/Aqtobe', 'Asia/Aqtau', 'Asia/Atyrau', 'Asia/Oral'];

export function timeZones(): string[] {
	let all: string[] = [];
	try {
		all = (Intl as unknown as { supportedValuesOf?: (k: string) => string[] }).supportedValuesOf?.('timeZone') ?? [];
	} catch {
		all = [];
	}
	return [...KAZAKHSTAN_ZONES, ...all.filter((z) => !KAZAKHSTAN_ZONES.includes(z)), ...(all.includes('UTC') ? [] : ['UTC'])];
}

/** `UTC+05:00` for a zone at a moment, for the zone picker. */
export function zoneOffsetLabel(timeZone: string, at = new Date()): string {
	try {
		const part = new Intl.DateTimeFormat('en-US', { timeZone, timeZoneName: 'longOffset' })
			.formatToParts(at)
			.find((p) => p.type === 'timeZoneName')?.value;
		return part === 'GMT' ? 'UTC+00:00' : (part ?? '').replace('GMT', 'UTC');
	} catch {
		return '';
	}
}
