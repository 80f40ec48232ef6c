// Expansion alone, single process: a post prepared once, then expanded into
// deliveries for N generated members in pages of 1,000 (as a store streams
// them), with the Message objects dropped after each page. No transport, no
// Mailer: this isolates the cost the list layer adds per member.
// Usage: node bench/lists-expand.js [members=1000000]
// Prints one JSON line per configuration.
import { deliveriesFor, parseList, preparePost } from '@mailroom/lists';

const members = Number(process.argv[2] ?? 1_000_000);
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
  console.log(
    JSON.stringify({
      bench: 'lists-expand',
      configuration: name,
      members: count,
      seconds: Number(seconds.toFixed(3)),
      deliveriesPerSecond: Math.round(deliveries / seconds),
      firstPageBytes: bytes,
      peakRssMB: Math.round(process.resourceUsage().maxRSS / 1024),
    }),
  );
}
