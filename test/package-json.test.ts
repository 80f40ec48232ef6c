import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { describe, expect, it } from 'vitest';

const root = join(import.meta.dirname, '..');
const read = (path: string) => JSON.parse(readFileSync(path, 'utf8'));
const folders = (parent: string) =>
  readdirSync(join(root, parent))
    .filter((name) => existsSync(join(root, parent, name, 'package.json')))
    .map((name) => `${parent}/${name}`);
const manifests = ['.', ...folders('packages'), ...folders('examples')].map((folder) => ({
  folder,
  json: read(join(root, folder, 'package.json')),
}));
const workspacePackages = manifests.filter(({ folder }) => folder.startsWith('packages/'));
/** Private packages (our own test helpers) are never published. */
const published = workspacePackages.filter(({ json }) => json.private !== true);

/** Programs a script may call that are not in node_modules/.bin. */
const SYSTEM = new Set(['node', 'npm', 'npx', 'chmod', 'rm', 'mkdir', 'cp', 'bash', 'sh', 'echo', 'true', 'cd', 'test']);

/** The file and folder paths a script names, the programs it calls, and the `npm run` scripts it runs. */
function referencesOf(script: string): { paths: string[]; programs: string[]; runs: string[] } {
  const paths: string[] = [];
  const programs: string[] = [];
  const runs: string[] = [];
  for (const command of script.split(/&&|\|\||;|\|/)) {
    const words = command
      .trim()
      .split(/\s+/)
      .filter((word) => !/^[A-Z_]+=/.test(word)); // environment assignments
    if (words.length === 0) continue;
    programs.push(words[0] as string);
    if (words[0] === 'npm' && words[1] === 'run' && words[2]) runs.push(words[2]);
    for (const [index, word] of words.entries()) {
      const previous = words[index - 1];
      if (index === 0 || word.startsWith('-')) continue;
      if (previous === '-p' || previous === '--project' || /[/]|\.(js|mjs|cjs|ts|json|sh)$/.test(word)) paths.push(word);
    }
  }
  return { paths, programs, runs };
}

describe('every package.json script runs', () => {
  const scripts = manifests.flatMap(({ folder, json }) =>
    Object.entries((json.scripts ?? {}) as Record<string, string>).map(([name, script]) => ({ folder, name, script, json })),
  );
  it.each(scripts)('$folder: $name', ({ folder, script, json }) => {
    const { paths, programs, runs } = referencesOf(script);
    for (const path of paths) expect(existsSync(join(root, folder, path)), `${script}: ${path} does not exist`).toBe(true);
    for (const program of programs) {
      const installed = [folder, '.'].some((base) => existsSync(join(root, base, 'node_modules', '.bin', program)));
      expect(SYSTEM.has(program) || installed, `${script}: ${program} is not installed`).toBe(true);
    }
    for (const run of runs) expect(Object.keys(json.scripts), `${script}: npm run ${run}`).toContain(run);
  });

  it('finds what a script names (the check can fail)', () => {
    expect(referencesOf('npm run build && TURBO=1 node bench/run-all.js --fast')).toEqual({
      paths: ['bench/run-all.js'],
      programs: ['npm', 'node'],
      runs: ['build'],
    });
    expect(referencesOf('tsc -p examples').paths).toEqual(['examples']);
  });
});

describe('turbo runs only tasks some package defines', () => {
  it.each(Object.keys(read(join(root, 'turbo.json')).tasks))('%s', (task) => {
    expect(workspacePackages.some(({ json }) => json.scripts?.[task] !== undefined)).toBe(true);
  });
});

describe('tests are type-checked (tsconfig.test.json)', () => {
  const config = read(join(root, 'tsconfig.test.json'));
  const references = (file: string) => (read(join(root, file)).references as { path: string }[]).map(({ path }) => path);

  it('includes every test folder of the tree', () => {
    const testFolders = ['.', ...workspacePackages.map(({ folder }) => folder), ...folders('examples')]
      .filter((folder) => existsSync(join(root, folder, 'test')))
      .map((folder) => join(folder, 'test'));
    expect(testFolders.length).toBeGreaterThan(10);
    for (const folder of testFolders) {
      // packages/cli/test -> packages/*/test/**/*.ts; test -> test/**/*.ts
      const glob = `${folder.replace(/^(packages|examples)\/[^/]+\//, '$1/*/')}/**/*.ts`;
      expect(config.include, `${folder} is not type-checked`).toContain(glob);
    }
  });

  it('references every project the root tsconfig.json builds, so a test sees its package built', () => {
    expect(references('tsconfig.test.json').sort()).toEqual(references('tsconfig.json').sort());
  });
});

describe('packages are ready to publish', () => {
  const version = read(join(root, 'packages/core/package.json')).version;

  it.each(published)('$folder: exports, files, README and CHANGELOG', ({ folder, json }) => {
    expect(json.version).toBe(version);
    expect(json.type).toBe('module');
    expect(json.engines?.node).toBe('>=20.19');
    expect(json.exports['./package.json']).toBe('./package.json');
    expect(Object.keys(json.exports['.'])[0]).toBe('types');
    for (const file of ['README.md', 'CHANGELOG.md']) {
      expect(json.files).toContain(file);
      expect(existsSync(join(root, folder, file)), `${folder}/${file}`).toBe(true);
    }
    expect(readFileSync(join(root, folder, 'CHANGELOG.md'), 'utf8')).toMatch(new RegExp(`^# ${json.name}\\n\\n## ${version}\\n`));
    for (const target of Object.values((json.bin ?? {}) as Record<string, string>)) {
      // A bin must exist before the build, or npm does not link it on a fresh clone.
      expect(target.startsWith('dist/') || target.startsWith('./dist/'), `${target} is built`).toBe(false);
      expect(existsSync(join(root, folder, target))).toBe(true);
      expect(json.files).toContain(dirname(target));
    }
  });

  it.each(published)('$folder: asks for our packages at the version they have', ({ json }) => {
    for (const field of ['dependencies', 'peerDependencies'] as const) {
      for (const [name, range] of Object.entries((json[field] ?? {}) as Record<string, string>)) {
        if (name.startsWith('@mailroom/')) expect(range, `${field}.${name}`).toBe(`^${version}`);
      }
    }
    for (const [name, range] of Object.entries((json.devDependencies ?? {}) as Record<string, string>)) {
      if (name.startsWith('@mailroom/')) expect(range, `devDependencies.${name}`).toBe('*');
    }
    // A transport or list package takes the application's core, never a copy of its own.
    if (json.name !== '@mailroom/core' && json.name !== '@mailroom/cli') {
      expect(json.dependencies?.['@mailroom/core']).toBeUndefined();
      expect(json.peerDependencies?.['@mailroom/core']).toBe(`^${version}`);
    }
  });

  it('versions them together with changesets', () => {
    const config = read(join(root, '.changeset/config.json'));
    expect(config.fixed).toEqual([['@mailroom/*']]);
    expect(config.access).toBe('public');
  });
});
