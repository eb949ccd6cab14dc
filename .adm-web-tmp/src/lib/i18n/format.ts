/** Date formatting shared by every screen: `DD.MM.YYYY HH:MM:SS` in a given IANA time zone. */
const formatters = new Map<string, Intl.DateTimeFormat>();

function formatterFor(timeZone: string): Intl.DateTimeFormat {
	let formatter = formatters.get(timeZone);
	if (!formatter) {
		// Throws RangeError for an unknown time zone (a configuration error worth seeing).
		formatter = new Intl.DateTimeFormat('en-GB', {
			timeZone,
			year: 'numeric',
			month: '2-digit',
			day: '2-digit',
			hour: '2-digit',
			minute: '2-digit',
			second: '2-digit',
			hourCycle: 'h23',
		});
		formatters.set(timeZone, formatter);
	}
	return formatter;
}

/**
 * `formatDateTime(new Date('2023-05-03T12:45:35Z'), 'Asia/Almaty')` → `03.05.2023 17:45:35`.
 * Accepts a Date, epoch milliseconds or an ISO string; returns '' for an invalid date.
 */
export function formatDateTime(date: Date | number | string, timeZone: string): string {
	const value = date instanceof Date ? date : new Date(date);
	if (Number.isNaN(value.getTime())) return '';
	const parts: Record<string, string> = {};
	for (const part of formatterFor(timeZone).formatToParts(value)) parts[part.type] = part.value;
	const hour = parts.hour === '24' ? '00' : parts.hour;
	return `${parts.day}.${parts.month}.${parts.year} ${hour}:${parts.minute}:${parts.second}`;
}

/** Zone of times shown when a row names none, and of the Results date filter. */
export const DEFAULT_TIME_ZONE = 'Asia/Almaty';

/** Offset of `timeZone` from UTC at instant `ms`, in minutes (east positive). */
function zoneOffsetMinutes(ms: number, timeZone: string): number {
	const parts: Record<string, string> = {};
	for (const part of formatterFor(timeZone).formatToParts(new Date(ms))) parts[part.type] = part.value;
	const hour = parts.hour === '24' ? 0 : Number(parts.hour);
	const asUtc = Date.UTC(Number(parts.year), Number(parts.month) - 1, Number(parts.day), hour, Number(parts.minute), Number(parts.second));
	return Math.round((asUtc - (ms - (ms % 1000))) / 60_000);
}

const pad = (n: number) => String(Math.abs(n)).padStart(2, '0');

/**
 * A `<input type="datetime-local">` value (`2023-05-03T17:45`, wall time in `timeZone`) →
 * ISO 8601 with that zone's offset (`2023-05-03T17:45:00+05:00`); null if malformed.
 */
export function zonedInputToIso(value: string, timeZone: string): string | null {
	const m = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})(?::(\d{2}))?$/.exec(value);
	if (!m) return null;
	const [, y, mo, d, h, mi, s = '00'] = m;
	const wall = Date.UTC(Number(y), Number(mo) - 1, Number(d), Number(h), Number(mi), Number(s));
	// The offset at the wall time read as UTC is right except within hours of a DST switch;
	// one correction pass settles those.
	let offset = zoneOffsetMinutes(wall, timeZone);
	offset = zoneOffsetMinutes(wall - offset * 60_000, timeZone);
	const sign = offset < 0 ? '-' : '+';
	return `${y}-${mo}-${d}T${h}:${mi}:${s}${sign}${pad(Math.trunc(offset / 60))}:${pad(offset % 60)}`;
}

/** ISO 8601 instant → `<input type="datetime-local">` value (wall time in `timeZone`); '' if invalid. */
export function isoToZonedInput(iso: string, timeZone: string): string {
	const date = new Date(iso);
	if (Number.isNaN(date.getTime())) return '';
	const parts: Record<string, string> = {};
	for (const part of formatterFor(timeZone).formatToParts(date)) parts[part.type] = part.value;
	const hour = parts.hour === '24' ? '00' : parts.hour;
	const seconds = parts.second === '00' ? '' : `:${parts.second}`;
	return `${parts.year}-${parts.month}-${parts.day}T${hour}:${parts.minute}${seconds}`;
}
