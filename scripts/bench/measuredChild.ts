import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** What one child process cost: wall time from spawn to exit (process start included) and peak RSS. */
export interface ChildCost {
  wallInMs: number;
  /** Peak resident set size of the child, in MB (2^20 bytes); NaN when it could not be measured. */
  peakRssInMb: number;
  stdout: string;
  stderr: string;
}

/** GNU time reports the child's peak RSS from wait4's rusage (ru_maxrss), read after the child exited. */
const GNU_TIME = '/usr/bin/time';

/**
 * Runs `node [nodeOptions] <script> <args>` as a child process and measures it from the outside, so that nothing in
 * the measured program changes: wall time from spawn to exit, and peak RSS through GNU time when it is
 * installed (otherwise by sampling /proc/<pid>/status VmHWM every 20 ms, which can miss a late peak).
 * @throws Error with the child's stderr when it exits non-zero.
 */
export async function runMeasured(
  script: string,
  args: string[],
  options: { env: Record<string, string>; cwd: string; nodeOptions?: string[] },
): Promise<ChildCost> {
  const folder = mkdtempSync(join(tmpdir(), 'bench-time-'));
  const timeFile = join(folder, 'time.txt');
  const node = [process.execPath, ...(options.nodeOptions ?? []), script, ...args];
  const useTime = existsSync(GNU_TIME);
  const started = process.hrtime.bigint();
  // The working directory is the bench's own: the collector reads ./local.settings.json when present.
  const spawnOptions = { env: { ...process.env, ...options.env }, cwd: options.cwd };
  const child = useTime
    ? spawn(GNU_TIME, ['-f', '%M', '-o', timeFile, ...node], spawnOptions)
    : spawn(node[0]!, node.slice(1), spawnOptions);
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  let sampledKb = NaN;
  const sampler = useTime
    ? undefined
    : setInterval(() => {
        const status = readProcStatus(child.pid);
        const kb = Number(/VmHWM:\s+(\d+)/.exec(status)?.[1]);
        if (!Number.isNaN(kb)) sampledKb = Math.max(Number.isNaN(sampledKb) ? 0 : sampledKb, kb);
      }, 20);
  const [code] = (await once(child, 'close')) as [number | null];
  const wallInMs = Number(process.hrtime.bigint() - started) / 1e6;
  if (sampler) clearInterval(sampler);
  const kb = useTime ? Number(readFileSync(timeFile, 'utf8').trim().split('\n').pop()) : sampledKb;
  rmSync(folder, { recursive: true, force: true });
  if (code !== 0) throw new Error(`${script} ${args.join(' ')} exited with ${code}:\n${stderr.slice(-3000)}`);
  return { wallInMs, peakRssInMb: kb / 1024, stdout, stderr };
}

function readProcStatus(pid: number | undefined): string {
  try {
    return pid === undefined ? '' : readFileSync(`/proc/${pid}/status`, 'utf8');
  } catch {
    return '';
  }
}
