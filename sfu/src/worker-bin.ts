/**
 * Where the native `mediasoup-worker` binary comes from.
 *
 * mediasoup's install script would download a prebuilt worker from GitHub or build it
 * with downloaded dependencies; neither works here, so the worker is built from source
 * against the system libraries by `sfu/worker-build/build.sh` (`pnpm build:worker`) and
 * cached outside the clone. See sfu/worker-build/README.md.
 *
 * mediasoup reads MEDIASOUP_WORKER_BIN once, when its module is loaded, so call
 * `applyWorkerBinEnv()` before mediasoup is imported (from a module imported earlier,
 * or before `await import('mediasoup')`), or pass `workerBin: resolveWorkerBin()` to
 * `createWorker()`.
 */
import { createHash } from 'node:crypto';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import { homedir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** Used when neither sfu/package.json nor MEDIASOUP_VERSION names a version (as build.sh). */
export const DEFAULT_MEDIASOUP_VERSION = '3.27.1';

const BUILD_COMMAND = 'pnpm build:worker';
const BUILD_SCRIPT = 'bash sfu/worker-build/build.sh';

function isFile(path: string): boolean {
	try {
		return statSync(path).isFile();
	} catch {
		return false;
	}
}

/** The sfu package directory: the nearest ancestor of this module holding worker-build/build.sh. */
function sfuDir(): string {
	let dir = dirname(fileURLToPath(import.meta.url));
	for (;;) {
		if (isFile(join(dir, 'worker-build', 'build.sh'))) return dir;
		const parent = dirname(dir);
		if (parent === dir) {
			throw new Error(`worker-bin: no worker-build/build.sh above ${fileURLToPath(import.meta.url)}`);
		}
		dir = parent;
	}
}

/**
 * The mediasoup version the worker is built for, chosen exactly as build.sh does: the
 * "mediasoup" entry of sfu/package.json (dependencies, optionalDependencies,
 * devDependencies; exact version, a leading ^ ~ = v stripped), else MEDIASOUP_VERSION,
 * else DEFAULT_MEDIASOUP_VERSION. (build.sh also accepts a command-line argument.)
 */
export function mediasoupVersion(): string {
	const pkgPath = join(sfuDir(), 'package.json');
	if (isFile(pkgPath)) {
		const pkg = JSON.parse(readFileSync(pkgPath, 'utf8')) as Record<string, unknown>;
		for (const field of ['dependencies', 'optionalDependencies', 'devDependencies']) {
			const deps = pkg[field];
			if (typeof deps !== 'object' || deps === null) continue;
			const spec = (deps as Record<string, unknown>)['mediasoup'];
			if (typeof spec !== 'string') continue;
			const version = spec.trim().replace(/^[=^~v]+/, '');
			if (!/^\d+\.\d+\.\d+(-[0-9A-Za-z.-]+)?$/.test(version)) {
				throw new Error(`sfu/package.json ${field}.mediasoup is "${spec}": use an exact version`);
			}
			return version;
		}
	}
	return process.env['MEDIASOUP_VERSION'] || DEFAULT_MEDIASOUP_VERSION;
}

function sha256Hex(data: string | Buffer): string {
	return createHash('sha256').update(data).digest('hex');
}

/**
 * Hash of the contents of sfu/worker-build (build script + shims), as build.sh computes
 * it: for every regular file (not following symlinks) except documentation (*.md),
 * sorted by its '/'-separated relative path in byte order, the text
 * "<relative path>\n<sha256 hex of the file>\n"; the result is the first 12 hex
 * characters of the sha256 of all of them concatenated.
 */
export function workerBuildHash(dir: string = join(sfuDir(), 'worker-build')): string {
	const files: string[] = [];
	const walk = (rel: string): void => {
		for (const entry of readdirSync(join(dir, rel), { withFileTypes: true })) {
			const path = rel === '' ? entry.name : `${rel}/${entry.name}`;
			if (entry.isDirectory()) walk(path);
			else if (entry.isFile() && !entry.name.endsWith('.md')) files.push(path);
		}
	};
	walk('');
	files.sort((a, b) => Buffer.compare(Buffer.from(a), Buffer.from(b)));
	const listing = files.map((f) => `${f}\n${sha256Hex(readFileSync(join(dir, f)))}\n`).join('');
	return sha256Hex(listing).slice(0, 12);
}

/**
 * Where build.sh puts (or has put) the worker:
 * ${PROCTOR_CACHE_DIR:-${XDG_CACHE_HOME:-$HOME/.cache}/proctor}/mediasoup-worker/<version>-<hash>/mediasoup-worker
 */
export function workerCachePath(): string {
	const env = process.env;
	const cacheRoot =
		env['PROCTOR_CACHE_DIR'] || join(env['XDG_CACHE_HOME'] || join(homedir(), '.cache'), 'proctor');
	return join(cacheRoot, 'mediasoup-worker', `${mediasoupVersion()}-${workerBuildHash()}`, 'mediasoup-worker');
}

/** The installed mediasoup package directory, or undefined when mediasoup is not installed. */
function mediasoupPackageDir(): string | undefined {
	const require = createRequire(import.meta.url);
	try {
		// Rejected by exports maps that do not list ./package.json (mediasoup 3.27 does not).
		return dirname(require.resolve('mediasoup/package.json'));
	} catch {
		// Fall through: resolve the main entry and walk up to the package root.
	}
	let dir: string;
	try {
		dir = dirname(require.resolve('mediasoup'));
	} catch {
		return undefined;
	}
	for (;;) {
		const pkgPath = join(dir, 'package.json');
		if (isFile(pkgPath)) {
			try {
				if ((JSON.parse(readFileSync(pkgPath, 'utf8')) as { name?: unknown }).name === 'mediasoup') return dir;
			} catch {
				// Not JSON: keep walking.
			}
		}
		const parent = dirname(dir);
		if (parent === dir) return undefined;
		dir = parent;
	}
}

/**
 * Path of the mediasoup-worker binary to use, in this order:
 * 1. MEDIASOUP_WORKER_BIN, if set and the file exists;
 * 2. the prebuilt worker inside the installed mediasoup package
 *    (<package>/worker/out/Release/mediasoup-worker), if mediasoup's own install made one;
 * 3. the worker built by sfu/worker-build/build.sh, at workerCachePath().
 * Throws, saying what to run, when none exists.
 */
export function resolveWorkerBin(): string {
	const tried: string[] = [];

	const fromEnv = process.env['MEDIASOUP_WORKER_BIN'];
	if (fromEnv) {
		if (isFile(fromEnv)) return fromEnv;
		tried.push(`MEDIASOUP_WORKER_BIN=${fromEnv} (no such file)`);
	}

	const pkgDir = mediasoupPackageDir();
	if (pkgDir !== undefined) {
		const prebuilt = join(pkgDir, 'worker', 'out', 'Release', 'mediasoup-worker');
		if (isFile(prebuilt)) return prebuilt;
		tried.push(prebuilt);
	} else {
		tried.push('(mediasoup package not installed)');
	}

	const cached = workerCachePath();
	if (isFile(cached)) return cached;
	tried.push(cached);

	throw new Error(
		`mediasoup-worker binary not found. Run \`${BUILD_COMMAND}\` (= \`${BUILD_SCRIPT}\`) ` +
			'to build it from source (about 5 minutes once, then cached; needs the packages ' +
			'installed by infra/scripts/install-system-deps.sh). Looked at: ' +
			tried.join(', '),
	);
}

/**
 * Sets process.env.MEDIASOUP_WORKER_BIN to resolveWorkerBin(). mediasoup reads that
 * variable when its module is first loaded, so this must run before mediasoup is
 * imported.
 */
export function applyWorkerBinEnv(): void {
	process.env['MEDIASOUP_WORKER_BIN'] = resolveWorkerBin();
}
