#!/usr/bin/env node
// Takes the README's pictures from the running demo (`npm start`, then `node scripts/demo-roundtrip.js` so that the
// trigger has an execution to show): the example workflow in the n8n editor, and the trigger's output in that
// execution. Uses Debian's Chromium (apt-get install chromium) through playwright-core: no browser download.
//   node scripts/screenshots.js            writes docs/editor-workflow.png and docs/trigger-output.png
// CHROMIUM=/path/to/chromium overrides the browser. Talks to 127.0.0.1 only.
'use strict';

const fs = require('node:fs');
const path = require('node:path');
const n8n = require('./lib/n8n');
const editor = require('./lib/editor');

const MAJOR = process.env.N8N_MAJOR === '1' ? 1 : 2;
const DATA = MAJOR === 2 ? path.join(n8n.ROOT, '.n8n-data') : path.join(n8n.ROOT, '.n8n-data', 'v1');
const N8N_URL = `http://127.0.0.1:${process.env.N8N_PORT || 5678}`;
const DOCS = path.join(n8n.ROOT, 'docs');

async function main() {
	const state = JSON.parse(fs.readFileSync(path.join(DATA, 'demo.json'), 'utf8'));
	const rest = await n8n.restSession(N8N_URL, { email: state.email, password: state.password });
	const workflows = await rest('GET', '/workflows');
	const byName = (name) => {
		const wf = workflows.find((w) => w.name === name);
		if (!wf) throw new Error(`workflow "${name}" not found: run npm start first`);
		return wf;
	};
	const ticketWf = byName('Ticket to Azure DevOps');
	const triggerWf = byName('Azure DevOps back to the ticket');
	const executions = (await n8n.listExecutions(rest, triggerWf.id)).filter((e) => e.status === 'success');
	if (!executions.length) throw new Error('the trigger workflow has no successful execution: run node scripts/demo-roundtrip.js first');

	fs.mkdirSync(DOCS, { recursive: true });
	const browser = await editor.launchBrowser();
	try {
		const page = await editor.signedInPage(browser, N8N_URL, state);
		const context = page.context();

		// 1. the example workflow in the editor, with the Create From Ticket node's parameters open beside it
		await editor.openWorkflow(page, N8N_URL, ticketWf.id);
		await page.waitForTimeout(700);
		await page.screenshot({ path: path.join(DOCS, 'editor-workflow.png') });
		await page.locator('[data-test-id="canvas-node"]', { hasText: 'Create work item from ticket' }).first().dblclick();
		await page.waitForTimeout(1500);
		await page.screenshot({ path: path.join(DOCS, 'editor-create-from-ticket.png') });

		// 2. the trigger's output in the execution the round trip produced
		const execution = executions[0];
		await page.goto(`${N8N_URL}/workflow/${triggerWf.id}/executions/${execution.id}`);
		await page.waitForTimeout(3000);
		// the execution is shown on the page itself (2.x) or in an iframe (1.x)
		const frame = (await page.locator('iframe').count()) ? page.frameLocator('iframe').first() : page;
		const node = frame.locator('[data-test-id="canvas-node"]', { hasText: 'Work item updated' }).first();
		await node.waitFor({ timeout: 30000 });
		await node.dblclick();
		await page.waitForTimeout(1500);
		// the output as JSON, where the ticket part is easiest to read
		const jsonTab = frame.locator('[data-test-id="radio-button-json"], label:has-text("JSON")').first();
		if (await jsonTab.count()) await jsonTab.click().catch(() => undefined);
		await page.waitForTimeout(800);
		await page.screenshot({ path: path.join(DOCS, 'trigger-output.png') });
		await context.close();
	} finally {
		await browser.close();
	}
	for (const f of ['editor-workflow.png', 'editor-create-from-ticket.png', 'trigger-output.png']) {
		console.log(`docs/${f}: ${fs.statSync(path.join(DOCS, f)).size} bytes`);
	}
}

main().catch((e) => {
	console.error(`screenshots FAILED: ${e.message}`);
	process.exit(1);
});
