// Chromium's temporary profiles (<tmp>/scorecard-chromium-XXXXXX) are removed when the renderer
// closes, and by an exit handler; a process killed with SIGKILL runs neither, and left ~1-10 MB
// behind per browser it ran (issue 10). Each profile folder names the process that made it
// (OWNER_FILE: pid and start time, so a reused pid is not mistaken for it), and every renderer
// sweeps, when it starts, the folders whose owner is gone. Folders of other users, of live
// processes, or of a browser still running are left alone.
import { readdirSync, readFileSync } from 'node:fs';
import { readFile, readdir, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export const PROFILE_PREFIX = 'scorecard-chromium-';
export const OWNER_FILE = 'owner.json';
/** A folder without an owner file (an older build) is only swept once this old and unused. */
const UNOWNED_GRACE_MS = 10 * 60_000;

interface Owner {
  pid: number;
  /** Start time of the process in clock ticks since boot (/proc/<pid>/stat, field 22). */
  started: number | null;
}

/** Marks `root` as belonging to this process. Call right after creating it. */
export async function writeOwner(root: string): Promise<void> {
  const owner: Owner = { pid: process.pid, started: startTicks(process.pid) };
  await writeFile(join(root, OWNER_FILE), JSON.stringify(owner));
}

export interface SweepResult {
  removed: string[];
  /** Browsers of dead owners still running on a removed profile, killed first. */
  killed: number[];
}

/** Removes the profile folders in `dir` (default: the temp folder) left by processes that are gone. */
export async function removeStaleProfiles(dir = tmpdir(), now = Date.now()): Promise<SweepResult> {
  const result: SweepResult = { removed: [], killed: [] };
  let names: string[];
  try {
    names = (await readdir(dir)).filter((name) => name.startsWith(PROFILE_PREFIX));
  } catch {
    return result;
  }
  if (names.length === 0) return result;
  const commandLines = processCommandLines();
  for (const name of names) {
    const root = join(dir, name);
    // A browser's command line names its profile: --user-data-dir=<root>/profile.
    const users = [...commandLines].filter(([, cmd]) => cmd.includes(`${root}/`)).map(([pid]) => pid);
    const owner = await readOwner(root);
    if (owner) {
      if (owner.pid === process.pid || ownerAlive(owner)) continue;
    } else {
      const info = await stat(root).catch(() => null);
      if (!info || users.length > 0 || now - info.mtimeMs < UNOWNED_GRACE_MS) continue;
    }
    for (const pid of users) {
      try {
        process.kill(pid, 'SIGKILL');
        result.killed.push(pid);
      } catch {
        // gone, or not ours to signal
      }
    }
    try {
      await rm(root, { recursive: true, force: true, maxRetries: 3, retryDelay: 100 });
      result.removed.push(root);
    } catch {
      // another user's folder, or removed by another process sweeping at the same moment
    }
  }
  return result;
}

async function readOwner(root: string): Promise<Owner | null> {
  try {
    const parsed = JSON.parse(await readFile(join(root, OWNER_FILE), 'utf8')) as Partial<Owner>;
    if (typeof parsed.pid !== 'number' || !Number.isInteger(parsed.pid) || parsed.pid <= 0) return null;
    return { pid: parsed.pid, started: typeof parsed.started === 'number' ? parsed.started : null };
  } catch {
    return null;
  }
}

function ownerAlive(owner: Owner): boolean {
  try {
    process.kill(owner.pid, 0);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EPERM') return false;
  }
  // Alive: the same process only if it started when the owner did (pids are reused).
  return owner.started === null || startTicks(owner.pid) === owner.started;
}

function startTicks(pid: number): number | null {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    // Field 22 of the whole line; the slice starts at field 3.
    const ticks = Number(fields[19]);
    return Number.isFinite(ticks) ? ticks : null;
  } catch {
    return null;
  }
}

/** pid → command line (arguments joined by spaces) of every process we can read. */
function processCommandLines(): Map<number, string> {
  const out = new Map<number, string>();
  let entries: string[];
  try {
    entries = readdirSync('/proc');
  } catch {
    return out;
  }
  for (const entry of entries) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      out.set(Number(entry), readFileSync(`/proc/${entry}/cmdline`, 'utf8').split('\0').join(' '));
    } catch {
      // exited meanwhile
    }
  }
  return out;
}
