/**
 * Times in reports are the exam's local wall-clock times (manual: DD.MM.YYYY HH:MM:SS in
 * the exam's time zone). An Excel date has no zone: exceljs writes a Date's UTC fields, so
 * the Date handed to it must carry the wall-clock time in its UTC fields. The zone's fields
 * come from @proctor/values (the web UI's formatter); an offset cache makes them cheap for
 * the thousands of cells of an export.
 */
import { wallClockParts } from '@proctor/values';

const offsets = new Map<string, number>();

/** Offsets change only at quarter hours (DST switches), so one lookup serves 15 minutes. */
const BUCKET_MS = 15 * 60_000;

/** Offset of `timeZone` from UTC at the start of the bucket holding `ms`, in ms. */
function offsetMs(ms: number, timeZone: string): number {
  const bucket = Math.floor(ms / BUCKET_MS) * BUCKET_MS;
  const key = `${timeZone}|${bucket}`;
  let offset = offsets.get(key);
  if (offset === undefined) {
    const w = wallClockParts(new Date(bucket), timeZone);
    const asUtc = Date.UTC(w.year, w.month - 1, w.day, w.hour, w.minute, w.second);
    offset = asUtc - bucket;
    if (offsets.size > 100_000) offsets.clear();
    offsets.set(key, offset);
  }
  return offset;
}

/** A Date whose UTC fields are the wall-clock time of `date` in `timeZone` (for Excel cells). */
export function wallClock(date: Date, timeZone: string): Date {
  const ms = date.getTime();
  return new Date(ms + offsetMs(ms, timeZone));
}

const pad = (n: number) => String(n).padStart(2, '0');

/** `DD.MM.YYYY HH:MM:SS` in `timeZone`, as the web UI shows times. */
export function formatWallClock(date: Date, timeZone: string): string {
  const w = wallClock(date, timeZone);
  return `${pad(w.getUTCDate())}.${pad(w.getUTCMonth() + 1)}.${w.getUTCFullYear()} ${pad(w.getUTCHours())}:${pad(w.getUTCMinutes())}:${pad(w.getUTCSeconds())}`;
}

/** `DD.MM.YYYY` in `timeZone`. */
export function formatWallDate(date: Date, timeZone: string): string {
  return formatWallClock(date, timeZone).slice(0, 10);
}

/** Excel number format of the same shape. */
export const EXCEL_DATE_TIME_FORMAT = 'dd.mm.yyyy hh:mm:ss';
/** Durations as hours:minutes:seconds (hours may exceed 24). */
export const EXCEL_DURATION_FORMAT = '[h]:mm:ss';
/** Excel stores a duration as a fraction of a day. */
export const msToExcelDuration = (ms: number): number => ms / 86_400_000;
