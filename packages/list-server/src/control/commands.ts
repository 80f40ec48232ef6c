import { fieldValues, readHeaders } from '../mail/headers.js';
import { mimeParts, partText } from '../mail/mime-parts.js';

/** The commands a `-request` address understands. */
export const COMMAND_NAMES = ['subscribe', 'unsubscribe', 'confirm', 'help', 'approve', 'reject', 'discard'] as const;
export type CommandName = (typeof COMMAND_NAMES)[number];

/** One command read from a control message. */
export interface ControlCommand {
  readonly name: CommandName;
  /** The words after the command (a token, a reason). */
  readonly args: readonly string[];
  /** The line as written, for the reply. */
  readonly line: string;
}

const ALIASES: Record<string, CommandName> = { join: 'subscribe', leave: 'unsubscribe', remove: 'unsubscribe' };

/** Unknown lines in the body after which reading stops (Mailman's `email_commands_max_lines` spirit). */
export const MAX_UNKNOWN_LINES = 5;

function commandOf(line: string): ControlCommand | undefined {
  const words = line.trim().split(/\s+/);
  const first = (words[0] ?? '').toLowerCase();
  const name = ALIASES[first] ?? (COMMAND_NAMES as readonly string[]).find((known) => known === first);
  return name === undefined ? undefined : { name: name as CommandName, args: words.slice(1), line: line.trim() };
}

/** A subject without its `Re:` (and `Aw:`, `Fwd:`) prefixes. */
export function bareSubject(subject: string): string {
  let text = subject.trim();
  for (;;) {
    const next = text.replace(/^(re|aw|fwd?|sv)\s*(\[\d+\])?\s*:\s*/i, '');
    if (next === text) return text;
    text = next;
  }
}

/**
 * The commands of a control message: one in the subject (`Re:` stripped), then one a line in
 * the first `text/plain` part of the body. Reading the body stops at `end`, at a signature
 * (`-- `), or after {@link MAX_UNKNOWN_LINES} lines that are not commands; blank and quoted
 * (`>`) lines do not count. A line seen twice counts once.
 */
export function readCommands(raw: Buffer): { commands: ControlCommand[]; unknown: string[] } {
  const commands: ControlCommand[] = [];
  const unknown: string[] = [];
  const seen = new Set<string>();
  const add = (command: ControlCommand) => {
    const key = command.line.toLowerCase();
    if (seen.has(key)) return;
    seen.add(key);
    commands.push(command);
  };
  const subject = bareSubject(fieldValues(readHeaders(raw), 'subject')[0] ?? '');
  const fromSubject = subject === '' ? undefined : commandOf(subject);
  if (fromSubject) add(fromSubject);
  const part = mimeParts(raw).parts.find((candidate) => candidate.type === 'text/plain');
  if (part) {
    for (const line of partText(part).split(/\r?\n/)) {
      if (line === '-- ' || /^\s*(end|stop|thanks)\s*$/i.test(line)) break;
      // Blank lines and quoted lines (a reply's quote of our notice) are neither commands nor unknown.
      if (line.trim() === '' || line.trimStart().startsWith('>')) continue;
      const command = commandOf(line);
      if (command) add(command);
      else {
        unknown.push(line.trim());
        if (unknown.length >= MAX_UNKNOWN_LINES) break;
      }
    }
  }
  return { commands, unknown };
}
