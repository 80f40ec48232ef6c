import { rm } from 'node:fs/promises';
import { temporaryFolder, workerBody } from '@mailroom/test-support';
import { simpleParser } from 'mailparser';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { filesIn, startedTransport } from './helpers.js';
import { builtPackageExists, runWorker } from './processes.js';

const PROCESSES = 4;
const EACH = 500;

let root = '';
beforeEach(async () => {
  root = await temporaryFolder('maildir');
});
afterEach(async () => {
  await rm(root, { recursive: true, force: true });
});

describe.runIf(builtPackageExists())('several processes, one maildir', () => {
  it(`${PROCESSES} processes delivering ${EACH} messages each give ${PROCESSES * EACH} distinct complete files`, {
    timeout: 120_000,
  }, async () => {
    // Create it once, so the workers race only on deliveries.
    await (await startedTransport({ directory: root, create: true })).shutdown();
    const reports = await Promise.all(
      Array.from({ length: PROCESSES }, (_, worker) => runWorker({ section: { directory: root }, worker, count: EACH, lanes: 4 })),
    );
    for (const report of reports) expect(report).toMatchObject({ delivered: EACH, failures: [] });
    const files = await filesIn(root, 'new');
    expect(files.size).toBe(PROCESSES * EACH);
    expect((await filesIn(root, 'tmp')).size).toBe(0);
    const expected = new Set<string>();
    for (let worker = 0; worker < PROCESSES; worker += 1) for (let index = 0; index < EACH; index += 1) expected.add(`${worker}/${index}`);
    const seen = new Set<string>();
    for (const data of files.values()) {
      const parsed = await simpleParser(data);
      const [, worker, index] = /^process (\d+) message (\d+)$/.exec(parsed.subject ?? '') ?? [];
      // Complete: the body's last line (the filler) is there in full.
      expect(parsed.text).toBe(workerBody(Number(worker), Number(index)));
      seen.add(`${worker}/${index}`);
    }
    expect(seen).toEqual(expected);
  });
});
