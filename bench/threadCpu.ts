import { readdirSync, readFileSync } from 'node:fs';

/** CPU time (user + system) of this process's main thread and of its other threads, in ms. */
export interface ThreadCpu {
  mainMs: number;
  otherMs: number;
}

/** Linux reports CPU time in clock ticks of 1/100 s (USER_HZ). */
const TICK_MS = 10;

/**
 * Reads each thread's CPU time from /proc, so a run can tell the main thread, which runs the
 * pipeline's JavaScript, from the threads that can use another core; undefined elsewhere.
 */
export function threadCpu(): ThreadCpu | undefined {
  let tids: string[];
  try {
    tids = readdirSync('/proc/self/task');
  } catch {
    return undefined;
  }
  const mainTid = String(process.pid);
  const cpu = { mainMs: 0, otherMs: 0 };
  for (const tid of tids) {
    let stat: string;
    try {
      stat = readFileSync(`/proc/self/task/${tid}/stat`, 'utf8');
    } catch {
      continue; // the thread ended meanwhile
    }
    const ms = threadCpuMs(stat);
    if (tid === mainTid) cpu.mainMs += ms;
    else cpu.otherMs += ms;
  }
  return cpu;
}

/** User + system CPU time in ms from one /proc/<pid>/task/<tid>/stat line. */
export function threadCpuMs(stat: string): number {
  // Fields after the command name, which is in parentheses and may hold spaces; utime and
  // stime are the 14th and 15th fields of the line.
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return (Number(fields[11]) + Number(fields[12])) * TICK_MS;
}
