import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';

export interface Measured {
  wallMs: number;
  /** The process's peak resident set (VmHWM), in MB. */
  peakRssMb: number;
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
  const tick = () => {
    peakKb = Math.max(peakKb, highWaterMarkKb(child.pid));
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
      resolve({ wallMs: Math.round(wallMs), peakRssMb: Math.round(peakKb / 102.4) / 10, code, signal, stdout, stderr });
    });
  });
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
