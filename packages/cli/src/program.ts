import { Command } from 'commander';
import { registerDemo } from './commands/demo.js';
import { registerSend } from './commands/send.js';
import { registerStress } from './commands/stress.js';
import { registerWorker } from './commands/worker.js';

/**
 * The `mailroom` command. Each subcommand lives in `commands/<name>.ts` and
 * registers itself here.
 */
export function createProgram(): Command {
  const program = new Command('mailroom')
    .description('Mailroom: send mail, stress-test delivery managers, run lists')
    .version('0.1.0')
    .showHelpAfterError();
  registerSend(program);
  registerStress(program);
  registerDemo(program);
  registerWorker(program);
  return program;
}
