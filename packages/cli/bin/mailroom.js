#!/usr/bin/env node
// The committed entry point of the `mailroom` command. npm links a workspace's
// `bin` when it installs, before `tsc` has written dist/; a bin that pointed into
// dist/ would then never be linked. This file always exists and loads the build.
import { existsSync } from 'node:fs';

const built = new URL('../dist/bin.js', import.meta.url);
if (!existsSync(built)) {
  process.stderr.write('mailroom: the CLI is not built yet (no dist/bin.js); run npm run build first\n');
  process.exit(1);
}
await import(built.href);
