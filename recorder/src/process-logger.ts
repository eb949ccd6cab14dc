/**
 * The logger of a process entry point (media node, jobs process). On a terminal, lines are
 * human-readable (pino-pretty, dates as DD.MM.YYYY HH:MM:SS); under systemd, Docker or a
 * pipe they are JSON, one object per line, for journald/Loki/jq. Written synchronously in
 * both cases, so a line printed with process.stdout.write (the demo links) lands after
 * every log line before it.
 */
import { pino, type Logger } from 'pino';
import pretty from 'pino-pretty';

export type LogFormat = 'pretty' | 'json';

export function createProcessLogger(opts: { level: string; format: LogFormat }): Logger {
  if (opts.format === 'json') return pino({ level: opts.level });
  return pino(
    { level: opts.level },
    pretty({
      sync: true,
      colorize: process.stdout.isTTY === true,
      translateTime: 'SYS:dd.mm.yyyy HH:MM:ss',
      // A request is one line, "GET /login 200 12 ms"; other lines are "[module] message".
      messageFormat: (line, messageKey) => {
        const mod = line.mod ? `[${String(line.mod)}] ` : '';
        if (line.method) return `${mod}${String(line.method)} ${String(line.url)} ${String(line.statusCode)} ${String(line.responseTime)} ms`;
        return `${mod}${String(line[messageKey] ?? '')}`;
      },
      ignore: 'pid,hostname,mod,method,url,statusCode,responseTime,reqId',
      singleLine: true,
    }),
  );
}
