#!/usr/bin/env node
// The npm registry reachable from our machines serves only linux-x64 builds of packages such as
// @next/swc-* and @unrs/resolver-binding-*, so npm leaves the other platforms' optional packages
// out of package-lock.json — and then `npm ci` refuses the lock as out of sync. Listing them as
// optional entries restores a lock `npm ci` accepts (on other platforms npm resolves them as
// usual). Idempotent; runs after every `npm install` via the root `postinstall`.
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';

const file = path.resolve(import.meta.dirname, '..', 'package-lock.json');
if (!existsSync(file)) process.exit(0);
const text = readFileSync(file, 'utf8');
const lock = JSON.parse(text);
const packages = lock.packages ?? {};
let added = 0;
for (const [key, entry] of Object.entries(packages)) {
  for (const [name, range] of Object.entries(entry.optionalDependencies ?? {})) {
    const nested = `${key ? `${key}/` : ''}node_modules/${name}`;
    if (packages[nested] || packages[`node_modules/${name}`]) continue;
    packages[`node_modules/${name}`] = { version: range, optional: true };
    added += 1;
  }
}
if (added > 0) {
  lock.packages = Object.fromEntries(Object.entries(packages).sort(([a], [b]) => (a === '' ? -1 : b === '' ? 1 : a.localeCompare(b))));
  writeFileSync(file, `${JSON.stringify(lock, null, 2)}\n`);
  console.log(`package-lock.json: listed ${added} optional platform package(s) the registry does not serve here`);
}
