// A small local stand-in for SendGrid's v3 send API, enough for the example:
// it checks the Bearer key and the basic shape of each request, answers 202
// with an X-Message-Id, and keeps what it accepted. The stand-in that checks
// every documented payload rule lives with the tests
// (packages/transport-sendgrid/test/sendgrid-server.ts).
import { randomBytes } from 'node:crypto';
import { createServer } from 'node:http';

/**
 * @typedef {{ email: string, name?: string }} Mailbox
 * @typedef {{ to: Mailbox[], cc?: Mailbox[], bcc?: Mailbox[], headers?: Record<string, string> }} Personalization
 * @typedef {{ from: Mailbox, subject?: string, personalizations: Personalization[], attachments?: { filename: string, disposition?: string }[], categories?: string[] }} MailBody
 */

/** Starts the stand-in on a free loopback port. */
export async function startLocalSendGrid() {
  const key = 'SG.local-example-key';
  /** @type {{ id: string, body: MailBody }[]} */
  const accepted = [];
  const server = createServer(async (request, response) => {
    const chunks = [];
    for await (const chunk of request) chunks.push(chunk);
    /** @param {number} status @param {string} message @param {string | null} field */
    const refuse = (status, message, field = null) => {
      response.writeHead(status, { 'content-type': 'application/json' });
      response.end(JSON.stringify({ errors: [{ message, field, help: null }] }));
    };
    if (request.method !== 'POST' || request.url !== '/v3/mail/send') return refuse(404, 'not found');
    if (request.headers.authorization !== `Bearer ${key}`)
      return refuse(401, 'The provided authorization grant is invalid, expired, or revoked');
    /** @type {MailBody} */
    let body;
    try {
      body = JSON.parse(Buffer.concat(chunks).toString('utf8'));
    } catch {
      return refuse(400, 'Bad Request');
    }
    if (!body.personalizations?.length || body.personalizations.some((item) => !item.to?.length)) {
      return refuse(400, 'The to array is required for all personalization objects.', 'personalizations');
    }
    if (!body.from?.email) return refuse(400, 'The from object must be provided for every email send.', 'from');
    if (!body.subject) return refuse(400, 'The subject is required.', 'subject');
    const id = randomBytes(16).toString('base64url').slice(0, 22);
    accepted.push({ id, body });
    response.writeHead(202, { 'x-message-id': id });
    response.end();
  });
  await new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve(undefined)));
  const { port } = /** @type {import('node:net').AddressInfo} */ (server.address());
  return {
    key,
    url: `http://127.0.0.1:${port}`,
    accepted,
    close: () => new Promise((resolve) => server.close(resolve)),
  };
}
