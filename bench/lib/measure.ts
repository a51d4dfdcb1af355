import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';

export interface Measured {
  wallMs: number;
  /** The process's peak resident set (VmHWM), in MB. */
  peakRssMb: number;
  /** User plus system CPU of the process and the children it waited for, in ms (last read before it exited). */
  cpuMs: number;
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

export interface MeasureOptions {
  env: Record<string, string>;
  cwd?: string;
  /** Checked every tick; when it returns true the process is killed with SIGKILL. */
  killWhen?: () => boolean;
  /** Called every tick while the process runs (e.g. to watch the API's request count). */
  onTick?: () => void;
  tickMs?: number;
}

/**
 * Runs one ingester as its own process, so its memory is its own: the peak RSS is read from
 * /proc/PID/status (VmHWM, the kernel's high-water mark) on every tick until the process exits.
 */
export function measure(command: string, args: string[], options: MeasureOptions): Promise<Measured> {
  const started = performance.now();
  const child = spawn(command, args, { env: options.env, cwd: options.cwd, stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  let peakKb = 0;
  let cpuTicks = 0;
  const tick = () => {
    peakKb = Math.max(peakKb, highWaterMarkKb(child.pid));
    cpuTicks = Math.max(cpuTicks, cpuClockTicks(child.pid));
    options.onTick?.();
    if (options.killWhen?.() && child.exitCode === null) child.kill('SIGKILL');
  };
  const timer = setInterval(tick, options.tickMs ?? 10);
  return new Promise((resolve, reject) => {
    child.once('error', (error) => {
      clearInterval(timer);
      reject(error);
    });
    child.once('close', (code, signal) => {
      clearInterval(timer);
      const wallMs = performance.now() - started;
      resolve({
        wallMs: Math.round(wallMs),
        peakRssMb: Math.round(peakKb / 102.4) / 10,
        cpuMs: cpuTicks * MS_PER_CLOCK_TICK,
        code,
        signal,
        stdout,
        stderr,
      });
    });
  });
}

/** Linux reports CPU time in clock ticks of 1/100 s (USER_HZ) on every architecture. */
const MS_PER_CLOCK_TICK = 10;

/**
 * utime + stime + cutime + cstime from /proc/PID/stat (fields 14 to 17). Read every tick, so the
 * CPU of the last tick before the exit is missed: at most one tick's worth per core.
 */
function cpuClockTicks(pid: number | undefined): number {
  if (pid === undefined) return 0;
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // The command name, field 2, may hold spaces: count from after its closing parenthesis.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return [11, 12, 13, 14].reduce((sum, index) => sum + Number(fields[index]), 0);
  } catch {
    return 0;
  }
}

function highWaterMarkKb(pid: number | undefined): number {
  if (pid === undefined) return 0;
  try {
    const match = /^VmHWM:\s+(\d+) kB/m.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return match ? Number(match[1]) : 0;
  } catch {
    return 0; // the process has just exited
  }
}
