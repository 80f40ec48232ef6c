import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';

const root = join(import.meta.dirname, '..');
const built = existsSync(join(root, 'packages', 'core', 'dist', 'index.js'));
if ((process.env.CI === 'true' || process.env.CI === '1') && !built)
  throw new Error('packages/core/dist is missing: run npm run build first');
const run = (script: string, ...args: string[]) =>
  promisify(execFile)(process.execPath, [join(root, 'examples', script), ...args], { cwd: root });

describe.runIf(built)('examples run as written', () => {
  it('stress-mock accounts for every message', async () => {
    const { stdout } = await run('stress-mock/index.js', '2000');
    const lines = stdout.trim().split('\n');
    expect(lines).toHaveLength(2);
    for (const line of lines) {
      const [, delivered, failed] = /: (\d+) delivered, (\d+) failed/.exec(line) ?? [];
      expect(Number(delivered) + Number(failed)).toBe(2000);
    }
  });

  it('log prints one DELIVER line per message and the MIME at trace', async () => {
    const { stdout, stderr } = await run('log/index.js');
    expect(stdout).toContain('info: delivered to alice@example.org, bob@example.org');
    expect(stderr.match(/ DELIVER /g)).toHaveLength(2);
    expect(stderr).toContain('Subject: Logged at trace');
    expect(stderr).not.toContain('Subject: Logged at info');
  });

  it('list-post delivers to the enabled members once each, with List headers and VERP senders', async () => {
    const { stdout } = await run('list-post/index.js');
    expect(stdout).toContain('finished: sent 2, failed 0, skipped 1');
    expect(stdout).toContain('  List-Id: Red team <red.lists.example.org>');
    expect(stdout).toContain('  envelope from red-bounces+alice=example.com@lists.example.org -> alice@example.com');
    expect(stdout).toContain('ledger: finished, {"pending":0,"sent":2,"failed":0,"skipped":1}');
  });
});
