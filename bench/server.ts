// The production server as a separate child process: build it if the sources changed, start it on
// a free port against a given database, and sample the memory of its whole process tree.
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, readlinkSync, statSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import path from 'node:path';

const root = process.cwd();
const nextBin = path.join(root, 'node_modules', 'next', 'dist', 'bin', 'next');

/** Newest modification time under the folders and files a production build depends on. */
function newestSource(entries: string[]): number {
  let newest = 0;
  const visit = (target: string) => {
    if (!existsSync(target)) return;
    const stat = statSync(target);
    if (stat.isDirectory()) {
      for (const name of readdirSync(target)) visit(path.join(target, name));
    } else {
      newest = Math.max(newest, stat.mtimeMs);
    }
  };
  entries.forEach((entry) => visit(path.join(root, entry)));
  return newest;
}

export function buildIsCurrent(distDir: string): boolean {
  const buildId = path.join(root, distDir, 'BUILD_ID');
  if (!existsSync(buildId)) return false;
  return statSync(buildId).mtimeMs > newestSource(['src', 'drizzle', 'next.config.mjs', 'package.json', 'tsconfig.json']);
}

function run(command: string, args: string[], env: NodeJS.ProcessEnv): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { cwd: root, env, stdio: ['ignore', 'inherit', 'inherit'] });
    child.on('error', reject);
    child.on('exit', (code, signal) =>
      code === 0 ? resolve() : reject(new Error(`${path.basename(args[0] ?? command)} ${args[1] ?? ''} exited with ${code ?? signal}`)),
    );
  });
}

/**
 * A production build without the type check (`npm run typecheck` owns that; a type error in a test
 * file must not stop a benchmark). The type check is also what writes the build folder into
 * tsconfig.json, which is shared: should the build touch it anyway, that change is undone.
 */
export async function buildApp(distDir: string): Promise<void> {
  const tsconfig = path.join(root, 'tsconfig.json');
  const before = readFileSync(tsconfig, 'utf8');
  const env = { ...process.env, NEXT_DIST_DIR: distDir, NEXT_TELEMETRY_DISABLED: '1' };
  try {
    await run(process.execPath, [nextBin, 'build', '--experimental-build-mode', 'compile'], env);
    await run(process.execPath, [nextBin, 'build', '--experimental-build-mode', 'generate'], env);
  } finally {
    const after = readFileSync(tsconfig, 'utf8');
    if (after !== before && onlyAddedBuildFolder(before, after, distDir)) writeFileSync(tsconfig, before);
  }
}

function onlyAddedBuildFolder(before: string, after: string, distDir: string): boolean {
  try {
    const parsed = JSON.parse(after) as { include?: string[] };
    parsed.include = parsed.include?.filter((entry) => !entry.startsWith(`${distDir}/`));
    return JSON.stringify(parsed) === JSON.stringify(JSON.parse(before));
  } catch {
    return false;
  }
}

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.unref();
    probe.on('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const address = probe.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      probe.close(() => resolve(port));
    });
  });
}

export interface RunningServer {
  pid: number;
  port: number;
  url: string;
  output: () => string;
  stop: () => Promise<void>;
}

/** Starts `next start` in its own process group (so that stopping it stops whatever it forked). */
export async function startServer(options: { distDir: string; databaseUrl: string; port: number }): Promise<RunningServer> {
  const child: ChildProcess = spawn(process.execPath, [nextBin, 'start', '-p', String(options.port), '-H', '127.0.0.1'], {
    cwd: root,
    env: {
      ...process.env,
      NODE_ENV: 'production',
      NEXT_DIST_DIR: options.distDir,
      NEXT_TELEMETRY_DISABLED: '1',
      DATABASE_URL: options.databaseUrl,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
    detached: true,
  });
  let log = '';
  const keep = (chunk: Buffer) => {
    log = (log + chunk.toString()).slice(-20_000);
  };
  child.stdout?.on('data', keep);
  child.stderr?.on('data', keep);
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const pid = child.pid;
  if (pid === undefined) throw new Error('the server did not start');

  const stop = async () => {
    if (child.exitCode !== null || child.signalCode !== null) return;
    try {
      process.kill(-pid, 'SIGTERM');
    } catch {
      return;
    }
    const timer = setTimeout(() => {
      try {
        process.kill(-pid, 'SIGKILL');
      } catch {
        // already gone
      }
    }, 5_000);
    await exited;
    clearTimeout(timer);
  };

  const url = `http://127.0.0.1:${options.port}`;
  const deadline = Date.now() + 60_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`the server exited with ${child.exitCode}:\n${log}`);
    try {
      await fetch(`${url}/api/ingest/marketing`, { method: 'GET' });
      break;
    } catch {
      if (Date.now() > deadline) {
        await stop();
        throw new Error(`the server did not answer within 60 s:\n${log}`);
      }
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
  }
  return { pid, port: options.port, url, output: () => log, stop };
}

