import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { readFile, rm, utimes, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { temporaryFolder, workerBody } from '@mailroom/test-support';
import { requireBinary } from '@mailroom/transport-test-suite';
import { simpleParser } from 'mailparser';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { readMbox } from './helpers.js';
import { builtPackageExists, runWorker } from './processes.js';

const PROCESSES = 4;

let root = '';
let file = '';
beforeEach(async () => {
  root = await temporaryFolder('mbox');
  file = join(root, 'mbox');
});
afterEach(async () => {
  await rm(root, { recursive: true, force: true });
});

/** Runs the workers and checks that the mbox holds every message, intact, exactly once. */
async function deliverFromProcesses(each: number, withFormail: boolean): Promise<void> {
  const reports = await Promise.all(
    Array.from({ length: PROCESSES }, (_, worker) => runWorker({ section: { file }, worker, count: each, lanes: 4 })),
  );
  for (const report of reports) expect(report).toMatchObject({ delivered: each, failures: [] });
  const entries = await readMbox(file);
  expect(entries).toHaveLength(PROCESSES * each);
  const seen = new Set<string>();
  for (const entry of entries) {
    const parsed = await simpleParser(entry.content);
    const [, worker, index] = /^process (\d+) message (\d+)$/.exec(parsed.subject ?? '') ?? [];
    expect(entry.sender).toBe(`worker${worker}@example.org`);
    expect(parsed.text).toBe(workerBody(Number(worker), Number(index)));
    seen.add(`${worker}/${index}`);
  }
  expect(seen.size).toBe(PROCESSES * each);
  expect(existsSync(`${file}.lock`)).toBe(false);
  // formail runs a command per message: worth it on the smaller run only.
  const formail = withFormail ? requireBinary('formail', 'scripts/install-procmail.sh installs procmail') : undefined;
  if (formail) {
    // procmail's formail splits the mbox as mail programs do, running the command once per message.
    const split = execFileSync(formail, ['-s', 'sh', '-c', 'cat >/dev/null; echo message'], {
      input: await readFile(file),
      maxBuffer: 1 << 24,
    });
    const count = split.toString().trim().split('\n').length;
    expect(count).toBe(PROCESSES * each);
  }
}

describe.runIf(builtPackageExists())('several processes, one mbox', () => {
  it(`${PROCESSES} processes delivering 500 messages each give 2000 intact messages`, { timeout: 180_000 }, async () => {
    await deliverFromProcesses(500, false);
  });

  it('all of them take over one stale lock safely, then never interleave', { timeout: 120_000 }, async () => {
    await writeFile(`${file}.lock`, 'left by a crashed program\n');
    const hourAgo = new Date(Date.now() - 3600_000);
    await utimes(`${file}.lock`, hourAgo, hourAgo);
    await deliverFromProcesses(100, true);
  });
});
