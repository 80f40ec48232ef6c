import { writeFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { removeFolder, temporaryFolder } from '@mailroom/test-support';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { runWorker } from '../src/commands/worker.js';

let folder: string;
beforeAll(async () => {
  folder = await temporaryFolder('worker');
});
afterAll(async () => {
  await removeFolder(folder);
});

/** Runs `mailroom worker` in-process with `config` written to a file; returns its exit code and stderr. */
async function worker(config: unknown): Promise<{ code: number; err: string }> {
  const path = join(folder, `${Math.random().toString(36).slice(2)}.json`);
  await writeFile(path, typeof config === 'string' ? config : JSON.stringify(config));
  const lines: string[] = [];
  const spy = vi.spyOn(process.stderr, 'write').mockImplementation((chunk) => {
    lines.push(String(chunk));
    return true;
  });
  try {
    return { code: await runWorker({ config: path }), err: lines.join('') };
  } finally {
    spy.mockRestore();
  }
}

function closedPort(): Promise<number> {
  return new Promise((resolve) => {
    const server = createServer().listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

describe('mailroom worker refuses', () => {
  it('a bad manager key with exit 2, naming the full dotted key', async () => {
    const { code, err } = await worker({ manager: { use: 'bullmq', wait: 'soon' }, transport: 'mock' });
    expect(code).toBe(2);
    expect(err).toContain('manager.wait');
  });

  it('a configuration for another manager with exit 2', async () => {
    const { code, err } = await worker({ manager: 'dynamic', transport: 'mock' });
    expect(code).toBe(2);
    expect(err).toContain('manager.use');
  });

  it('a file that is not JSON with exit 2', async () => {
    const { code, err } = await worker('{ not json');
    expect(code).toBe(2);
    expect(err).toMatch(/not valid JSON/);
  });

  it('a Redis that does not answer with exit 1 after manager.connect seconds, naming the server but not the password', async () => {
    const port = await closedPort();
    const { code, err } = await worker({
      manager: { use: 'bullmq', redis: `redis://:s3cr3t-pw@127.0.0.1:${port}`, connect: 0.3 },
      transport: 'mock',
    });
    expect(code).toBe(1);
    expect(err).toContain(`cannot reach Redis at redis://127.0.0.1:${port}/0`);
    expect(err).not.toContain('s3cr3t-pw');
  });
});
