import { spawn } from 'node:child_process';

/**
 * Runs a command on a pseudo-terminal of `columns` columns (Python's pty module), as a user at a
 * terminal would: the program sees a TTY on stdout and stderr. Returns what the terminal received,
 * escape codes included, and the program's pid, for sending it signals.
 */
const DRIVER = `
import fcntl, json, os, pty, struct, sys, termios
columns, argv = int(sys.argv[1]), sys.argv[2:]
pid, fd = pty.fork()
if pid == 0:
    fcntl.ioctl(1, termios.TIOCSWINSZ, struct.pack('HHHH', 24, columns, 0, 0))
    os.execvp(argv[0], argv)
print(json.dumps({"pid": pid}), file=sys.stderr, flush=True)
while True:
    try:
        data = os.read(fd, 65536)
    except OSError:
        break
    if not data:
        break
    sys.stdout.buffer.write(data)
    sys.stdout.buffer.flush()
_, status = os.waitpid(pid, 0)
print(json.dumps({"exit": os.waitstatus_to_exitcode(status)}), file=sys.stderr, flush=True)
`;

export interface TerminalRun {
  /** Resolves with the program's pid once it runs. */
  pid: Promise<number>;
  /** Everything the terminal has received so far. */
  output: () => string;
  done: Promise<{ exitCode: number; output: string }>;
}

export function runOnTerminal(argv: string[], env: Record<string, string>, columns: number): TerminalRun {
  const driver = spawn('python3', ['-c', DRIVER, String(columns), ...argv], {
    env: { ...env, TERM: 'xterm' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  let control = '';
  driver.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const pid = new Promise<number>((resolve, reject) => {
    driver.stderr.on('data', (chunk: Buffer) => {
      control += chunk.toString();
      const started = /\{"pid": (\d+)\}/.exec(control);
      if (started) resolve(Number(started[1]));
    });
    driver.on('close', () => reject(new Error(`the program did not start: ${control}`)));
  });
  const done = new Promise<{ exitCode: number; output: string }>((resolve, reject) => {
    driver.on('close', () => {
      const ended = /\{"exit": (-?\d+)\}/.exec(control);
      if (ended) resolve({ exitCode: Number(ended[1]), output });
      else reject(new Error(`the terminal driver failed: ${control}`));
    });
  });
  return { pid, output: () => output, done };
}

/** What a terminal of that width shows of each line a program drew: escape codes removed. */
export function drawnLines(output: string): string[] {
  return (
    output
      // eslint-disable-next-line no-control-regex
      .replace(/\x1b(\[[0-9;?]*[A-Za-z]|[78])/g, '\n')
      .split(/[\r\n]+/)
      .filter((line) => line.trim())
  );
}

export const HIDE_CURSOR = '\x1b[?25l';
export const SHOW_CURSOR = '\x1b[?25h';

/** True when the cursor was shown again after the last time it was hidden. */
export function cursorShownAtEnd(output: string): boolean {
  return output.lastIndexOf(SHOW_CURSOR) > output.lastIndexOf(HIDE_CURSOR);
}
