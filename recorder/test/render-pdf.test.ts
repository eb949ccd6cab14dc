import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, test } from 'vitest';
import { promisify } from 'node:util';
import { closePdfBrowser, PDF_BASE_CSS, renderPdf } from '../src/pdf/render-pdf.ts';

const run = promisify(execFile);
const dir = await mkdtemp(join(tmpdir(), 'render-pdf-'));
afterAll(async () => {
  await closePdfBrowser();
  await rm(dir, { recursive: true, force: true });
});

const KAZAKH = 'Әсел Ғабитқызы Қайрат Ңөұүһі';

async function pdfText(pdf: Buffer, name: string): Promise<string> {
  const file = join(dir, `${name}.pdf`);
  await writeFile(file, pdf);
  const { stdout } = await run('pdftotext', ['-layout', file, '-']);
  return stdout;
}

async function pageSize(pdf: Buffer, name: string): Promise<string> {
  const file = join(dir, `${name}-info.pdf`);
  await writeFile(file, pdf);
  const { stdout } = await run('pdfinfo', [file]);
  return /Page size:\s+(.*)/.exec(stdout)?.[1] ?? '';
}

test('renders Kazakh and Russian text into an A4 PDF with an embedded DejaVu/Noto font', async () => {
  const html = `<!doctype html><html><head><meta charset="utf-8"><style>${PDF_BASE_CSS}</style></head>
    <body><h1>${KAZAKH}</h1><p>Иванов Пётр — нарушение</p></body></html>`;
  const pdf = await renderPdf(html);
  assert.equal(pdf.subarray(0, 5).toString(), '%PDF-');
  const text = await pdfText(pdf, 'portrait');
  assert.match(text, /Әсел Ғабитқызы Қайрат Ңөұүһі/);
  assert.match(text, /Иванов Пётр/);
  assert.match(await pageSize(pdf, 'portrait'), /^595\.\d+ x 84\d\.\d+ pts \(A4\)/);
  const file = join(dir, 'fonts.pdf');
  await writeFile(file, pdf);
  const { stdout } = await run('pdffonts', [file]);
  assert.match(stdout, /DejaVu|Noto/);
});

test('landscape renders A4 landscape; concurrent renders share one browser and all finish', async () => {
  const html = (i: number) => `<!doctype html><meta charset="utf-8"><style>${PDF_BASE_CSS}</style><p>Бет ${i}</p>`;
  const [landscape, ...others] = await Promise.all([renderPdf(html(0), { landscape: true }), ...[1, 2, 3].map((i) => renderPdf(html(i)))]);
  assert.match(await pageSize(landscape!, 'landscape'), /^84\d\.\d+ x 595\.\d+ pts \(A4\)/);
  for (const [i, pdf] of others.entries()) assert.match(await pdfText(pdf, `p${i}`), new RegExp(`Бет ${i + 1}`));
});

test('a render after closePdfBrowser launches a fresh browser', async () => {
  await closePdfBrowser();
  const pdf = await renderPdf(`<!doctype html><meta charset="utf-8"><style>${PDF_BASE_CSS}</style><p>Қайта</p>`);
  assert.match(await pdfText(pdf, 'again'), /Қайта/);
});
