/**
 * The demo's terminal: typing `?` prints the links again (log lines scroll them away).
 * On a terminal the key works at once (raw mode, so Ctrl+C is read here too and stops the
 * platform as SIGINT would); on a pipe, a line holding `?` does the same.
 */
import readline from 'node:readline';

export function listenForHelpKey(onHelp: () => void, onInterrupt: () => void): void {
  const stdin = process.stdin;
  if (stdin.isTTY) {
    stdin.setRawMode(true);
    stdin.setEncoding('utf8');
    stdin.on('data', (key: string) => {
      if (key === '?') onHelp();
      // Ctrl+C and Ctrl+D: raw mode delivers them as characters instead of a signal.
      else if (key === '\u0003' || key === '\u0004') onInterrupt();
    });
    stdin.unref();
    return;
  }
  const lines = readline.createInterface({ input: stdin });
  lines.on('line', (line) => {
    if (line.trim() === '?') onHelp();
  });
}
