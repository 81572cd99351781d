#!/usr/bin/env node
// Completes package-lock.json with the optional, platform-specific bindings of unrs-resolver (used by n8n's lint
// configuration) that the npm registry mirror of our build machines does not carry. npm leaves them out of the lock
// when it cannot resolve them, and `npm ci` then refuses the lock as out of sync. On a machine of another platform
// npm skips these packages without fetching them, so listing them with their os/cpu/libc is all `npm ci` needs.
// Run it after every `npm install` that rewrites the lock: node scripts/complete-lockfile.js
'use strict';
const fs = require('fs');
const path = require('path');

const lockPath = path.join(__dirname, '..', 'package-lock.json');
const lock = JSON.parse(fs.readFileSync(lockPath, 'utf8'));
const packages = lock.packages;

const PLATFORMS = {
	'android-arm-eabi': ['android', 'arm'],
	'android-arm64': ['android', 'arm64'],
	'darwin-arm64': ['darwin', 'arm64'],
	'darwin-x64': ['darwin', 'x64'],
	'freebsd-x64': ['freebsd', 'x64'],
	'linux-arm-gnueabihf': ['linux', 'arm', 'glibc'],
	'linux-arm-musleabihf': ['linux', 'arm', 'musl'],
	'linux-arm64-gnu': ['linux', 'arm64', 'glibc'],
	'linux-arm64-musl': ['linux', 'arm64', 'musl'],
	'linux-loong64-gnu': ['linux', 'loong64', 'glibc'],
	'linux-loong64-musl': ['linux', 'loong64', 'musl'],
	'linux-ppc64-gnu': ['linux', 'ppc64', 'glibc'],
	'linux-riscv64-gnu': ['linux', 'riscv64', 'glibc'],
	'linux-riscv64-musl': ['linux', 'riscv64', 'musl'],
	'linux-s390x-gnu': ['linux', 's390x', 'glibc'],
	'linux-x64-gnu': ['linux', 'x64', 'glibc'],
	'linux-x64-musl': ['linux', 'x64', 'musl'],
	'openharmony-arm64': ['openharmony', 'arm64'],
	'wasm32-wasi': ['', 'wasm32'],
	'win32-arm64-msvc': ['win32', 'arm64'],
	'win32-ia32-msvc': ['win32', 'ia32'],
	'win32-x64-msvc': ['win32', 'x64'],
};

let added = 0;
for (const [key, meta] of Object.entries(packages)) {
	if (!key.endsWith('node_modules/unrs-resolver')) continue;
	for (const [name, version] of Object.entries(meta.optionalDependencies ?? {})) {
		const entryKey = `node_modules/${name}`;
		if (packages[entryKey]) continue;
		const platform = PLATFORMS[name.split('resolver-binding-')[1]];
		if (!platform) throw new Error(`unknown platform binding ${name}: add it to PLATFORMS`);
		const [os, cpu, libc] = platform;
		const entry = { version, cpu: [cpu], dev: true };
		if (libc) entry.libc = [libc];
		entry.license = 'MIT';
		entry.optional = true;
		if (os) entry.os = [os];
		packages[entryKey] = entry;
		added++;
	}
}

// npm keeps the root entry first and the rest in key order.
const sorted = {};
for (const key of Object.keys(packages).sort((a, b) => (a === '' ? -1 : b === '' ? 1 : a.localeCompare(b, 'en')))) {
	sorted[key] = packages[key];
}
lock.packages = sorted;
fs.writeFileSync(lockPath, JSON.stringify(lock, null, 2) + '\n');
console.log(`package-lock.json: ${added} platform binding(s) recorded`);
