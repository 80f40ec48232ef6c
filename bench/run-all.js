// Runs every bench/*.js (but this file) in turn, each in its own process so
// that one cannot warm or slow the next, and prints, last, one JSON line that
// gathers the last JSON line each bench printed: { "<name>": report, ... }.
// A bench that fails, or prints no JSON line, makes the whole run fail.
import { spawnSync } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { basename, join } from 'node:path';

const folder = import.meta.dirname;
const benches = readdirSync(folder)
  .filter((name) => name.endsWith('.js') && name !== basename(import.meta.filename))
  .sort();

const summary = {};
let failed = false;
for (const name of benches) {
  process.stderr.write(`== bench/${name}\n`);
  const run = spawnSync(process.execPath, [join(folder, name)], { stdio: ['ignore', 'pipe', 'inherit'], encoding: 'utf8' });
  process.stdout.write(run.stdout ?? '');
  const last = (run.stdout ?? '')
    .trim()
    .split('\n')
    .reverse()
    .find((line) => line.startsWith('{'));
  if (run.status !== 0 || last === undefined) {
    process.stderr.write(
      `bench/${name} failed (exit ${run.status ?? run.signal}, ${last === undefined ? 'no JSON line' : 'JSON line printed'})\n`,
    );
    failed = true;
    continue;
  }
  summary[name.replace(/\.js$/, '')] = JSON.parse(last);
}
console.log(JSON.stringify(summary));
if (failed) process.exitCode = 1;
