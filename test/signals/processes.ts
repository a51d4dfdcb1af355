import { readdirSync, readFileSync } from 'node:fs';

interface ProcessStat {
  pid: number;
  ppid: number;
  pgrp: number;
  command: string;
}

/** Every live process, from /proc (Linux): its parent and its process group. */
export function processes(): ProcessStat[] {
  const found: ProcessStat[] = [];
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    try {
      const stat = readFileSync(`/proc/${name}/stat`, 'utf8');
      // "pid (comm) state ppid pgrp ...": comm may hold spaces and brackets, so read after the last ')'.
      const [state, ppid, pgrp] = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      if (state === 'Z') continue; // a zombie has exited and holds nothing
      const command = readFileSync(`/proc/${name}/cmdline`, 'utf8').split('\0').join(' ').trim();
      found.push({ pid: Number(name), ppid: Number(ppid), pgrp: Number(pgrp), command });
    } catch {
      // it ended while we looked
    }
  }
  return found;
}

export const childrenOf = (pid: number) => processes().filter((p) => p.ppid === pid);
export const groupMembers = (pgrp: number) => processes().filter((p) => p.pgrp === pgrp);

/** Polls until `find` returns something, or fails after `timeoutMs`. */
export async function waitFor<T>(what: string, find: () => T | undefined, timeoutMs = 300_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const found = find();
    if (found !== undefined) return found;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}
