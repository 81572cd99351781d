// jest globalSetup / globalTeardown: one temp folder for the whole run, removed at the end, so a test run leaves
// nothing in the system's temp folder. Workers are started after globalSetup and inherit TMPDIR, so n8n's user
// folders (test/support/env.ts) and anything else a test writes with os.tmpdir() land inside it.
'use strict';

const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');

const VARIABLE = 'AZDC_TEST_TMP_ROOT';

async function setup() {
	const root = fs.mkdtempSync(path.join(os.tmpdir(), 'azdc-test-run-'));
	process.env[VARIABLE] = root;
	process.env.TMPDIR = root;
}

async function teardown() {
	const root = process.env[VARIABLE];
	if (root && path.basename(root).startsWith('azdc-test-run-')) fs.rmSync(root, { recursive: true, force: true });
}

module.exports = { setup, teardown };
