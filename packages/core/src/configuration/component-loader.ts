import { createRequire } from 'node:module';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { MailConfigurationError } from '../errors/configuration-error.js';

/** Built-in names and the package that provides each. */
export const TRANSPORT_PACKAGES: Readonly<Record<string, string>> = {
  smtp: '@mailroom/transport-smtp',
  ses: '@mailroom/transport-ses',
  amazon: '@mailroom/transport-ses',
  sendgrid: '@mailroom/transport-sendgrid',
  sendmail: '@mailroom/transport-sendmail',
  maildir: '@mailroom/transport-maildir',
  mbox: '@mailroom/transport-mbox',
  imap: '@mailroom/transport-imap',
  log: '@mailroom/transport-log',
  logging: '@mailroom/transport-log',
  mock: '@mailroom/transport-mock',
};

/** Managers that live outside the core. */
export const MANAGER_PACKAGES: Readonly<Record<string, string>> = {
  bullmq: '@mailroom/manager-bullmq',
};

/** A component definition: anything with a name, parseOptions and create. */
export interface Definition {
  readonly name: string;
  readonly aliases?: readonly string[];
  parseOptions(section: Record<string, unknown>, prefix?: string): unknown;
  create(...args: never[]): unknown;
}

/** True when `value` has the shape of a transport or manager definition. */
export function isDefinition(value: unknown): value is Definition {
  const candidate = value as Partial<Definition> | null;
  return (
    typeof candidate === 'object' &&
    candidate !== null &&
    typeof candidate.create === 'function' &&
    typeof candidate.parseOptions === 'function' &&
    typeof candidate.name === 'string'
  );
}

/** True when `error` says `specifier` itself could not be found (not a module it imports failing). */
export function isMissing(error: unknown, specifier: string): boolean {
  const code = (error as { code?: string }).code;
  return (code === 'ERR_MODULE_NOT_FOUND' || code === 'MODULE_NOT_FOUND') && String((error as Error).message).includes(specifier);
}

/** Imports a package from the core's folder, else from the application's (the current directory). */
export async function importPackage(specifier: string): Promise<unknown> {
  try {
    return await import(specifier);
  } catch (error) {
    if (!isMissing(error, specifier)) throw error;
    // Not reachable from the core's own folder: try from the application's.
    const resolved = createRequire(join(process.cwd(), 'package.json')).resolve(specifier);
    return import(pathToFileURL(resolved).href);
  }
}

/**
 * Finds the definition named by a `use` value: a definition object, a
 * built-in name, or a package name whose default export is a definition.
 * @param key - the full dotted key, for errors (for example `transport.use`).
 * @throws {MailConfigurationError} when the name is unknown or its package is not installed.
 */
export async function loadDefinition<T extends Definition>(
  use: unknown,
  key: string,
  builtIn: Readonly<Record<string, T>>,
  packages: Readonly<Record<string, string>>,
): Promise<T> {
  if (isDefinition(use)) return use as T;
  if (typeof use !== 'string' || use.trim() === '') {
    throw new MailConfigurationError(key, use === undefined ? 'missing' : 'invalid value', {
      expected: `one of ${[...Object.keys(builtIn), ...Object.keys(packages)].join(', ')}, a package name, or a definition object`,
      received: use === undefined ? 'nothing' : typeof use,
    });
  }
  const name = use.trim();
  const local = builtIn[name];
  if (local) return local;
  const specifier = packages[name] ?? name;
  let module: { default?: unknown };
  try {
    module = (await importPackage(specifier)) as { default?: unknown };
  } catch (cause) {
    if (!isMissing(cause, specifier)) throw cause;
    throw new MailConfigurationError(key, `"${name}" needs the package ${specifier}, which is not installed`, {
      expected: `run: npm install ${specifier}`,
      received: JSON.stringify(name),
      cause,
    });
  }
  const definition = isDefinition(module.default) ? module.default : module;
  if (!isDefinition(definition)) {
    throw new MailConfigurationError(key, `the package ${specifier} does not export a definition`, {
      expected: 'a default export { name, parseOptions, create }',
      received: JSON.stringify(name),
    });
  }
  return definition as unknown as T;
}
