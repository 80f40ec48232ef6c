import { Command } from 'commander';
import { registerAdmin } from './commands/admin.js';
import { registerListDemo } from './commands/list-demo.js';
import { registerLists } from './commands/lists.js';
import { registerModerate } from './commands/moderate.js';
import { registerPost } from './commands/post.js';
import { registerSend } from './commands/send.js';
import { registerServe } from './commands/serve.js';
import { registerStress } from './commands/stress.js';
import { registerSuppress } from './commands/suppress.js';
import { EXIT_HELP } from './exit-codes.js';
import { registerWorker } from './commands/worker.js';

/**
 * The `mailroom` command. Each subcommand lives in `commands/<name>.ts` and
 * registers itself here. Commander's own exits are turned into exceptions
 * (`exitOverride`), so that `bin.ts` can give usage mistakes exit code 2.
 */
export function createProgram(): Command {
  const program = new Command('mailroom')
    .description('Mailroom: send mail, stress-test delivery managers, run lists')
    .version('0.1.0')
    .exitOverride()
    .showHelpAfterError()
    .addHelpText('after', `\n${EXIT_HELP}`);
  registerSend(program);
  registerStress(program);
  registerLists(program);
  registerPost(program);
  registerServe(program);
  registerModerate(program);
  registerSuppress(program);
  registerListDemo(program);
  registerWorker(program);
  registerAdmin(program);
  return program;
}
