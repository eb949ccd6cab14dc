/**
 * The photo report card as one self-contained HTML document (inline CSS, pictures as data
 * URIs, no scripts): what Chromium prints to PDF. The web page shows the same layout
 * (web/src/lib/components/photo/PhotoCard.svelte) and prints like it.
 */
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import type { Locale } from '@proctor/db';
import { resolveRecordingPath } from '../jobs/finalise-recording.ts';
import { PDF_BASE_CSS } from '../pdf/render-pdf.ts';
import { CARD_TEXTS, violationName } from './card-texts.ts';
import type { PhotoCard, PhotoCardEvent } from './card-data.ts';
import { formatDateTime, formatSpan } from './format-time.ts';

/** Event id → data URI of its picture (missing = placeholder). */
export type CardPictures = ReadonlyMap<string, string>;

const MIME: Record<string, string> = { '.jpg': 'image/jpeg', '.jpeg': 'image/jpeg', '.png': 'image/png', '.webp': 'image/webp' };

/** Reads every event's picture from the recordings root; unreadable ones are left out (placeholder). */
export async function loadCardPictures(card: PhotoCard, recordingsDir: string): Promise<Map<string, string>> {
  const pictures = new Map<string, string>();
  await Promise.all(
    card.events.map(async (event) => {
      if (!event.picturePath) return;
      const mime = MIME[path.extname(event.picturePath).toLowerCase()];
      if (!mime) return;
      try {
        const bytes = await readFile(resolveRecordingPath(recordingsDir, event.picturePath));
        pictures.set(event.id, `data:${mime};base64,${bytes.toString('base64')}`);
      } catch {
        // A missing file is shown as "no picture", like a violation without a recording.
      }
    }),
  );
  return pictures;
}

const escapeHtml = (s: string) =>
  s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);

const CSS = `${PDF_BASE_CSS}
@page{size:A4;margin:12mm}
*{box-sizing:border-box}
body{margin:0;color:#1c2430;font-size:10.5pt;line-height:1.4}
h1{font-size:17pt;margin:0 0 4mm}
h2{font-size:12.5pt;margin:6mm 0 3mm}
.head{width:100%;border-collapse:collapse}
.head th{text-align:left;font-weight:normal;color:#5b6675;width:62mm;padding:1.2mm 0;vertical-align:top}
.head td{font-weight:bold;padding:1.2mm 0}
.trust{display:inline-block;padding:0 2.5mm;border-radius:3mm;color:#fff}
.events{display:flex;flex-wrap:wrap;gap:4mm}
.event{width:calc(50% - 2mm);border:0.3mm solid #d5dae1;border-radius:2mm;overflow:hidden;break-inside:avoid;page-break-inside:avoid}
.event img,.event .none{display:block;width:100%;aspect-ratio:4/3;object-fit:contain;background:#eef1f5}
.event .none{display:flex;align-items:center;justify-content:center;text-align:center;color:#5b6675;font-size:9pt;padding:6mm}
.event .caption{padding:2mm 3mm}
.event .type{font-weight:bold}
.event .time{color:#5b6675;font-size:9pt}
.ok .type{color:#17753a}.bad .type{color:#b42318}
.empty{color:#5b6675}
.foot{margin-top:6mm;color:#8a94a3;font-size:8pt}`;

function trustColour(honesty: number): string {
  return honesty >= 80 ? '#17753a' : honesty >= 50 ? '#b26b00' : '#b42318';
}

function eventHtml(event: PhotoCardEvent, locale: Locale, timeZone: string, pictures: CardPictures): string {
  const t = CARD_TEXTS[locale];
  const title =
    event.kind === 'verification'
      ? `${t.verification} — ${t.verificationResult[event.result]}`
      : violationName(t, event.type);
  const tone = event.kind === 'verification' ? (event.result === 'successful' ? 'ok' : 'bad') : 'bad';
  const picture = pictures.get(event.id);
  const image = picture
    ? `<img src="${picture}" alt="${escapeHtml(title)}">`
    : `<div class="none">${escapeHtml(t.noPicture)}</div>`;
  return `<figure class="event ${tone}" style="margin:0">${image}<figcaption class="caption"><div class="type">${escapeHtml(title)}</div><div class="time">${escapeHtml(formatSpan(event.startsAt, event.endsAt, timeZone))}</div></figcaption></figure>`;
}

export function renderPhotoCardHtml(card: PhotoCard, locale: Locale, pictures: CardPictures, generatedAt = new Date()): string {
  const t = CARD_TEXTS[locale];
  const { header } = card;
  const tz = header.timeZone;
  const when = (d: Date | null) => (d ? formatDateTime(d, tz) : t.notFinished);
  const trust =
    header.honesty === null
      ? escapeHtml(t.notComputed)
      : `<span class="trust" style="background:${trustColour(header.honesty)}">${Math.round(header.honesty)}%</span>`;
  const rows: [string, string][] = [
    [t.candidate, escapeHtml(header.candidateName)],
    [t.exam, escapeHtml(header.examName)],
    [t.start, escapeHtml(header.startedAt ? formatDateTime(header.startedAt, tz) : '—')],
    [t.end, escapeHtml(when(header.endedAt))],
    [t.violationCount, String(card.violationCount)],
    [t.trust, trust],
  ];
  const events = card.events.length
    ? `<div class="events">${card.events.map((e) => eventHtml(e, locale, tz, pictures)).join('')}</div>`
    : `<p class="empty">${escapeHtml(t.noEvents)}</p>`;
  return `<!doctype html>
<html lang="${locale}"><head><meta charset="utf-8"><title>${escapeHtml(`${t.title} — ${header.candidateName}`)}</title><style>${CSS}</style></head>
<body>
<h1>${escapeHtml(t.title)}</h1>
<table class="head">${rows.map(([k, v]) => `<tr><th>${escapeHtml(k)}</th><td>${v}</td></tr>`).join('')}</table>
<h2>${escapeHtml(t.photoReport)}</h2>
${events}
<p class="foot">${escapeHtml(t.generated)}: ${escapeHtml(formatDateTime(generatedAt, tz))}</p>
</body></html>`;
}
