import { type Command, InvalidArgumentError, Option } from 'commander';
import { wholeNumber as integer } from '../options/whole-number.js';
import { runStress, type StressReport } from './stress-run.js';

function probability(value: string): number {
  const number = Number(value);
  if (!Number.isFinite(number) || number < 0 || number > 1) throw new InvalidArgumentError('must be a probability from 0 to 1.');
  return number;
}

function latency(value: string): string {
  if (!/^\d+(\.\d+)?(-\d+(\.\d+)?)?$/.test(value)) throw new InvalidArgumentError('must be milliseconds (5) or a range (1-20).');
  return value;
}

const triple = (figures: { p50: number; p95: number; p99: number }) => `${figures.p50} / ${figures.p95} / ${figures.p99}`;

/** The human-readable form of a report: latency is queue wait plus delivery, each also shown alone. */
export function formatReport(report: StressReport): string {
  const rows: [string, string | number][] = [
    ['manager', report.manager],
    ['messages', report.messages],
    ['delivered', report.delivered],
    ['failed', report.failed],
    ['retries', report.retries],
    ['transports created', report.transportsCreated],
    ['seconds', report.seconds],
    ['messages per second', report.messagesPerSecond],
    ['latency p50 / p95 / p99 (ms)', triple(report.latencyMs)],
    ['  queue wait p50 / p95 / p99 (ms)', triple(report.queueWaitMs)],
    ['  delivery p50 / p95 / p99 (ms)', triple(report.deliveryMs)],
  ];
  const width = Math.max(...rows.map(([label]) => label.length));
  return rows.map(([label, value]) => `${label.padEnd(width)}  ${value}`).join('\n');
}

/** Registers `mailroom stress`. */
export function registerStress(program: Command): void {
  program
    .command('stress')
    .description('Deliver many messages through a manager to the mock transport and report throughput, latency, retries and failures')
    .addOption(new Option('--manager <name>', 'delivery manager').choices(['immediate', 'futures', 'dynamic']).default('dynamic'))
    .option('--workers <n>', 'workers (futures, dynamic)', integer('--workers', 1))
    .option('--messages <n>', 'messages to deliver', integer('--messages', 1), 10_000)
    .option('--failure <p>', 'probability of a transport failure per attempt', probability, 0)
    .option('--exhaustion <p>', 'probability of transport exhaustion per delivery', probability, 0)
    .option('--latency <ms>', 'delivery latency in ms, fixed (5) or a range (1-20)', latency, '0')
    .option('--seed <n>', 'seed for reproducible runs', integer('--seed', 0))
    .option('--divisor <n>', 'messages per worker before it retires (dynamic)', integer('--divisor', 1))
    .option('--timeout <s>', 'idle seconds before a worker retires (dynamic)', integer('--timeout', 0))
    .option('--queue <n>', 'queue bound (futures, dynamic)', integer('--queue', 1))
    .option('--retries <n>', 'retries per message after a transport failure', integer('--retries', 0))
    .option('--json', 'print the report as one JSON object on the last line of stdout')
    .action(async (options: Parameters<typeof runStress>[0] & { json?: boolean }) => {
      const report = await runStress(options);
      process.stdout.write(options.json ? `${JSON.stringify(report)}\n` : `${formatReport(report)}\n`);
      if (report.delivered + report.failed !== report.messages) process.exitCode = 1;
    });
}
