/** A session's photo report as a PDF (download and e-mail share this). */
import type { Locale } from '@proctor/db';
import type { Db } from '../db.ts';
import { renderPdf } from '../pdf/render-pdf.ts';
import { type PhotoCard, loadPhotoCard } from './card-data.ts';
import { loadCardPictures, renderPhotoCardHtml } from './card-html.ts';
import { CARD_TEXTS } from './card-texts.ts';

export interface PhotoReportPdf {
  pdf: Buffer;
  card: PhotoCard;
  /** ASCII file name, e.g. "short-report-2023-04-03-1a2b3c4d.pdf". */
  fileName: string;
}

export async function renderPhotoReportPdf(db: Db, recordingsDir: string, sessionId: string, locale: Locale): Promise<PhotoReportPdf | null> {
  const card = await loadPhotoCard(db, sessionId);
  if (!card) return null;
  const html = renderPhotoCardHtml(card, locale, await loadCardPictures(card, recordingsDir));
  const pdf = await renderPdf(html);
  const day = (card.header.startedAt ?? new Date()).toISOString().slice(0, 10);
  return { pdf, card, fileName: `${CARD_TEXTS[locale].fileName}-${day}-${sessionId.slice(0, 8)}.pdf` };
}
