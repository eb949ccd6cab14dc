/**
 * Dates on every screen: `DD.MM.YYYY HH:MM:SS` in a given IANA time zone (the formatter is
 * @proctor/values', which the recorder's documents use too), and the zone-aware values of
 * `<input type="datetime-local">`.
 */
import { wallClockParts } from '@proctor/values';

export { formatDateTime } from '@proctor/values';

/** Zone of times shown when a row names none, and of the Results date filter. */
export const DEFAULT_TIME_ZONE = 'Asia/Almaty';

/** Offset of `timeZone` from UTC at instant `ms`, in minutes (east positive). */
function zoneOffsetMinutes(ms: number, timeZone: string): number {
	const w = wallClockParts(new Date(ms), timeZone);
	const asUtc = Date.UTC(w.year, w.month - 1, w.day, w.hour, w.minute, w.second);
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
	const w = wallClockParts(date, timeZone);
	const seconds = w.second === 0 ? '' : `:${pad(w.second)}`;
	return `${w.year}-${pad(w.month)}-${pad(w.day)}T${pad(w.hour)}:${pad(w.minute)}${seconds}`;
}
