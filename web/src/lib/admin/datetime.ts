// Time zones for the exam form's zone picker; its window is typed as `$lib/datetime-text` says.

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
