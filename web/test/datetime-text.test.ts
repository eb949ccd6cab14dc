/** The one typed date format of every screen: DD.MM.YYYY[ HH:MM[:SS]] in a zone, or a calendar day. */
import { describe, it } from 'vitest';
import assert from 'node:assert/strict';
import { displayDate, displayDateTime, parseDisplayDate, parseDisplayDateTime } from '../src/lib/datetime-text.ts';

describe('typed dates', () => {
  it('reads DD.MM.YYYY HH:MM[:SS] as wall time in the zone', () => {
    assert.equal(parseDisplayDateTime('01.06.2026 09:00', 'Asia/Almaty'), '2026-06-01T09:00:00+05:00');
    assert.equal(parseDisplayDateTime(' 1.6.2026 9:05:07 ', 'Asia/Almaty'), '2026-06-01T09:05:07+05:00');
    assert.equal(parseDisplayDateTime('01.06.2026 09:00:00', 'Asia/Aqtau'), '2026-06-01T09:00:00+05:00');
    assert.equal(parseDisplayDateTime('31.12.2030 23:59:59', 'UTC'), '2030-12-31T23:59:59+00:00');
  });

  it('takes a bare date as the first or last second of the day only where asked', () => {
    assert.equal(parseDisplayDateTime('01.03.2024', 'Asia/Almaty'), null);
    assert.equal(parseDisplayDateTime('01.03.2024', 'Asia/Almaty', 'start'), '2024-03-01T00:00:00+05:00');
    assert.equal(parseDisplayDateTime('01.03.2024', 'Asia/Almaty', 'end'), '2024-03-01T23:59:59+05:00');
  });

  it('refuses what is not a real date or time', () => {
    for (const text of ['32.01.2026 10:00', '29.02.2025 10:00', '10.13.2026 10:00', '01.01.2026 24:00', '01.01.2026 10:60', '01.01.2026 10:00:60', '2026-01-01 10:00', '01/01/2026 10:00', '1.1.26 10:00', '', 'today']) {
      assert.equal(parseDisplayDateTime(text, 'Asia/Almaty', 'start'), null, text);
    }
    assert.equal(parseDisplayDateTime('29.02.2024 10:00', 'Asia/Almaty'), '2024-02-29T10:00:00+06:00', 'a leap day is a date (Almaty was UTC+6 until March 2024)');
    assert.equal(parseDisplayDateTime('01.06.2026 09:00', 'Mars/Olympus'), null, 'an unknown zone');
  });

  it('shows an instant in the zone and round-trips', () => {
    const iso = parseDisplayDateTime('03.05.2023 17:45:35', 'Asia/Almaty')!;
    assert.equal(displayDateTime(iso, 'Asia/Almaty'), '03.05.2023 17:45:35');
    assert.equal(displayDateTime(iso, 'Mars/Olympus'), '03.05.2023 11:45:35', 'an unknown zone falls back to UTC');
  });

  it('reads and shows calendar days', () => {
    assert.equal(parseDisplayDate('5.1.2026'), '2026-01-05');
    assert.equal(parseDisplayDate('31.04.2026'), null);
    assert.equal(parseDisplayDate('05.01.2026 10:00'), null, 'a day, not a time');
    assert.equal(displayDate('2026-01-05'), '05.01.2026');
  });
});
