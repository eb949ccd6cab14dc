/** `DD.MM.YYYY HH:MM:SS` in an IANA zone, as the web UI shows it (web/src/lib/i18n/format.ts). */
const formatters = new Map<string, Intl.DateTimeFormat>();

export function formatDateTime(date: Date, timeZone: string): string {
  let formatter = formatters.get(timeZone);
  if (!formatter) {
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
  const parts: Record<string, string> = {};
  for (const part of formatter.formatToParts(date)) parts[part.type] = part.value;
  const hour = parts.hour === '24' ? '00' : parts.hour;
  return `${parts.day}.${parts.month}.${parts.year} ${hour}:${parts.minute}:${parts.second}`;
}

/** "03.04.2023 15:01:12 – 15:01:14" (same day), full second date otherwise; start only when open. */
export function formatSpan(start: Date, end: Date | null, timeZone: string): string {
  const from = formatDateTime(start, timeZone);
  if (!end) return from;
  const to = formatDateTime(end, timeZone);
  return to.slice(0, 10) === from.slice(0, 10) ? `${from} – ${to.slice(11)}` : `${from} – ${to}`;
}
