// Runs the commands the documentation tells a newcomer to type, as written, so
// that a doc that no longer works fails CI. One mode per kind of command:
//
//   node .ci/doc-commands.js quick-start  every line of the fenced sh blocks under
//                                         README.md's "Quick start", in this tree
//   node .ci/doc-commands.js npx          every `npx mailroom ...` command in README.md,
//                                         docs/, examples/ and packages/ (after a build)
//   node .ci/doc-commands.js checkout     the "from a checkout" block of docs/getting-started.md,
//                                         in a new folder, then starts a Mailer from what it installed
//
// Each command runs with bash from the repository root (checkout: from the new
// folder); the first that fails stops the run with its exit code.
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, realpathSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';

const root = join(import.meta.dirname, '..');

/** The fenced `sh` blocks of `markdown` between `heading` and the next heading of the same or a higher level. */
function shBlocks(markdown, heading) {
  const level = heading.match(/^#+/)[0].length;
  const lines = markdown.split('\n');
  const start = lines.findIndex((line) => line.trim() === heading);
  if (start < 0) throw new Error(`no heading "${heading}"`);
  const blocks = [];
  let block;
  for (const line of lines.slice(start + 1)) {
    const title = /^(#+) /.exec(line);
    if (!block && title && title[1].length <= level) break;
    if (!block && /^```sh\s*$/.test(line)) block = [];
    else if (block && /^```\s*$/.test(line)) {
      blocks.push(block);
      block = undefined;
    } else if (block) block.push(line);
  }
  return blocks;
}

/** A command line without its trailing `# comment`. */
const command = (line) => line.replace(/\s+#\s.*$/, '').trim();

function markdownFiles() {
  const files = ['README.md'];
  const walk = (folder) => {
    for (const entry of readdirSync(join(root, folder), { withFileTypes: true })) {
      if (entry.name === 'node_modules' || entry.name === 'dist') continue;
      const path = join(folder, entry.name);
      if (entry.isDirectory()) walk(path);
      else if (entry.name.endsWith('.md')) files.push(path);
    }
  };
  for (const folder of ['docs', 'examples', 'packages']) walk(folder);
  return files;
}

function run(line, cwd, env = process.env) {
  const started = performance.now();
  process.stderr.write(`\n$ ${line}\n`);
  const result = spawnSync('bash', ['-c', `set -eo pipefail; ${line}`], { cwd, env, stdio: 'inherit' });
  const seconds = ((performance.now() - started) / 1000).toFixed(1);
  if (result.status !== 0) {
    process.stderr.write(`FAILED (exit ${result.status ?? result.signal}, ${seconds} s): ${line}\n`);
    process.exit(result.status || 1);
  }
  process.stderr.write(`ok (${seconds} s)\n`);
}

/**
 * A command that runs until stopped (`mailroom serve`, `mailroom worker`): started as written,
 * it must say it is ready within 60 s, then SIGTERM must drain and stop it with exit 0.
 */
async function runService(line, cwd) {
  const started = performance.now();
  process.stderr.write(`\n$ ${line}   (a service: started, then stopped with SIGTERM)\n`);
  // npx runs node_modules/.bin/mailroom; it is called directly here because npm, given SIGTERM,
  // passes it on and then ends itself by the same signal, hiding the exit code of mailroom's drain.
  const direct = line.replace(/^npx mailroom /, 'node_modules/.bin/mailroom ');
  const child = spawn('bash', ['-c', `exec ${direct}`], { cwd, stdio: ['ignore', 'pipe', 'pipe'], detached: true });
  let output = '';
  const ready = new Promise((resolve) => {
    const look = (chunk) => {
      output += chunk;
      process.stderr.write(chunk);
      if (/started|listening|SMTP on port|waiting for jobs/i.test(output)) resolve(true);
    };
    child.stdout.on('data', look);
    child.stderr.on('data', look);
    child.on('exit', () => resolve(false));
    setTimeout(() => resolve(false), 60_000).unref();
  });
  const exited = new Promise((resolve) => child.on('exit', (code, signal) => resolve(code ?? signal)));
  const isReady = await ready;
  if (isReady) process.kill(child.pid, 'SIGTERM');
  const timer = setTimeout(() => process.kill(-child.pid, 'SIGKILL'), 30_000);
  const code = await exited;
  clearTimeout(timer);
  const seconds = ((performance.now() - started) / 1000).toFixed(1);
  if (!isReady || code !== 0) {
    process.stderr.write(`FAILED (${isReady ? `exit ${code} after SIGTERM` : 'never said it was ready'}, ${seconds} s): ${line}\n`);
    process.exit(typeof code === 'number' && code !== 0 ? code : 1);
  }
  process.stderr.write(`ok (${seconds} s)\n`);
}

const mode = process.argv[2];
if (mode === 'quick-start') {
  const lines = shBlocks(readFileSync(join(root, 'README.md'), 'utf8'), '## Quick start')
    .flat()
    .map(command)
    .filter(Boolean);
  if (lines.length === 0) throw new Error('README.md has no sh commands under "## Quick start"');
  for (const line of lines) run(line, root);
} else if (mode === 'npx') {
  const commands = new Map();
  for (const file of markdownFiles()) {
    for (const line of readFileSync(join(root, file), 'utf8').split('\n')) {
      // In a code block, or in a `code span` of the text.
      const found = [...line.matchAll(/`(npx mailroom [a-z][^`]*)`/g)].map((match) => match[1]);
      if (/^\s*npx mailroom /.test(line)) found.push(command(line));
      for (const text of found) if (!commands.has(text)) commands.set(text, file);
    }
  }
  if (commands.size === 0) throw new Error('no `npx mailroom` command found in the docs');
  for (const [text, file] of commands) {
    process.stderr.write(`\n(${file})`);
    if (/\$\{/.test(text)) {
      // A template an MTA fills in (a Postfix pipe command): nothing a newcomer types as is.
      process.stderr.write(`\nskipped, a template with \${...} for an MTA: ${text}\n`);
    } else if (/^npx mailroom (serve|worker)\b/.test(text)) await runService(text, root);
    else run(text, root);
  }
} else if (mode === 'checkout') {
  const [block] = shBlocks(readFileSync(join(root, 'docs/getting-started.md'), 'utf8'), '### Until then: from a checkout');
  if (!block) throw new Error('docs/getting-started.md has no sh block under "### Until then: from a checkout"');
  const app = realpathSync(mkdtempSync(join(tmpdir(), 'mailroom-app-')));
  try {
    for (const line of block.map(command).filter(Boolean)) run(line, app, { ...process.env, MAILROOM: root });
    // What an application does next: import the packages and start a Mailer with the SMTP transport by name.
    writeFileSync(
      join(app, 'check.mjs'),
      [
        "import { createRequire } from 'node:module';",
        "import { Mailer } from '@mailroom/core';",
        "const mailer = await new Mailer({ 'transport.use': 'smtp', 'transport.host': '127.0.0.1', 'message.author': 'a@example.org' }).start();",
        'await mailer.stop();',
        "const where = createRequire(import.meta.url).resolve('@mailroom/transport-smtp');",
        "if (!where.startsWith(process.cwd() + '/node_modules/')) throw new Error('transport-smtp resolved outside the app: ' + where);",
        "console.log('started and stopped a Mailer with @mailroom/transport-smtp from', where);",
      ].join('\n'),
    );
    run('node check.mjs', app);
  } finally {
    rmSync(app, { recursive: true, force: true });
  }
  process.stderr.write(`checkout install: ok (${relative(root, 'docs/getting-started.md')})\n`);
} else {
  process.stderr.write('usage: node .ci/doc-commands.js quick-start|npx|checkout\n');
  process.exit(2);
}
