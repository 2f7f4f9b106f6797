// A process and its descendants, read from /proc (Linux). Used to measure Chromium's memory (the
// browser process plus its zygotes, GPU/network utilities and renderers) and to make sure none
// of them outlives a shutdown. Elsewhere (no /proc) the functions report nothing.
import { readdirSync, readFileSync } from 'node:fs';
import { readdir, readFile } from 'node:fs/promises';

/** The pid and all its living descendants (the pid first), or [] when it is gone. */
export function processTreeSync(rootPid: number): number[] {
  let entries: string[];
  try {
    entries = readdirSync('/proc');
  } catch {
    return [];
  }
  const parents = new Map<number, number>();
  for (const entry of entries) {
    if (!/^\d+$/.test(entry)) continue;
    const ppid = parentOf(readQuietly(`/proc/${entry}/stat`));
    if (ppid !== null) parents.set(Number(entry), ppid);
  }
  return descendants(rootPid, parents);
}

export async function processTree(rootPid: number): Promise<number[]> {
  let entries: string[];
  try {
    entries = await readdir('/proc');
  } catch {
    return [];
  }
  const pids = entries.filter((entry) => /^\d+$/.test(entry));
  const stats = await Promise.all(pids.map((pid) => readFile(`/proc/${pid}/stat`, 'utf8').catch(() => null)));
  const parents = new Map<number, number>();
  pids.forEach((pid, i) => {
    const ppid = parentOf(stats[i]);
    if (ppid !== null) parents.set(Number(pid), ppid);
  });
  return descendants(rootPid, parents);
}

/** Sum of the resident set sizes (VmRSS) of the pid and its descendants, in bytes. */
export function treeRssBytesSync(rootPid: number): number {
  return processTreeSync(rootPid).reduce((sum, pid) => sum + rssOf(readQuietly(`/proc/${pid}/status`)), 0);
}

/** Sum of the resident set sizes of these pids (those gone count 0), in bytes. */
export async function rssBytesOf(pids: number[]): Promise<number> {
  const statuses = await Promise.all(pids.map((pid) => readFile(`/proc/${pid}/status`, 'utf8').catch(() => null)));
  return statuses.reduce((sum, status) => sum + rssOf(status), 0);
}

/** True while the pid exists and is not a zombie. */
export function isAlive(pid: number): boolean {
  const stat = readQuietly(`/proc/${pid}/stat`);
  if (stat === null) {
    try {
      process.kill(pid, 0);
      return true;
    } catch {
      return false;
    }
  }
  const state = stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3);
  return state !== 'Z' && state !== 'X';
}

function descendants(rootPid: number, parents: Map<number, number>): number[] {
  if (!parents.has(rootPid)) return [];
  const children = new Map<number, number[]>();
  for (const [pid, ppid] of parents) {
    const list = children.get(ppid);
    if (list) list.push(pid);
    else children.set(ppid, [pid]);
  }
  const tree: number[] = [];
  const stack = [rootPid];
  while (stack.length > 0) {
    const pid = stack.pop() as number;
    tree.push(pid);
    stack.push(...(children.get(pid) ?? []));
  }
  return tree;
}

/** The 4th field of /proc/PID/stat; the command name (2nd) may hold spaces and parentheses. */
function parentOf(stat: string | null): number | null {
  if (!stat) return null;
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  const ppid = Number(fields[1]);
  return Number.isInteger(ppid) ? ppid : null;
}

function rssOf(status: string | null): number {
  const kb = status ? /^VmRSS:\s+(\d+)\s+kB/m.exec(status)?.[1] : undefined;
  return kb ? Number(kb) * 1024 : 0;
}

function readQuietly(path: string): string | null {
  try {
    return readFileSync(path, 'utf8');
  } catch {
    return null;
  }
}
