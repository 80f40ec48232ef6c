import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';

const root = join(import.meta.dirname, '..', '..', '..');
// The example imports the built packages, as a user's application would.
const built = ['core', 'transport-ses'].every((name) => existsSync(join(root, 'packages', name, 'dist', 'index.js')));
if (!built && (process.env.CI === 'true' || process.env.CI === '1'))
  throw new Error('examples/ses needs the built packages: run npm run build');

describe.runIf(built)('examples/ses', () => {
  it('runs as written against the emulator it starts, and reads its three messages back', async () => {
    const { stdout } = await promisify(execFile)(process.execPath, [join(root, 'examples', 'ses', 'index.js')], {
      cwd: root,
      env: { ...process.env, SES_REGION: '' },
    });
    expect(stdout.match(/^sent "[^"]+" as ses-\d+ to /gm)).toHaveLength(3);
    expect(stdout).toMatch(/^sent "With a hidden copy" as ses-\d+ to alice@example\.org, archive@example\.org$/m);
    expect(stdout).toMatch(/^stored ses-\d+: "The weekly report", attachments: logo\.png, report\.csv$/m);
    expect(stdout).toMatch(/^stored ses-\d+: "Grüße aus Köln ✓", attachments: none$/m);
  });
});
