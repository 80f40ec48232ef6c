// Expansion alone, single process: a post prepared once, then expanded into
// deliveries for N generated members in pages of 1,000 (as a store streams
// them), with the Message objects dropped after each page. No transport, no
// Mailer: this isolates the cost the list layer adds per member.
// Then the same expansion submitted to a Mailer (Dynamic manager, mock
// transport, latency 0, no outbox) side by side with a bare loop submitting
// one Message.raw per member of the same post to the same configuration.
// Usage: npm run build && node bench/lists-expand.js [members=1000000]
// Env: BENCH_MEMBERS (1000000; the argument wins).
// Prints one JSON line per configuration, then one for the Mailer comparison.
import { Mailer, Message } from '@mailroom/core';
import { deliveriesFor, parseList, preparePost } from '@mailroom/lists';
import { createMock } from '@mailroom/transport-mock';

const members = Number(process.argv[2] ?? process.env.BENCH_MEMBERS ?? 1_000_000);
const PAGE = 1000;

const html = `<html><body><p>${'Hello list, this is the news. '.repeat(60)}</p></body></html>`;
const plain = 'Hello list, this is the news. '.repeat(60).replace(/(.{70}) /g, '$1\r\n');
const post = [
  'From: Poster <poster@example.com>',
  'To: red@lists.example.org',
  'Subject: News of the week',
  'Message-ID: <bench-1@example.com>',
  'Date: Tue, 01 Dec 2026 12:00:00 +0000',
  'MIME-Version: 1.0',
  'Content-Type: multipart/alternative; boundary="b1"',
  '',
  '--b1',
  'Content-Type: text/plain; charset=utf-8',
  '',
  plain,
  '--b1',
  'Content-Type: text/html; charset=utf-8',
  '',
  html,
  '--b1--',
  '',
].join('\r\n');

const configurations = {
  'verp+unsubscribeUrl': { verp: true, unsubscribeUrl: 'https://lists.example.org/u', secret: 'bench-secret' },
  verp: { verp: true },
  batched: { verp: false },
  personalized: {
    verp: true,
    personalize: true,
    footer: 'To {name} <{address}>; leave: {unsubscribeUrl}',
    unsubscribeUrl: 'https://lists.example.org/u',
    secret: 'bench-secret',
  },
};

for (const [name, settings] of Object.entries(configurations)) {
  const list = parseList({ address: 'red@lists.example.org', name: 'Red team', prefix: '[Red] ', ...settings });
  const count = name === 'personalized' ? Math.min(members, 200_000) : members;
  const started = process.hrtime.bigint();
  const cpu = process.cpuUsage();
  const prepared = preparePost(list, post);
  let deliveries = 0;
  let bytes = 0;
  const page = [];
  for (let index = 0; index < count; index += 1) {
    page.push({ address: `member${index}@domain${index % 50}.example`, name: `Member ${index}` });
    if (page.length === PAGE || index === count - 1) {
      for (const delivery of deliveriesFor(prepared, page)) {
        deliveries += delivery.recipients.length;
        if (index < PAGE) bytes += (await delivery.message.toBuffer()).length;
      }
      page.length = 0;
    }
  }
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  const used = process.cpuUsage(cpu);
  const cpuSeconds = (used.user + used.system) / 1e6;
  console.log(
    JSON.stringify({
      bench: 'lists-expand',
      configuration: name,
      members: count,
      seconds: Number(seconds.toFixed(3)),
      deliveriesPerSecond: Math.round(deliveries / seconds),
      // Per CPU second of this process (GC threads included): steadier than wall time on a shared machine.
      deliveriesPerCpuSecond: Math.round(deliveries / cpuSeconds),
      firstPageBytes: bytes,
      peakRssMB: Math.round(process.resourceUsage().maxRSS / 1024),
    }),
  );
}

/** Submits every message `make(page)` gives, pages of 1,000, waiting for results in windows of 5,000. */
async function throughMailer(count, make) {
  const mailer = await new Mailer({ manager: { use: 'dynamic' }, transport: { use: createMock({ outbox: false }) } }).start();
  const started = process.hrtime.bigint();
  let window = [];
  for (let first = 0; first < count; first += PAGE) {
    for (const message of make(first, Math.min(PAGE, count - first))) {
      const { result } = await mailer.submit(message);
      window.push(result);
    }
    if (window.length >= 5000) {
      await Promise.all(window);
      window = [];
    }
  }
  await Promise.all(window);
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  await mailer.stop();
  return count / seconds;
}

const mailerCount = Math.min(members, 200_000);
const list = parseList({ address: 'red@lists.example.org', name: 'Red team', prefix: '[Red] ', ...configurations['verp+unsubscribeUrl'] });
const prepared = preparePost(list, post);
const address = (index) => `member${index}@domain${index % 50}.example`;
const ours = await throughMailer(mailerCount, (first, size) =>
  deliveriesFor(
    prepared,
    Array.from({ length: size }, (_, offset) => ({ address: address(first + offset) })),
  ).map((delivery) => delivery.message),
);
const raw = Buffer.from(post);
const bare = await throughMailer(mailerCount, (first, size) =>
  Array.from({ length: size }, (_, offset) =>
    Message.raw(raw, { from: 'red-bounces@lists.example.org', to: [address(first + offset)], id: 'bench-1@example.com' }),
  ),
);
console.log(
  JSON.stringify({
    bench: 'lists-expand-mailer',
    configuration: 'verp+unsubscribeUrl',
    members: mailerCount,
    deliveriesPerSecond: Math.round(ours),
    baselinePerSecond: Math.round(bare),
    ratio: Number((ours / bare).toFixed(2)),
  }),
);
