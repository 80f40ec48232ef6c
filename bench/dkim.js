// DKIM: a 20,000-member list post (one-click unsubscribe, so one delivery per member, each
// with its own List-Unsubscribe) through postToList, the Dynamic manager (4 workers) and the
// mock transport (latency 0, no outbox), unsigned, signed with Ed25519 and signed with RSA
// 2048, in one process: rounds alternate the order, the figures are medians. The body is
// hashed once per post; each member costs a header hash and a signature.
// Before timing, one signed delivery of each kind is checked by mailauth's dkimVerify.
//
// Prints one line per round and, last, one JSON line:
// {"bench":"dkim","members":20000,"perSecond":{...},"cpuMicros":{...},"ratios":{"ed25519":R1,"rsa":R2}}
// (ratios: the median signed rate over the median unsigned rate).
// Env: BENCH_MEMBERS (20000), BENCH_ROUNDS (5).
import { generateKeyPairSync } from 'node:crypto';
import { Mailer } from '@mailroom/core';
import { createMemoryStore, postToList } from '@mailroom/lists';
import mock from '@mailroom/transport-mock';
import { dkimVerify } from 'mailauth/lib/dkim/verify.js';

const MEMBERS = Number(process.env.BENCH_MEMBERS ?? 20_000);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 5);
const LIST = 'news@lists.example.org';

const paragraph = 'Hello list, this is the news of the week, with a few lines of text to read. ';
const TEXT = `${paragraph.repeat(12)}\r\n`;
/** The post: ~2 KB, text and HTML, as a member would send it. */
const POST = [
  'From: Poster <poster@example.com>',
  `To: ${LIST}`,
  'Subject: News of the week',
  'Message-ID: <bench-dkim@example.com>',
  'Date: Tue, 01 Dec 2026 12:00:00 +0000',
  'MIME-Version: 1.0',
  'Content-Type: multipart/alternative; boundary="b1"',
  '',
  '--b1',
  'Content-Type: text/plain; charset=utf-8',
  '',
  TEXT,
  '--b1',
  'Content-Type: text/html; charset=utf-8',
  '',
  `<p>${TEXT}</p>`,
  '--b1--',
  '',
].join('\r\n');

function key(type) {
  const pair = type === 'rsa' ? generateKeyPairSync('rsa', { modulusLength: 2048 }) : generateKeyPairSync('ed25519');
  const spki = pair.publicKey.export({ type: 'spki', format: 'der' });
  const p = type === 'rsa' ? spki.toString('base64') : spki.subarray(-32).toString('base64');
  return { pem: pair.privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(), record: `v=DKIM1; k=${type}; p=${p}` };
}

const keys = { ed25519: key('ed25519'), rsa: key('rsa') };
const records = {
  'ed._domainkey.lists.example.org': keys.ed25519.record,
  'rsa._domainkey.lists.example.org': keys.rsa.record,
};
const dkimOf = {
  unsigned: undefined,
  ed25519: { domain: 'lists.example.org', selector: 'ed', key: keys.ed25519.pem },
  rsa: { domain: 'lists.example.org', selector: 'rsa', key: keys.rsa.pem },
};

async function storeWith(count) {
  const store = createMemoryStore();
  await store.createList({
    address: LIST,
    name: 'News',
    unsubscribeUrl: 'https://lists.example.org/unsubscribe',
    secret: 'bench-secret-bench-secret',
  });
  await store.addMembers(
    LIST,
    Array.from({ length: count }, (_, index) => ({ address: `member${index}@example${index % 100}.org` })),
  );
  return store;
}

