#!/usr/bin/env node
// Prints the one summary line of a whole test run, counted from jest's JSON reports
// (every reports/*.json written with --json --outputFile), never guessed from logs.
// Usage: node scripts/test-summary.js [report.json ...]   (default: reports/*.json)
'use strict';
const fs = require('fs');
const path = require('path');

const dir = path.join(__dirname, '..', 'reports');
const files =
	process.argv.length > 2
		? process.argv.slice(2)
		: fs.existsSync(dir)
			? fs
					.readdirSync(dir)
					.filter((f) => f.endsWith('.json'))
					.map((f) => path.join(dir, f))
			: [];

let passed = 0;
let failed = 0;
let skipped = 0;
let suitesFailed = 0;
for (const file of files) {
	let report;
	try {
		report = JSON.parse(fs.readFileSync(file, 'utf8'));
	} catch {
		continue;
	}
	if (typeof report.numPassedTests !== 'number') continue;
	passed += report.numPassedTests;
	failed += report.numFailedTests;
	skipped += (report.numPendingTests || 0) + (report.numTodoTests || 0);
	// A suite that fails to load runs no test, but it is a failure all the same.
	suitesFailed += report.numRuntimeErrorTestSuites || 0;
}
if (files.length === 0) console.log('no jest JSON report was written: the test command did not get as far as running jest');
if (suitesFailed > 0) console.log(`test suites that failed to run: ${suitesFailed}`);
console.log(`tests: ${passed} passed, ${failed + suitesFailed} failed, ${skipped} skipped`);
