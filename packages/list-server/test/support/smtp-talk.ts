import { connect, type Socket } from 'node:net';

/** A raw SMTP client for tests: sends lines and reads whole replies (multi-line aware). */
export interface SmtpTalk {
  /** Sends one command and resolves with the reply (code and the last line's text). */
  send(line: string): Promise<{ code: number; text: string }>;
  /** Sends the DATA body (dot-stuffed by the caller) and the final dot. */
  data(body: string): Promise<{ code: number; text: string }>;
  close(): void;
}

/** Connects to host:port and reads the greeting. */
export async function talk(port: number, host = '127.0.0.1'): Promise<SmtpTalk & { greeting: { code: number; text: string } }> {
  const socket: Socket = connect(port, host);
  socket.setEncoding('utf8');
  let buffer = '';
  let waiting: ((reply: { code: number; text: string }) => void) | undefined;
  const replies: { code: number; text: string }[] = [];
  socket.on('data', (chunk: string) => {
    buffer += chunk;
    for (;;) {
      const match = /^(\d{3})([ -])(.*)\r\n/m.exec(buffer);
      if (!match) break;
      buffer = buffer.slice(match.index + match[0].length);
      if (match[2] === '-') continue;
      const reply = { code: Number(match[1]), text: match[3] as string };
      if (waiting) {
        const wake = waiting;
        waiting = undefined;
        wake(reply);
      } else replies.push(reply);
    }
  });
  const next = () =>
    new Promise<{ code: number; text: string }>((resolve, reject) => {
      const queued = replies.shift();
      if (queued) resolve(queued);
      else {
        waiting = resolve;
        socket.once('error', reject);
      }
    });
  const greeting = await next();
  return {
    greeting,
    send(line) {
      socket.write(`${line}\r\n`);
      return next();
    },
    data(body) {
      socket.write(`${body.replace(/\r?\n/g, '\r\n')}\r\n.\r\n`);
      return next();
    },
    close() {
      socket.destroy();
    },
  };
}
