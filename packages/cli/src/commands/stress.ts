import type { Command } from 'commander';

/** Registers `mailroom stress`. */
export function registerStress(program: Command): void {
  program.command('stress').description('Stress a delivery manager against the mock transport');
}
