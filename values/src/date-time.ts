/**
 * Wall-clock times in a time zone, the one date shape of the product: `DD.MM.YYYY HH:MM:SS`
 * (manual: every screen and document shows times so, in the exam's zone). Intl only, so the
 * browser bundle, the server and the recorder's documents read times alike.
 */
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

/** The wall-clock fields of an instant in `timeZone` (month 1–12, hour 0–23). */
export interface WallClockParts {
  year: number;
  month: number;
  day: number;
  hour: number;
  minute: number;
  second: number;
}

export function wallClockParts(date: Date, timeZone: string): WallClockParts {
  const parts: Record<string, string> = {};
  for (const part of formatterFor(timeZone).formatToParts(date)) parts[part.type] = part.value;
  return {
    year: Number(parts.year),
    month: Number(parts.month),
    day: Number(parts.day),
    // Some engines say 24 for midnight even with h23.
    hour: Number(parts.hour) % 24,
    minute: Number(parts.minute),
    second: Number(parts.second),
  };
}

const pad = (n: number) => String(n).padStart(2, '0');

/**
 * `formatDateTime(new Date('2023-05-03T12:45:35Z'), 'Asia/Almaty')` → `03.05.2023 17:45:35`.
 * Accepts a Date, epoch milliseconds or an ISO string; returns '' for an invalid date.
 */
export function formatDateTime(date: Date | number | string, timeZone: string): string {
  const value = date instanceof Date ? date : new Date(date);
  if (Number.isNaN(value.getTime())) return '';
  const w = wallClockParts(value, timeZone);
  return `${pad(w.day)}.${pad(w.month)}.${w.year} ${pad(w.hour)}:${pad(w.minute)}:${pad(w.second)}`;
}
