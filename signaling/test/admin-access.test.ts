/**
 * Administration is for admins only: every admin route answers a proctor 403 and a
 * signed-out browser 401, before reading the body; uploads keep the same-origin rule.
 */
import { afterAll, beforeAll, describe, it } from 'vitest';
import assert from 'node:assert/strict';
import { adminApi, adminPath } from '../src/contract/api/admin.ts';
import { PNG_1PX, startAdminHarness, type AdminHarness } from './admin-harness.ts';

describe('admin access', () => {
  let h: AdminHarness;
  beforeAll(async () => {
    h = await startAdminHarness();
  });
  afterAll(() => h?.close());

  const someId = '00000000-0000-4000-8000-000000000000';
  const routes = Object.entries(adminApi).map(([name, r]) => ({ name, method: r.method, url: adminPath(r.path, someId) }));

  it('covers every route of the contract', () => {
    assert.ok(routes.length >= 35, `${routes.length} routes`);
  });

  it('refuses a proctor with 403 on every admin route, and changes nothing', async () => {
    const logBefore = await h.db.selectFrom('actionLog').select('id').where('action', 'like', 'admin.%').execute();
    for (const route of routes) {
      const body = route.method === 'GET' || route.method === 'DELETE' ? undefined : { name: 'x' };
      const res = await h.api(route.method, route.url, body, { cookie: h.proctorCookie });
      assert.equal(res.statusCode, 403, `${route.name}: ${res.body}`);
      assert.equal(res.json().error.code, 'forbidden');
    }
    // Uploads too, even with a well-formed multipart body.
    const upload = await h.upload('POST', adminApi.previewImport.path, { sheet: { filename: 'a.csv', data: 'x' } }, { cookie: h.proctorCookie });
    assert.equal(upload.statusCode, 403);
    const photo = await h.upload('PUT', adminPath(adminApi.setCandidatePhoto.path, someId), { photo: { filename: 'a.png', data: PNG_1PX } }, { cookie: h.proctorCookie });
    assert.equal(photo.statusCode, 403);
    const logAfter = await h.db.selectFrom('actionLog').select('id').where('action', 'like', 'admin.%').execute();
    assert.equal(logAfter.length, logBefore.length);
  });

  it('answers 401 without a session', async () => {
    for (const route of routes.filter((r) => r.method === 'GET')) {
      const res = await h.app.inject({ method: 'GET', url: route.url });
      assert.equal(res.statusCode, 401, route.name);
    }
  });

  it('refuses cross-site uploads and multipart on JSON routes', async () => {
    const crossSite = await h.upload('POST', adminApi.previewImport.path, { sheet: { filename: 'a.csv', data: 'x' } }, { origin: 'http://evil.test' });
    assert.equal(crossSite.statusCode, 403);
    assert.equal(crossSite.json().error.code, 'cross_origin');
    const noOrigin = await h.upload('POST', adminApi.previewImport.path, { sheet: { filename: 'a.csv', data: 'x' } }, { origin: null });
    assert.equal(noOrigin.statusCode, 403);
    // The multipart exception is per route: a form post to a JSON route is still refused.
    const formToJson = await h.upload('POST', adminApi.createGroup.path, { name: { filename: 'n.txt', data: 'Группа' } });
    assert.equal(formToJson.statusCode, 415);
    assert.equal(await h.db.selectFrom('groups').select('id').where('name', '=', 'Группа').executeTakeFirst(), undefined);
  });

  it('answers 404 for ids that are not uuids', async () => {
    const res = await h.api('GET', '/api/admin/exams/1%20or%201=1');
    assert.equal(res.statusCode, 404);
  });
});
