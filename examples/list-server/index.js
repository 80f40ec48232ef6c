// Runs the list server from server.json (what `mailroom serve --config server.json` does),
// adds two members to red@lists.example.org, and stops on SIGTERM or Ctrl-C, draining.
// Run from the repository root after `npm run build`: node examples/list-server/index.js
// Then post: swaks --server 127.0.0.1:2525 --from alice@example.com --to red@lists.example.org
import { readFile } from 'node:fs/promises';
import { ListServer } from '@mailroom/list-server';
import { openStore } from '@mailroom/lists';

const config = JSON.parse(await readFile(new URL('./server.json', import.meta.url), 'utf8'));
const server = new ListServer(config);
const { smtp, http } = await server.start();

// The server created the list from the configuration; members are managed in the store
// (here directly, usually with `mailroom lists add red@lists.example.org alice@example.com`).
const store = await openStore(config.store);
await store.addMembers('red@lists.example.org', [{ address: 'alice@example.com' }, { address: 'bob@example.net' }]);
await store.close();

console.log(`SMTP on 127.0.0.1:${smtp}, one-click unsubscribe on http://127.0.0.1:${http}/u`);
for (const signal of ['SIGTERM', 'SIGINT']) process.once(signal, () => void server.stop());
