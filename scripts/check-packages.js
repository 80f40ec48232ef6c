// Publish readiness of every packages/* package, as the registry's users will
// see it: publint (package.json against what `npm pack` puts in the tarball)
// and @arethetypeswrong/cli (the types resolve for ESM importers under node16
// and bundler resolution; these packages are ESM only, so CommonJS `require`
// is out of scope). Needs `npm run build` first. Exits 1 if any check fails.
import { spawn } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

const root = join(import.meta.dirname, '..');
// Private packages (our own test helpers) are never published.
const packages = readdirSync(join(root, 'packages'))
  .filter((name) => !JSON.parse(readFileSync(join(root, 'packages', name, 'package.json'), 'utf8')).private)
  .sort();
const bin = (name) => join(root, 'node_modules', '.bin', name);

/** Runs one command in a package folder; resolves with its exit code and output. */
function run(command, args, cwd) {
  return new Promise((resolve) => {
    const child = spawn(command, args, { cwd, env: { ...process.env, NO_COLOR: '1', FORCE_COLOR: '0' } });
    let output = '';
    child.stdout.on('data', (chunk) => (output += chunk));
    child.stderr.on('data', (chunk) => (output += chunk));
    child.on('close', (code) => resolve({ code, output }));
  });
}

async function check(name) {
  const cwd = join(root, 'packages', name);
  const publint = await run(bin('publint'), ['--strict'], cwd);
  const attw = await run(bin('attw'), ['--pack', '.', '--profile', 'esm-only', '--format', 'ascii'], cwd);
  return {
    name,
    results: [
      ['publint', publint],
      ['attw', attw],
    ],
  };
}

let failed = 0;
// Two at a time: each check packs the package with npm.
for (let index = 0; index < packages.length; index += 2) {
  const checks = await Promise.all(packages.slice(index, index + 2).map(check));
  for (const { name, results } of checks) {
    for (const [tool, { code, output }] of results) {
      if (code === 0) {
        process.stdout.write(`ok    ${tool.padEnd(7)} @mailroom/${name}\n`);
      } else {
        failed += 1;
        process.stdout.write(`FAIL  ${tool.padEnd(7)} @mailroom/${name}\n${output}\n`);
      }
    }
  }
}
if (failed > 0) {
  process.stdout.write(`${failed} check(s) failed\n`);
  process.exitCode = 1;
}
