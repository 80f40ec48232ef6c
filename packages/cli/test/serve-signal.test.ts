import { spawn } from 'node:child_process';
import { readdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { removeFolder, temporaryFolder } from '@mailroom/test-support';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BIN, cliBuilt } from './run-cli.js';

const PRELOAD = join(import.meta.dirname, 'fixtures', 'sigterm-during-start.mjs');

let dir: string;
let config: string;
beforeAll(async () => {
  dir = await temporaryFolder('serve-signal');
  config = join(dir, 'server.json');
  await writeFile(
    config,
    JSON.stringify({
      store: `sqlite:${join(dir, 'mailroom.db')}`,
      spool: join(dir, 'spool'),
      'server.hostname': 'lists.example.org',
      'server.smtp.host': '127.0.0.1',
      'server.smtp.port': 0,
      'server.http.host': '127.0.0.1',
      'server.http.port': 0,
      'log.level': 'info',
      lists: [{ address: 'red@lists.example.org', secret: 'serve-signal-secret' }],
      manager: { use: 'dynamic', workers: 2 },
      transport: { use: 'maildir', directory: join(dir, 'maildir'), create: true },
    }),
  );
});
afterAll(async () => {
  await removeFolder(dir);
});

/** Runs `mailroom serve` (with `node` options before the bin) until it exits on its own, or kills it after 30 s. */
function serve(nodeOptions: string[], onStderr?: (text: string, stop: () => void) => void) {
  return new Promise<{ code: number | null; signal: NodeJS.Signals | null; stderr: string }>((resolve) => {
    const child = spawn(process.execPath, [...nodeOptions, BIN, 'serve', '--config', config], {
      cwd: dir,
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    const timer = setTimeout(() => child.kill('SIGKILL'), 30_000);
    let stderr = '';
    child.stderr.setEncoding('utf8');
    child.stderr.on('data', (chunk: string) => {
      stderr += chunk;
      onStderr?.(stderr, () => child.kill('SIGTERM'));
    });
    child.once('close', (code, signal) => {
      clearTimeout(timer);
      resolve({ code, signal, stderr });
    });
  });
}

describe.runIf(cliBuilt())('mailroom serve and SIGTERM', () => {
  it('a SIGTERM that arrives while the server starts drains it once it is up: exit 0, not killed by the signal', async () => {
    const run = await serve(['--import', PRELOAD]);
    expect(run.signal).toBeNull();
    expect(run.code).toBe(0);
    expect(run.stderr).toContain('list server started');
    expect(run.stderr).toContain('mailroom serve: SIGTERM: draining');
    expect(await readdir(dir)).toContain('mailroom.db');
  });

  it('a SIGTERM as soon as it logs "list server started" (as the docs check stops it) drains it: exit 0', async () => {
    let sent = false;
    const run = await serve([], (stderr, stop) => {
      if (!sent && stderr.includes('list server started')) {
        sent = true;
        stop();
      }
    });
    expect(sent).toBe(true);
    expect(run.signal).toBeNull();
    expect(run.code).toBe(0);
  });
});
