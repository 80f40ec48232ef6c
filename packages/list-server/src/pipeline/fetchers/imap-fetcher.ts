import { MailError } from '@mailroom/core';
import type { ImapFlow } from 'imapflow';
import { type Fetched, type Fetcher, NothingMore } from '../types.js';

/** Where the IMAP fetcher reads, and how it marks what it has distributed. */
export interface ImapFetcherOptions {
  host: string;
  /** @default 993 with `secure`, else 143 */
  port?: number;
  /** TLS from the first byte (IMAPS). Without it, STARTTLS is used when the server offers it. @default false */
  secure?: boolean;
  auth: { user: string; pass: string };
  /** The mailbox to read. @default 'INBOX' */
  mailbox?: string;
  /** The flag set on a message once it was distributed; messages with it are not fetched. @default '\\Seen' */
  flag?: string;
  /** Move a distributed message to this mailbox instead of flagging it (every message in `mailbox` is then fetched). */
  moveTo?: string;
  /** Mailboxes for what is set aside: `${asidePrefix}failed`, `${asidePrefix}broken` ... (created when missing). @default 'Mailroom-' */
  asidePrefix?: string;
  /** TLS options passed to imapflow (e.g. `{ rejectUnauthorized: false }` for a test server). */
  tls?: Record<string, unknown>;
}

/** The keyword that counts failed attempts on a message: `$MailroomTry3`. */
const TRY = /^\$MailroomTry(\d+)$/;

async function connect(options: ImapFetcherOptions): Promise<ImapFlow> {
  let ImapFlowClass: typeof ImapFlow;
  try {
    ({ ImapFlow: ImapFlowClass } = await import('imapflow'));
  } catch (error) {
    throw new MailError('ECONFIG', 'The IMAP fetcher needs the package imapflow: npm install imapflow', { cause: error });
  }
  const client = new ImapFlowClass({
    host: options.host,
    port: options.port ?? (options.secure ? 993 : 143),
    secure: options.secure ?? false,
    auth: options.auth,
    logger: false,
    disableAutoIdle: true,
    ...(options.tls && { tls: options.tls }),
  });
  client.on('error', () => {}); // a dropped connection surfaces as the next command's error
  await client.connect();
  return client;
}

/**
 * Fetches the messages of an IMAP mailbox (imapflow), oldest first: those without `flag`
 * (or all, with `moveTo`). A message is flagged (or moved) only by `ack`, once it was
 * distributed; a failure leaves it where it was, unflagged, with its attempts counted in a
 * `$MailroomTryN` keyword, so the next run fetches it again; `setAside` moves it to
 * `${asidePrefix}failed` (or `broken`, `held` ...). The connection is closed when the run
 * ends (NothingMore or an error).
 * @throws {NothingMore} when every message of the run was handed out.
 */
export function imapFetcher(options: ImapFetcherOptions): Fetcher {
  const mailbox = options.mailbox ?? 'INBOX';
  const flag = options.flag ?? '\\Seen';
  const prefix = options.asidePrefix ?? 'Mailroom-';
  let client: ImapFlow | undefined;
  let queue: number[] | undefined;
  const close = async () => {
    const open = client;
    client = undefined;
    await open?.logout().catch(() => open.close());
  };
  const moveTo = async (uid: number, target: string) => {
    const open = client as ImapFlow;
    if (!(await open.list()).some((folder) => folder.path === target)) await open.mailboxCreate(target).catch(() => {});
    await open.messageMove(String(uid), target, { uid: true });
  };
  return {
    async fetch(): Promise<Fetched> {
      try {
        if (!client) {
          client = await connect(options);
          await client.mailboxOpen(mailbox);
          const query = options.moveTo ? { all: true } : flag === '\\Seen' ? { seen: false } : { unKeyword: flag };
          queue = ((await client.search(query, { uid: true })) || []).sort((a, b) => a - b);
        }
        const open = client;
        const uid = queue?.shift();
        if (uid === undefined) {
          await close();
          throw new NothingMore();
        }
        const message = await open.fetchOne(String(uid), { source: true, flags: true }, { uid: true });
        if (message === false || message === undefined || message.source === undefined) return this.fetch(); // expunged meanwhile
        const tries = [...(message.flags ?? [])].map((name) => TRY.exec(name)).find((match) => match !== null);
        const attempts = tries ? Number(tries[1]) : 0;
        return {
          id: `${mailbox}:${uid}`,
          raw: message.source,
          attempts,
          async ack() {
            if (options.moveTo) await moveTo(uid, options.moveTo);
            else await open.messageFlagsAdd(String(uid), [flag], { uid: true });
          },
          async retry(_delayMs, _error) {
            // IMAP has no "not before": the next run tries again. The count lives on the message itself.
            if (tries) await open.messageFlagsRemove(String(uid), [tries[0]], { uid: true });
            await open.messageFlagsAdd(String(uid), [`$MailroomTry${attempts + 1}`], { uid: true });
          },
          async setAside(folder) {
            await moveTo(uid, `${prefix}${folder}`);
          },
        };
      } catch (error) {
        if (!(error instanceof NothingMore)) await close();
        throw error;
      }
    },
  };
}
