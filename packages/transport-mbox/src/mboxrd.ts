const LF = 0x0a;
const GREATER = 0x3e;
const FROM = Buffer.from('From ');
const DAYS = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'];
const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

const two = (value: number) => String(value).padStart(2, '0');

/** A date in C's asctime form, in UTC: `Thu Jan  1 00:00:00 2026`. */
export function asctime(date: Date): string {
  const day = String(date.getUTCDate()).padStart(2, ' ');
  const time = `${two(date.getUTCHours())}:${two(date.getUTCMinutes())}:${two(date.getUTCSeconds())}`;
  return `${DAYS[date.getUTCDay()]} ${MONTHS[date.getUTCMonth()]} ${day} ${time} ${date.getUTCFullYear()}`;
}

/**
 * The separator line `From <sender> <asctime date>`. The sender is one
 * word (whitespace, which only a quoted local part could hold, becomes `_`);
 * an empty sender is written `MAILER-DAEMON`, as MTAs do for bounces.
 */
export function separatorLine(sender: string, date: Date): string {
  const word = sender.replace(/[\s\x00-\x1f\x7f]/g, '_') || 'MAILER-DAEMON';
  return `From ${word} ${asctime(date)}\n`;
}

/** The data with every CRLF turned into LF (a lone CR is kept); the same Buffer when there is none. */
export function toUnixLineEndings(data: Buffer): Buffer {
  // latin1 maps each byte to one character and back, so this is byte-exact (and faster than copying line by line).
  const text = data.toString('latin1');
  return text.includes('\r\n') ? Buffer.from(text.replaceAll('\r\n', '\n'), 'latin1') : data;
}

/** The last separator line made: consecutive messages from one sender within a second share it. */
let lastSeparator = { sender: '', second: Number.NaN, bytes: Buffer.alloc(0) };

function separatorBytes(sender: string, date: Date): Buffer {
  const second = Math.floor(date.getTime() / 1000);
  if (lastSeparator.second !== second || lastSeparator.sender !== sender) {
    lastSeparator = { sender, second, bytes: Buffer.from(separatorLine(sender, date), 'latin1') };
  }
  return lastSeparator.bytes;
}

/** Positions where a `>` must be inserted: the start of every line matching `^>*From `. */
function quotePositions(data: Buffer): number[] {
  const positions: number[] = [];
  for (let at = data.indexOf(FROM); at !== -1; at = data.indexOf(FROM, at + 1)) {
    let start = at;
    while (start > 0 && data[start - 1] === GREATER) start -= 1;
    if (start === 0 || data[start - 1] === LF) positions.push(start);
  }
  return positions;
}

/**
 * One mboxrd entry: the separator line, the message with LF line ends and
 * every line matching `^>*From ` quoted with one more `>` (so a reader
 * removes exactly one and gets the message back), a final line end, and the
 * blank line that ends an entry.
 */
export function mboxrdEntry(message: Buffer, sender: string, date: Date): Buffer {
  const data = toUnixLineEndings(message);
  const parts: Buffer[] = [separatorBytes(sender, date)];
  let read = 0;
  for (const position of quotePositions(data)) {
    parts.push(data.subarray(read, position), Buffer.from('>'));
    read = position;
  }
  parts.push(data.subarray(read));
  parts.push(Buffer.from(data.length > 0 && data[data.length - 1] === LF ? '\n' : '\n\n'));
  return Buffer.concat(parts);
}
