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
