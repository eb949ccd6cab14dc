/**
 * The one date-time text every screen types and shows: `DD.MM.YYYY HH:MM:SS` in a given time
 * zone (seconds optional; where a whole day makes sense, the time too). Never the browser's
 * native pickers, whose format follows the browser's language (`mm/dd/yyyy 12:00 AM` in an
 * English browser) rather than the UI's, and which drop the seconds.
 */
import { formatDateTime, zonedInputToIso } from './i18n/format.ts';

const DATE_TIME = /^\s*(\d{1,2})\.(\d{1,2})\.(\d{4})(?:\s+(\d{1,2}):(\d{2})(?::(\d{2}))?)?\s*$/;

const pad = (v: string | number) => String(v).padStart(2, '0');

interface Parts {
	year: number;
	month: number;
	day: number;
	time: [number, number, number] | null;
}

function parts(text: string): Parts | null {
	const m = DATE_TIME.exec(text);
	if (!m) return null;
	const [, d, mo, y, h, mi, s] = m;
	const year = Number(y);
	const month = Number(mo);
	const day = Number(d);
	if (year < 2000 || year > 2100 || month < 1 || month > 12 || day < 1 || day > new Date(Date.UTC(year, month, 0)).getUTCDate()) return null;
	if (h === undefined) return { year, month, day, time: null };
	const time: [number, number, number] = [Number(h), Number(mi), Number(s ?? '0')];
	if (time[0] > 23 || time[1] > 59 || time[2] > 59) return null;
	return { year, month, day, time };
}

/**
 * `01.06.2026 09:00` in `timeZone` → `2026-06-01T09:00:00+05:00`; null when malformed or
 * impossible. `wholeDay` lets the time be left out: the day's first or last second.
 */
export function parseDisplayDateTime(text: string, timeZone: string, wholeDay: 'start' | 'end' | null = null): string | null {
	const p = parts(text);
	if (!p || (!p.time && !wholeDay)) return null;
	const [h, mi, s] = p.time ?? (wholeDay === 'end' ? [23, 59, 59] : [0, 0, 0]);
	try {
		return zonedInputToIso(`${p.year}-${pad(p.month)}-${pad(p.day)}T${pad(h)}:${pad(mi)}:${pad(s)}`, timeZone);
	} catch {
		return null; // unknown time zone
	}
}

/** ISO instant → `DD.MM.YYYY HH:MM:SS` in `timeZone` (UTC when the zone is unknown). */
export function displayDateTime(iso: string, timeZone: string): string {
	try {
		return formatDateTime(iso, timeZone);
	} catch {
		return formatDateTime(iso, 'UTC');
	}
}

/** `01.06.2026` → `2026-06-01` (a calendar day, no zone); null when malformed, impossible or with a time. */
export function parseDisplayDate(text: string): string | null {
	const p = parts(text);
	return p && !p.time ? `${p.year}-${pad(p.month)}-${pad(p.day)}` : null;
}

/** `2026-06-01` → `01.06.2026`. */
export function displayDate(day: string): string {
	const [y, m, d] = day.split('-');
	return `${d}.${m}.${y}`;
}
