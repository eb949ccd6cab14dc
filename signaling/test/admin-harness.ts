/**
 * Administration tests: the sign-in harness (fresh database, demo admin and proctor) with
 * reference photos in a temporary directory, signed-in admin and proctor cookies, and
 * helpers for JSON and multipart requests and for building zip files.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { crc32, deflateRawSync } from 'node:zlib';
import type { LightMyRequestResponse } from 'fastify';
import { MEDIA_DEMO_ADMIN_EMAIL, MEDIA_DEMO_PROCTOR_EMAIL, makeIin } from '@proctor/db';
import { DEMO_PASSWORDS, ORIGIN, login, startAuthHarness, type AuthHarness } from './auth-harness.ts';

export interface AdminHarness extends AuthHarness {
  photosDir: string;
  adminCookie: string;
  proctorCookie: string;
  /** JSON request as the admin (or `cookie`), from our own origin. */
  api(method: 'GET' | 'POST' | 'PUT' | 'DELETE', url: string, body?: unknown, opts?: { cookie?: string; origin?: string | null }): Promise<LightMyRequestResponse>;
  /** multipart/form-data request as the admin (or `cookie`). */
  upload(method: 'POST' | 'PUT', url: string, files: Record<string, FilePart>, opts?: { cookie?: string; origin?: string | null }): Promise<LightMyRequestResponse>;
}

export interface FilePart {
  filename: string;
  data: Uint8Array | string;
  type?: string;
}

export async function startAdminHarness(): Promise<AdminHarness> {
  // The photo store reads its directory from the environment when the app is built.
  const photosDir = fs.mkdtempSync(path.join(os.tmpdir(), 'proctor-admin-photos-'));
  process.env.PHOTOS_DIR = photosDir;
  const h = await startAuthHarness();
  const adminCookie = await login(h.app, MEDIA_DEMO_ADMIN_EMAIL, DEMO_PASSWORDS.admin);
  const proctorCookie = await login(h.app, MEDIA_DEMO_PROCTOR_EMAIL, DEMO_PASSWORDS.proctor);

  const headersFor = (opts: { cookie?: string; origin?: string | null }) => {
    const headers: Record<string, string> = { cookie: opts.cookie ?? adminCookie };
    const origin = opts.origin === undefined ? ORIGIN : opts.origin;
    if (origin !== null) headers.origin = origin;
    return headers;
  };

  return {
    ...h,
    photosDir,
    adminCookie,
    proctorCookie,
    api(method, url, body, opts = {}) {
      return h.app.inject({ method, url, headers: headersFor(opts), ...(body === undefined ? {} : { payload: body as object }) });
    },
    async upload(method, url, files, opts = {}) {
      const { payload, contentType } = await multipartBody(files);
      return h.app.inject({ method, url, headers: { ...headersFor(opts), 'content-type': contentType }, payload });
    },
    async close() {
      await h.close();
      fs.rmSync(photosDir, { recursive: true, force: true });
    },
  };
}

/** A browser-identical multipart body (built by undici's FormData). */
export async function multipartBody(files: Record<string, FilePart>): Promise<{ payload: Buffer; contentType: string }> {
  const form = new FormData();
  for (const [field, file] of Object.entries(files)) {
    const bytes = typeof file.data === 'string' ? Buffer.from(file.data, 'utf8') : file.data;
    form.append(field, new Blob([bytes], { type: file.type ?? 'application/octet-stream' }), file.filename);
  }
  const response = new Response(form);
  return { payload: Buffer.from(await response.arrayBuffer()), contentType: response.headers.get('content-type')! };
}

/**
 * A zip file (deflated entries) of name → content. `declaredSizes` writes another
 * uncompressed size than the real one into both headers (a zip bomb that lies).
 */
export function makeZip(entries: Record<string, Uint8Array | string>, opts: { declaredSizes?: Record<string, number> } = {}): Buffer {
  const locals: Buffer[] = [];
  const centrals: Buffer[] = [];
  let offset = 0;
  for (const [name, content] of Object.entries(entries)) {
    const data = typeof content === 'string' ? Buffer.from(content) : Buffer.from(content);
    const packed = deflateRawSync(data);
    const fileName = Buffer.from(name, 'utf8');
    const crc = crc32(data);
    const local = Buffer.alloc(30);
    local.writeUInt32LE(0x04034b50, 0);
    local.writeUInt16LE(20, 4);
    local.writeUInt16LE(0x0800, 6); // UTF-8 names
    local.writeUInt16LE(8, 8); // deflate
    local.writeUInt32LE(crc, 14);
    local.writeUInt32LE(packed.length, 18);
    const declared = opts.declaredSizes?.[name] ?? data.length;
    local.writeUInt32LE(declared, 22);
    local.writeUInt16LE(fileName.length, 26);
    const central = Buffer.alloc(46);
    central.writeUInt32LE(0x02014b50, 0);
    central.writeUInt16LE(20, 4);
    central.writeUInt16LE(20, 6);
    central.writeUInt16LE(0x0800, 8);
    central.writeUInt16LE(8, 10);
    central.writeUInt32LE(crc, 16);
    central.writeUInt32LE(packed.length, 20);
    central.writeUInt32LE(declared, 24);
    central.writeUInt16LE(fileName.length, 28);
    central.writeUInt32LE(offset, 42);
    locals.push(local, fileName, packed);
    centrals.push(central, fileName);
    offset += local.length + fileName.length + packed.length;
  }
  const directory = Buffer.concat(centrals);
  const end = Buffer.alloc(22);
  end.writeUInt32LE(0x06054b50, 0);
  end.writeUInt16LE(centrals.length / 2, 8);
  end.writeUInt16LE(centrals.length / 2, 10);
  end.writeUInt32LE(directory.length, 12);
  end.writeUInt32LE(offset, 16);
  return Buffer.concat([...locals, directory, end]);
}

/** The smallest valid PNG (1×1) and a JPEG-looking byte string. */
export const PNG_1PX = Buffer.from(
  '89504e470d0a1a0a0000000d49484452000000010000000108060000001f15c4890000000d49444154789c6360f8cf000000020001e221bc330000000049454e44ae426082',
  'hex',
);
export const JPEG_BYTES = Buffer.concat([Buffer.from([0xff, 0xd8, 0xff, 0xe0]), Buffer.alloc(200, 7), Buffer.from([0xff, 0xd9])]);

let serial = 1000;
const issued = new Set<string>();
/** A fresh valid IIN (never the same twice in a test file). */
export function iin(birth = '1995-04-12', sex: 'male' | 'female' = 'female'): string {
  // 10 000 serials per birth date and sex; the caller never needs that many.
  for (let tries = 0; tries < 10_000; tries++) {
    const value = makeIin(new Date(`${birth}T00:00:00Z`), sex, serial++);
    if (!issued.has(value)) {
      issued.add(value);
      return value;
    }
  }
  throw new Error(`no unused IIN left for ${birth} ${sex}`);
}