// ---------------------------------------------------------------- memory

function status(pid: number): Record<string, string> | null {
  try {
    const text = readFileSync(`/proc/${pid}/status`, 'utf8');
    return Object.fromEntries(text.split('\n').map((line) => [line.slice(0, line.indexOf(':')), line.slice(line.indexOf(':') + 1).trim()]));
  } catch {
    return null;
  }
}

function kilobytes(value: string | undefined): number {
  return value ? Number.parseInt(value, 10) : 0;
}

/** The process and all its descendants. */
export function processTree(pid: number): number[] {
  const children = new Map<number, number[]>();
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    try {
      const stat = readFileSync(`/proc/${name}/stat`, 'utf8');
      const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
      children.set(ppid, [...(children.get(ppid) ?? []), Number(name)]);
    } catch {
      // exited while we looked
    }
  }
  const tree: number[] = [];
  const queue = [pid];
  while (queue.length > 0) {
    const current = queue.shift()!;
    tree.push(current);
    queue.push(...(children.get(current) ?? []));
  }
  return tree;
}

/** The process of a tree that holds the listening socket of a port. */
export function listeningProcess(tree: number[], port: number): number | null {
  const inodes = new Set<string>();
  for (const table of ['/proc/net/tcp', '/proc/net/tcp6']) {
    if (!existsSync(table)) continue;
    for (const line of readFileSync(table, 'utf8').split('\n').slice(1)) {
      const fields = line.trim().split(/\s+/);
      const local = fields[1];
      if (!local || fields[3] !== '0A') continue; // 0A: LISTEN
      if (Number.parseInt(local.split(':')[1] ?? '', 16) === port) inodes.add(fields[9] ?? '');
    }
  }
  for (const pid of tree) {
    try {
      for (const fd of readdirSync(`/proc/${pid}/fd`)) {
        const target = readlinkSync(`/proc/${pid}/fd/${fd}`);
        const inode = /^socket:\[(\d+)\]$/.exec(target)?.[1];
        if (inode && inodes.has(inode)) return pid;
      }
    } catch {
      // exited or not ours to read
    }
  }
  return null;
}

export interface MemoryReport {
  /** the process that listens on the port */
  serverPid: number | null;
  /** its kernel-recorded peak resident set (VmHWM), MB */
  serverPeakMb: number;
  /** highest sampled sum of VmRSS over the whole tree, MB */
  treePeakMb: number;
  samples: number;
}

/** Polls VmRSS of the tree every `everyMs`; stop() returns the peaks since start. */
export function sampleMemory(rootPid: number, port: number, everyMs = 100) {
  let treePeakKb = 0;
  let samples = 0;
  let tree = processTree(rootPid);
  let ticks = 0;
  const timer = setInterval(() => {
    if (++ticks % 10 === 0) tree = processTree(rootPid);
    const total = tree.reduce((sum, pid) => sum + kilobytes(status(pid)?.VmRSS), 0);
    treePeakKb = Math.max(treePeakKb, total);
    samples += 1;
  }, everyMs);
  return {
    stop(): MemoryReport {
      clearInterval(timer);
      const serverPid = listeningProcess(processTree(rootPid), port);
      const serverPeakKb = serverPid === null ? 0 : kilobytes(status(serverPid)?.VmHWM);
      return { serverPid, serverPeakMb: serverPeakKb / 1024, treePeakMb: treePeakKb / 1024, samples };
    },
  };
}
