import { spawn } from 'node:child_process';

/** How a run of the binary ended. */
export interface RunOutcome {
  /** The exit code, or null when a signal ended it. */
  code: number | null;
  /** The signal that ended it, if one did. */
  signal: NodeJS.Signals | null;
  /** It ran past the timeout and was killed. */
  timedOut: boolean;
  /** It could not be started (ENOENT, EACCES, ...). */
  spawnError?: NodeJS.ErrnoException;
  stdout: string;
  stderr: string;
}

/** Output kept per stream: enough for any diagnostic, bounded against a chatty binary. */
const OUTPUT_LIMIT = 64 * 1024;
/** After SIGTERM, how long a binary gets before SIGKILL. */
const KILL_GRACE = 2_000;

function collect(stream: NodeJS.ReadableStream | null): () => string {
  const chunks: Buffer[] = [];
  let size = 0;
  stream?.on('data', (chunk: Buffer) => {
    if (size < OUTPUT_LIMIT) chunks.push(chunk);
    size += chunk.length;
  });
  return () => Buffer.concat(chunks).subarray(0, OUTPUT_LIMIT).toString('utf8');
}

/**
 * Runs `path` with `args` (no shell: every argument reaches the binary as
 * one argv entry), writes `input` to its stdin, and waits for it to end,
 * killing it (SIGTERM, then SIGKILL) after `timeout` milliseconds. Never
 * rejects: every way it can end is described in the outcome.
 */
export function runBinary(path: string, args: readonly string[], input: Buffer, timeout: number): Promise<RunOutcome> {
  return new Promise((resolve) => {
    const child = spawn(path, args, { stdio: ['pipe', 'pipe', 'pipe'], shell: false });
    const stdout = collect(child.stdout);
    const stderr = collect(child.stderr);
    let timedOut = false;
    let spawnError: NodeJS.ErrnoException | undefined;
    const timers: NodeJS.Timeout[] = [];
    let settled = false;
    const finish = (code: number | null, signal: NodeJS.Signals | null) => {
      if (settled) return;
      settled = true;
      for (const timer of timers) clearTimeout(timer);
      resolve({ code, signal, timedOut, ...(spawnError ? { spawnError } : {}), stdout: stdout(), stderr: stderr() });
    };
    timers.push(
      setTimeout(() => {
        timedOut = true;
        child.kill('SIGTERM');
        timers.push(setTimeout(() => child.kill('SIGKILL'), KILL_GRACE));
        // A process that not even SIGKILL ends (stuck in the kernel) must not hold the delivery forever.
        timers.push(setTimeout(() => finish(null, 'SIGKILL'), KILL_GRACE * 2));
      }, timeout),
    );
    child.on('error', (error: NodeJS.ErrnoException) => {
      spawnError = error;
      if (child.pid === undefined) finish(null, null);
    });
    // A binary that exits without reading all of stdin gives EPIPE here; its exit code says what happened.
    child.stdin?.on('error', () => {});
    child.stdin?.end(input);
    child.on('close', finish);
    // A daemon the binary left behind may hold its output open: the exit status is what counts.
    child.on('exit', (code, signal) => timers.push(setTimeout(() => finish(code, signal), 1_000)));
  });
}
