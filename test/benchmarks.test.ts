import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

const root = join(import.meta.dirname, '..');
const benches = readdirSync(join(root, 'bench'))
  .filter((name) => name.endsWith('.js') && name !== 'run-all.js')
  .sort();
const scripts = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')).scripts as Record<string, string>;
const guide = readFileSync(join(root, 'docs/benchmarks.md'), 'utf8');
/** The environment of the line of .ci/run that runs `npm run bench`. */
const ciBenchLine = readFileSync(join(root, '.ci/run'), 'utf8')
  .split('\n')
  .find((line) => /^[A-Z_=0-9 ]+npm run bench\b/.test(line));
const ciSizes = new Set([...(ciBenchLine ?? '').matchAll(/\b(BENCH_[A-Z_]+)=/g)].map((match) => match[1]));
/** Knobs that change how a bench runs, not how much work it does. */
const SETTINGS = new Set(['BENCH_CHUNK', 'BENCH_FSYNC', 'BENCH_WORKERS']);

/** The BENCH_* variables a bench reads, without its comments. */
function variablesOf(name: string): string[] {
  const code = readFileSync(join(root, 'bench', name), 'utf8').replace(/^\s*\/\/.*$/gm, '');
  return [...new Set([...code.matchAll(/process\.env\.(BENCH_[A-Z_]+)/g)].map((match) => match[1] as string))];
}

describe('benchmarks', () => {
  it('finds the benches and the line of CI that runs them', () => {
    expect(benches.length).toBeGreaterThanOrEqual(9);
    expect(ciBenchLine).toBeDefined();
    expect(ciSizes.has('BENCH_ROUNDS')).toBe(true);
  });

  describe.each(benches)('bench/%s', (name) => {
    it('has an npm run bench:* script and a row in docs/benchmarks.md', () => {
      const script = Object.entries(scripts).find(([key, value]) => key.startsWith('bench:') && value.endsWith(`node bench/${name}`));
      expect(script, `no bench:* script runs bench/${name}`).toBeDefined();
      expect(guide).toContain(`\`npm run ${script?.[0]}\``);
      expect(guide).toContain(`\`bench/${name}\``);
    });

    it('runs at the small sizes of the CI smoke run: CI sets every size it reads', () => {
      const sizes = variablesOf(name).filter((variable) => !SETTINGS.has(variable));
      expect(sizes.length, `bench/${name} reads no BENCH_* size`).toBeGreaterThan(0);
      for (const size of sizes) expect(ciSizes, `.ci/run leaves ${size} of bench/${name} at its default`).toContain(size);
      for (const size of sizes) expect(guide, `docs/benchmarks.md does not name ${size}`).toContain(size);
    });
  });
});