/** One post to every member; returns deliveries per second. */
async function post(store, name, transport = { use: mock, outbox: false, latency: 0 }) {
  const dkim = dkimOf[name];
  const mailer = await new Mailer({
    manager: { use: 'dynamic', workers: 4, divisor: 1_000_000_000 },
    transport,
    ...(dkim && { dkim }),
  }).start();
  const started = performance.now();
  const cpu = process.cpuUsage();
  const handle = await postToList({ store, mailer, list: LIST, message: POST });
  const report = await handle.done;
  const seconds = (performance.now() - started) / 1000;
  const used = process.cpuUsage(cpu);
  await mailer.stop();
  if (report.state !== 'finished' || report.failed > 0) throw new Error(`the ${name} post ended ${report.state}`);
  // CPU of the whole process, the thread pool's signing threads included.
  const cpuMicros = (used.user + used.system) / report.sent;
  return { rate: Math.round(report.sent / seconds), seconds, sent: report.sent, cpuMicros };
}

/** Two signed deliveries of each kind, captured as sent and checked by the independent verifier. */
async function check() {
  const store = await storeWith(2);
  for (const name of ['ed25519', 'rsa']) {
    const seen = [];
    const capture = {
      name: 'capture',
      parseOptions: () => ({}),
      create: () => ({
        async startup() {},
        async shutdown() {},
        async deliver(message) {
          seen.push(await message.toBuffer());
        },
      }),
    };
    await post(store, name, { use: capture });
    for (const bytes of seen) {
      const { results } = await dkimVerify(bytes, { resolver: async (host) => [[records[host]]] });
      const [first] = results;
      if (results.length !== 1 || first.status.result !== 'pass') throw new Error(`${name}: ${JSON.stringify(first?.status)}`);
      if (!/list-unsubscribe-post/i.test(first.signingHeaders.keys)) throw new Error(`${name}: h= lacks List-Unsubscribe-Post`);
    }
  }
  console.log('check: every signed delivery of a 2-member post verifies (mailauth), h= covers List-Unsubscribe-Post');
}

function median(values, digits = 0) {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  const value = sorted.length % 2 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
  return Number(value.toFixed(digits));
}

await check();
const store = await storeWith(MEMBERS);
const names = ['unsigned', 'ed25519', 'rsa'];
for (const name of names) await post(store, name); // warm-up, not counted
const rates = { unsigned: [], ed25519: [], rsa: [] };
const cpu = { unsigned: [], ed25519: [], rsa: [] };
const paired = { ed25519: [], rsa: [] };
for (let round = 1; round <= ROUNDS; round += 1) {
  // Each round starts with another of the three, so none always runs on a warmer or cooler machine.
  const order = names.map((_, index) => names[(index + round) % names.length]);
  const line = [];
  for (const name of order) {
    const result = await post(store, name);
    rates[name].push(result.rate);
    cpu[name].push(result.cpuMicros);
    line.push(`${name} ${result.rate}/s (${result.cpuMicros.toFixed(0)} µs CPU each)`);
  }
  for (const name of ['ed25519', 'rsa']) paired[name].push(rates[name].at(-1) / rates.unsigned.at(-1));
  console.log(`round ${round}: ${line.join(', ')}`);
}
const perSecond = Object.fromEntries(names.map((name) => [name, median(rates[name])]));
const ratio = (name) => Number((perSecond[name] / perSecond.unsigned).toFixed(2));
const cpuMicros = Object.fromEntries(names.map((name) => [name, median(cpu[name], 1)]));
console.log(
  `medians (${ROUNDS} rounds, ${MEMBERS} members): unsigned ${perSecond.unsigned}/s, ed25519 ${perSecond.ed25519}/s, ` +
    `rsa-sha256 ${perSecond.rsa}/s; CPU per delivery ${cpuMicros.unsigned} / ${cpuMicros.ed25519} / ${cpuMicros.rsa} µs; ` +
    `median of each round's own ratio: ed25519 ${median(paired.ed25519, 2)}, rsa ${median(paired.rsa, 2)}`,
);
console.log(
  JSON.stringify({ bench: 'dkim', members: MEMBERS, perSecond, cpuMicros, ratios: { ed25519: ratio('ed25519'), rsa: ratio('rsa') } }),
);
