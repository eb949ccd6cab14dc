import { chromium } from 'playwright-core';
const [, , locale = 'ru', path = '/results'] = process.argv;
const browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: ['--no-sandbox', '--disable-gpu'] });
const page = await (await browser.newContext({ viewport: { width: 1280, height: 720 } })).newPage();
await page.goto('http://localhost:3018/login', { waitUntil: 'networkidle' });
await page.getByTestId('login-email').fill('admin@demo.proctor.local');
await page.getByTestId('login-password').fill('demo-admin-2026');
await page.getByTestId('login-submit').click();
await page.waitForURL((u) => !u.pathname.startsWith('/login'));
await page.getByTestId(`lang-${locale}`).click();
await page.goto('http://localhost:3018' + path);
await page.waitForTimeout(1500);
console.log(await page.evaluate(() => {
  const out: string[] = [];
  for (const el of document.querySelectorAll('body *')) {
    const r = el.getBoundingClientRect();
    if (r.right > 1281 && r.width > 0) out.push(`${el.tagName}.${[...el.classList].join('.')} ${Math.round(r.left)}-${Math.round(r.right)} ${(el.textContent ?? '').slice(0, 30)}`);
  }
  return out.slice(0, 15).join('\n') + `\nclientWidth ${document.documentElement.clientWidth}`;
}));
await browser.close();
