/**
 * The grade sheet as a printable HTML document for renderPdf (A4 portrait): heading,
 * table with an empty signature column, total and the proctor's signature line. Fonts are
 * named explicitly (PDF_BASE_CSS) so Kazakh letters print. Every value is escaped.
 */
import type { Locale } from '@proctor/db';
import { PDF_BASE_CSS } from '../pdf/render-pdf.ts';
import type { GradeSheet } from './grade-sheet-xlsx.ts';
import { reportTexts } from './report-texts.ts';
import { formatWallClock, formatWallDate } from './wall-clock.ts';

const escapeHtml = (text: string) =>
  text.replace(/[&<>"']/g, (ch) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[ch]!);

const STYLE = `${PDF_BASE_CSS}
@page { size: A4 portrait; }
body { margin: 0; font-size: 9.5pt; color: #111; }
h1 { font-size: 15pt; margin: 0 0 8pt; }
dl { display: grid; grid-template-columns: max-content 1fr; gap: 2pt 10pt; margin: 0 0 12pt; }
dt { font-weight: bold; }
dd { margin: 0; }
table { width: 100%; border-collapse: collapse; table-layout: fixed; }
col.n { width: 7mm; } col.iin { width: 23mm; } col.group { width: 17mm; } col.time { width: 16mm; }
col.honesty { width: 12mm; } col.decision { width: 22mm; } col.sign { width: 20mm; }
thead { display: table-header-group; }
tr { page-break-inside: avoid; }
th, td { border: 0.6pt solid #8a94a6; padding: 3pt 4pt; vertical-align: middle; }
th { background: #e8eef5; text-align: left; font-size: 7.5pt; overflow-wrap: anywhere; }
td.name { font-size: 9pt; overflow-wrap: anywhere; }
td.decision, td.num, td.n, td.num { text-align: right; white-space: nowrap; }
td.sign { height: 16pt; }
.total { margin: 10pt 0 22pt; }
.signature { display: flex; gap: 8pt; align-items: flex-end; }
.signature .line { border-bottom: 0.6pt solid #111; width: 70mm; }
.signature .hint { font-size: 8pt; color: #555; }
.generated { margin-top: 16pt; font-size: 8pt; color: #555; }`;

export function gradeSheetHtml({ header, rows }: GradeSheet, locale: Locale, generatedAt: Date): string {
  const texts = reportTexts(locale);
  const t = texts.gradeSheet;
  const c = t.columns;
  const zone = header.timeZone;
  // The heading names the exam's day: a time on that day prints as HH:MM:SS alone, any
  // other as date over time, which keeps the columns narrow enough for the names.
  const examDay = formatWallDate(header.startsAt, zone);
  const time = (d: Date | null) => {
    if (!d) return '';
    const [date, clock] = formatWallClock(d, zone).split(' ');
    return date === examDay ? clock! : `${date}<br>${clock}`;
  };
  const body = rows
    .map(
      (r, i) => `<tr>
<td class="n">${i + 1}</td>
<td class="name">${escapeHtml(r.candidateName)}</td>
<td class="num">${escapeHtml(r.iin ?? "")}</td>
<td>${escapeHtml(r.groupName ?? '')}</td>
<td class="time">${time(r.startedAt)}</td>
<td class="time">${time(r.endedAt)}</td>
<td class="num">${r.honesty ?? ''}</td>
<td class="decision">${escapeHtml(texts.decision[r.decision])}</td>
<td class="sign"></td>
</tr>`,
    )
    .join('\n');
  return `<!doctype html>
<html lang="${locale}"><head><meta charset="utf-8"><title>${escapeHtml(`${t.title}: ${header.examName}`)}</title>
<style>${STYLE}</style></head>
<body>
<h1>${escapeHtml(t.title)}</h1>
<dl>
<dt>${escapeHtml(t.exam)}:</dt><dd>${escapeHtml(header.examName)}</dd>
<dt>${escapeHtml(t.discipline)}:</dt><dd>${escapeHtml(header.disciplineName)}</dd>
<dt>${escapeHtml(t.group)}:</dt><dd>${escapeHtml(header.groupName ?? t.allGroups)}</dd>
<dt>${escapeHtml(t.date)}:</dt><dd>${examDay}</dd>
</dl>
<table>
<colgroup><col class="n"><col><col class="iin"><col class="group"><col class="time"><col class="time"><col class="honesty"><col class="decision"><col class="sign"></colgroup>
<thead><tr><th>${escapeHtml(c.number)}</th><th>${escapeHtml(c.candidate)}</th><th>${escapeHtml(c.iin)}</th><th>${escapeHtml(c.group)}</th><th>${escapeHtml(c.start)}</th><th>${escapeHtml(c.end)}</th><th>${escapeHtml(c.honesty)}</th><th>${escapeHtml(c.decision)}</th><th>${escapeHtml(c.signature)}</th></tr></thead>
<tbody>
${body}
</tbody>
</table>
<p class="total">${escapeHtml(t.total)}: ${rows.length}</p>
<div class="signature"><strong>${escapeHtml(t.proctor)}:</strong><span class="line"></span><span class="hint">(${escapeHtml(t.signatureLine)})</span></div>
<p class="generated">${escapeHtml(t.generated)}: ${formatWallClock(generatedAt, zone)}</p>
</body></html>`;
}
