/**
 * Chromium that trusts a given CA the way a managed exam machine would: the root
 * certificate is added to the NSS database in the browser's $HOME (`certutil`, package
 * libnss3-tools), which is where Chromium on Linux reads user-trusted roots. No
 * certificate errors are ignored. Host names are mapped to loopback for the test.
 */
import { execFile } from 'node:child_process';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import type { Browser } from 'playwright-core';
import { launchBrowser } from './browser.ts';

const run = promisify(execFile);

export async function launchTrustingBrowser(rootCertificate: string, hosts: string[]): Promise<{ browser: Browser; close(): Promise<void> }> {
  const home = await fs.mkdtemp(path.join(os.tmpdir(), 'proctor-nss-'));
  const nssdb = path.join(home, '.pki/nssdb');
  await fs.mkdir(nssdb, { recursive: true });
  await run('certutil', ['-N', '-d', `sql:${nssdb}`, '--empty-password']);
  await run('certutil', ['-A', '-d', `sql:${nssdb}`, '-n', 'proctor-test-root', '-t', 'C,,', '-i', rootCertificate]);
  const rules = hosts.map((h) => `MAP ${h} 127.0.0.1`).join(', ');
  const browser = await launchBrowser([`--host-resolver-rules=${rules}`], { HOME: home });
  return {
    browser,
    async close() {
      await browser.close();
      await fs.rm(home, { recursive: true, force: true });
    },
  };
}
