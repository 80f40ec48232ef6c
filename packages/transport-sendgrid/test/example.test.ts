import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';

const root = join(import.meta.dirname, '..', '..', '..');
// The example imports the built packages, as a user's application would.
const built = ['core', 'transport-sendgrid'].every((name) => existsSync(join(root, 'packages', name, 'dist', 'index.js')));
if (!built && (process.env.CI === 'true' || process.env.CI === '1'))
  throw new Error('examples/sendgrid needs the built packages: run npm run build');

describe.runIf(built)('examples/sendgrid', () => {
  it('runs as written against the local stand-in it starts, and prints what it received', async () => {
    const { stdout } = await promisify(execFile)(process.execPath, [join(root, 'examples', 'sendgrid', 'index.js')], {
      cwd: root,
      env: { ...process.env, SENDGRID_API_KEY: '' },
    });
    expect(stdout.match(/^sent "[^"]+" as [\w-]{22} to /gm)).toHaveLength(3);
    expect(stdout).toMatch(
      /^received [\w-]{22}: "The weekly report" to alice@example\.org, attachments: logo\.png \(inline\), report\.csv \(attachment\)$/m,
    );
    expect(stdout.match(/^received [\w-]{22}: "Only hidden copies" to (archive|audit)@example\.org, attachments: none$/gm)).toHaveLength(2);
  });
});
