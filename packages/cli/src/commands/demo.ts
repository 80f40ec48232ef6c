import { readdir } from 'node:fs/promises';
import { resolve } from 'node:path';
import { Mailer } from '@mailroom/core';
import type { Command } from 'commander';
import { wholeNumber } from '../options/whole-number.js';
import { createProgress } from '../report/progress.js';

/** What `mailroom demo` is asked to do. */
export interface DemoOptions {
  /** Where everything goes. @default "./var" */
  dir: string;
  /** Recipients of the demo newsletter. @default 1000 */
  recipients: number;
}

/**
 * The main job on embedded defaults: a personalized newsletter with an HTML
 * part and an attachment, delivered through the Dynamic manager to a maildir
 * under `./var`, with a progress bar and a report.
 */
export async function runDemo(
  options: DemoOptions,
): Promise<{ delivered: number; failed: number; directory: string; files: number; example?: string }> {
  const directory = resolve(options.dir, 'maildir');
  const mailer = await new Mailer({
    'manager.use': 'dynamic',
    'manager.workers': 4,
    'manager.divisor': 250,
    'transport.use': 'maildir',
    'transport.directory': directory,
    'transport.create': true,
    'message.author': 'Mailroom Demo <demo@example.org>',
    'message.organization': 'Mailroom',
  }).start();
  const progress = createProgress(options.recipients, 'demo');
  const results: Promise<unknown>[] = [];
  let settled = 0;
  for (let index = 1; index <= options.recipients; index += 1) {
    const name = `Reader ${index}`;
    const message = mailer.new({
      to: { name, address: `reader${index}@example.org` },
      subject: `Mailroom weekly #${index % 52 || 52}`,
      // Bodies are functions: rendered at delivery time, as a template would be.
      plain: () => `Hello ${name},\n\nThis is your Mailroom newsletter.\n`,
      rich: async () => `<p>Hello <b>${name}</b>,</p><p>This is your Mailroom newsletter.</p>`,
    });
    message.attach('notes.txt', Buffer.from(`Notes for ${name}\n`), { contentType: 'text/plain' });
    const { result } = await mailer.submit(message);
    results.push(
      result.finally(() => {
        settled += 1;
        progress.update(settled);
      }),
    );
  }
  const outcomes = await Promise.allSettled(results);
  await mailer.stop();
  progress.stop();
  const names = (await readdir(resolve(directory, 'new'))).sort();
  return {
    delivered: outcomes.filter((outcome) => outcome.status === 'fulfilled').length,
    failed: outcomes.filter((outcome) => outcome.status === 'rejected').length,
    directory,
    files: names.length,
    ...(names[0] === undefined ? {} : { example: resolve(directory, 'new', names[0]) }),
  };
}

/** Registers `mailroom demo`. */
export function registerDemo(program: Command): void {
  program
    .command('demo')
    .description('Run the main job on embedded defaults: a newsletter delivered through the Dynamic manager to a maildir under ./var')
    .option('--dir <path>', 'where to put the maildir', './var')
    .option('--recipients <n>', 'how many recipients (a whole number, at least 1)', wholeNumber('--recipients', 1), 1000)
    .action(async (options: DemoOptions) => {
      const report = await runDemo(options);
      process.stdout.write(
        `delivered ${report.delivered}, failed ${report.failed}; ${report.files} messages now in ${report.directory}/new\n` +
          (report.example === undefined ? '' : `read one: cat '${report.example.replaceAll("'", "'\\''")}'\n`),
      );
      if (report.failed > 0) process.exitCode = 1;
    });
}
