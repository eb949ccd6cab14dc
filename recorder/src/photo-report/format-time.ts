/** Times on the photo-report card: the reports' one `DD.MM.YYYY HH:MM:SS` formatter, and spans. */
import { formatWallClock } from '../reports/wall-clock.ts';

export const formatDateTime = formatWallClock;

/** "03.04.2023 15:01:12 – 15:01:14" (same day), full second date otherwise; start only when open. */
export function formatSpan(start: Date, end: Date | null, timeZone: string): string {
  const from = formatDateTime(start, timeZone);
  if (!end) return from;
  const to = formatDateTime(end, timeZone);
  return to.slice(0, 10) === from.slice(0, 10) ? `${from} – ${to.slice(11)}` : `${from} – ${to}`;
}
