import { execFileSync } from 'node:child_process';

/**
 * Mounts a tmpfs of `size` (`256k`) at `path`, for the full-disk tests (root only).
 * @returns false, with a line on stderr, where this machine does not allow it.
 */
export function mountTmpfs(path: string, size: string): boolean {
  try {
    execFileSync('mount', ['-t', 'tmpfs', '-o', `size=${size},mode=0755`, 'tmpfs', path], { stdio: 'pipe' });
    return true;
  } catch (error) {
    process.stderr.write(`SKIPPING the full-disk test: cannot mount a tmpfs here (${(error as Error).message.split('\n')[0]})\n`);
    return false;
  }
}

/** Unmounts what {@link mountTmpfs} mounted. */
export function unmountTmpfs(path: string): void {
  execFileSync('umount', [path]);
}
