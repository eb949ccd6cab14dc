// Scratch: screenshots of the admin pages (not a test; removed afterwards).
import { chromium } from 'playwright-core';
import fs from 'node:fs';

const BASE = process.env.BASE ?? 'http://localhost:3556';
const OUT = '/tmp/adminshots';
const lang = process.env.LANG_UI ?? 'ru';

const browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: ['--no-sandbox', '--disable-gpu'] });
const context = await browser.newContext({ viewport: { width: 1360, height: 900 }, locale: lang });
const page = await context.newPage();
page.on('console', (m) => { if (m.type() === 'error') console.log('console error:', m.text()); });
page.on('pageerror', (e) => console.log('page error:', e.message));

await page.goto(`${BASE}/login`);
const who = process.env.AS === 'proctor' ? { email: 'proctor@demo.proctor.local', password: 'demo-proctor-2026' } : { email: 'admin@demo.proctor.local', password: 'demo-admin-2026' };
await page.evaluate(async (who) => {
  const r = await fetch('/api/auth/login', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(who) });
  if (!r.ok) throw new Error(await r.text());
}, who);
await context.addCookies([{ name: 'lang', value: lang, url: BASE }]);
await page.evaluate(async (l) => { localStorage.setItem('lang', l); await fetch('/api/auth/me/locale', { method: 'PUT', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ locale: l }) }); }, lang);

const shots = (process.env.SHOTS ?? 'exams').split(',');
for (const shot of shots) {
  if (shot === 'exams') {
    await page.goto(`${BASE}/admin/exams`);
    await page.waitForSelector('[data-testid=admin-exams]');
    await page.screenshot({ path: `${OUT}/exams-${lang}.png`, fullPage: true });
  } else if (shot === 'import') {
    await page.goto(`${BASE}/admin/candidates/import`);
    await page.waitForSelector('[data-testid=import-upload]');
    await page.screenshot({ path: `${OUT}/import-upload-${lang}.png`, fullPage: true });
    const csv = fs.readFileSync(process.env.CSV ?? '/tmp/adminshots/bad.csv');
    await page.setInputFiles('[data-testid=import-sheet]', { name: 'students.csv', mimeType: 'text/csv', buffer: csv });
    await page.click('[data-testid=import-check]');
    await page.waitForSelector('[data-testid=import-summary]');
    await page.screenshot({ path: `${OUT}/import-preview-${lang}.png`, fullPage: true });
  } else if (shot === 'flow') {
    const stamp = Date.now().toString().slice(-5);
    // group via dialog
    await page.goto(`${BASE}/admin/groups`);
    await page.click('[data-testid=admin-new]');
    await page.fill('[data-testid=name-input]', `  Топ   ${stamp} `);
    await page.click('[data-testid=name-save]');
    await page.waitForSelector(`text=Топ ${stamp}`);
    // duplicate -> field error
    await page.click('[data-testid=admin-new]');
    await page.fill('[data-testid=name-input]', `Топ ${stamp}`);
    await page.click('[data-testid=name-save]');
    await page.waitForSelector('[data-testid=name-dialog] .field-error');
    console.log('dup error:', await page.textContent('[data-testid=name-dialog] .field-error'));
    await page.screenshot({ path: `${OUT}/group-dup-${lang}.png` });
    await page.keyboard.press('Escape');
    // candidate
    await page.goto(`${BASE}/admin/candidates/new`);
    await page.fill('[data-testid=candidate-name]', 'Тестова Әлия');
    await page.fill('[data-testid=candidate-iin]', '040312600112');
    await page.waitForTimeout(100);
    console.log('iin hint:', await page.textContent('[data-testid=candidate-form] .field-error'));
    await page.fill('[data-testid=candidate-iin]', process.env.IIN ?? '040312600121');
    await page.selectOption('[data-testid=candidate-group]', { label: `Топ ${stamp}` });
    await page.click('[data-testid=candidate-save]');
    await page.waitForURL(/\/admin\/candidates\/[0-9a-f-]{36}$/);
    const png = fs.readFileSync(process.env.PHOTO ?? '/tmp/adminshots/face.png');
    await page.setInputFiles('[data-testid=photo-input]', { name: 'face.png', mimeType: 'image/png', buffer: png });
    await page.waitForSelector('[data-testid=candidate-photo] img');
    await page.screenshot({ path: `${OUT}/candidate-edit-${lang}.png`, fullPage: true });
    // import good file with photos
    await page.goto(`${BASE}/admin/candidates/import`);
    await page.setInputFiles('[data-testid=import-sheet]', { name: 'good.csv', mimeType: 'text/csv', buffer: fs.readFileSync('/tmp/adminshots/good.csv') });
    if (fs.existsSync('/tmp/adminshots/photos.zip')) await page.setInputFiles('[data-testid=import-photos]', { name: 'photos.zip', mimeType: 'application/zip', buffer: fs.readFileSync('/tmp/adminshots/photos.zip') });
    await page.click('[data-testid=import-check]');
    await page.waitForSelector('[data-testid=import-summary]');
    await page.screenshot({ path: `${OUT}/import-valid-${lang}.png`, fullPage: true });
    await page.click('[data-testid=import-confirm]');
    await page.waitForSelector('[data-testid=import-result]');
    console.log('import result:', await page.textContent('[data-testid=import-result] p'));
    // exam with a proctor
    await page.goto(`${BASE}/admin/exams/new`);
    await page.fill('[data-testid=exam-name]', `Экзамен ${stamp}`);
    await page.selectOption('[data-testid=exam-discipline]', { index: 1 });
    await page.fill('[data-testid=exam-ends]', '01.01.2020 10:00');
    await page.click('[data-testid=exam-save]');
    console.log('date error:', await page.textContent('[data-testid=exam-form] .field-error'));
    await page.fill('[data-testid=exam-ends]', '28.12.2026 12:00:00');
    await page.click('[data-testid=exam-save]');
    await page.waitForSelector('[data-testid=exam-proctors]');
    await page.selectOption('[data-testid=proctor-select]', { index: 1 });
    await page.click('[data-testid=proctor-add]');
    await page.click('[data-testid=proctors-save]');
    await page.waitForSelector('[data-testid=toast]');
    await page.screenshot({ path: `${OUT}/exam-edit-${lang}.png`, fullPage: true });
    // user with e-mail link
    await page.goto(`${BASE}/admin/users/new`);
    await page.fill('[data-testid=user-name]', 'Жаңа Проктор');
    await page.fill('[data-testid=user-email]', `p${stamp}@example.kz`);
    await page.click('[data-testid=user-save]');
    await page.waitForURL(/\/admin\/users\/[0-9a-f-]{36}$/);
    await page.screenshot({ path: `${OUT}/user-edit-${lang}.png`, fullPage: true });
  } else {
    await page.goto(`${BASE}${shot}`);
    await page.waitForLoadState('networkidle');
    await page.screenshot({ path: `${OUT}/${shot.replace(/\W+/g, '_')}-${lang}.png`, fullPage: true });
  }
}
await browser.close();
