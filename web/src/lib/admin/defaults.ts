/** Defaults of a new exam's window: tomorrow 09:00–12:00 in Almaty time. */
import { displayDateTime } from '$lib/datetime-text';

function tomorrowAt(hour: number, timeZone: string): string {
	const tomorrow = new Date(Date.now() + 24 * 3600_000);
	const day = displayDateTime(tomorrow.toISOString(), timeZone).slice(0, 10);
	return `${day} ${String(hour).padStart(2, '0')}:00:00`;
}

export const DEFAULT_TIME = {
	zone: 'Asia/Almaty',
	start: (zone: string) => tomorrowAt(9, zone),
	end: (zone: string) => tomorrowAt(12, zone),
};
