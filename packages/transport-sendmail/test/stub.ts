import { chmod, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';

/** A stand-in sendmail: a shell script that records its argv, stdin and pid, then does `behaviour`. */
export interface Stub {
  /** The script's path, to configure as `transport.path`. */
  path: string;
  /** The arguments it was last run with, one per entry. */
  argv(): Promise<string[]>;
  /** What it last read on stdin. */
  stdin(): Promise<Buffer>;
  /** The process id it last ran as. */
  pid(): Promise<number>;
}

/**
 * Writes a stub into `folder`. `behaviour` is shell run after recording, such
 * as `echo "no such user" >&2; exit 67`. With `readInput: false` it does not
 * read stdin at all (as a binary that fails early).
 */
export async function createStub(folder: string, name: string, behaviour: string, options: { readInput?: boolean } = {}): Promise<Stub> {
  const base = join(folder, name);
  const script = [
    '#!/bin/sh',
    `echo $$ > '${base}.pid'`,
    `printf '%s\\n' "$@" > '${base}.argv'`,
    options.readInput === false ? ': > /dev/null' : `cat > '${base}.stdin'`,
    behaviour,
    '',
  ].join('\n');
  await writeFile(base, script);
  await chmod(base, 0o755);
  return {
    path: base,
    argv: async () => (await readFile(`${base}.argv`, 'utf8')).replace(/\n$/, '').split('\n'),
    stdin: () => readFile(`${base}.stdin`),
    pid: async () => Number(await readFile(`${base}.pid`, 'utf8')),
  };
}
