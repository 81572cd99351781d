#!/usr/bin/env node
// Takes the pictures of docs/two-way-sync.md from the running demo (`npm start`, then `node scripts/demo-two-way.js`
// so that there are executions to show): the workflow "Service desk to Azure DevOps (two-way)" in the editor, and an
// execution of "Azure DevOps to service desk (two-way)" in which a developer's file went to the ticket.
//   node scripts/two-way-shots.js     writes docs/images/two-way-*.png
// Same browser steps as scripts/screenshots.js (Debian's Chromium through playwright-core). Talks to 127.0.0.1 only.
'use strict';

const fs = require('node:fs');
const path = require('node:path');
const n8n = require('./lib/n8n');
const editor = require('./lib/editor');

const MAJOR = process.env.N8N_MAJOR === '1' ? 1 : 2;
const DATA = MAJOR === 2 ? path.join(n8n.ROOT, '.n8n-data') : path.join(n8n.ROOT, '.n8n-data', 'v1');
const N8N_URL = `http://127.0.0.1:${process.env.N8N_PORT || 5678}`;
const IMAGES = path.join(n8n.ROOT, 'docs', 'images');

/** n8n 2.x opens a "Production Checklist" over a published workflow's executions: close it (its × on the title's row). */
async function closeChecklist(page) {
	const point = await page.evaluate(() => {
		const title = [...document.querySelectorAll('body *')].find((el) => el.children.length === 0 && el.textContent.trim() === 'Production Checklist');
		if (!title) return null;
		const box = title.getBoundingClientRect();
		const y = box.top + box.height / 2;
		for (let x = box.right + 8; x < box.right + 400; x += 4) {
			const el = document.elementFromPoint(x, y);
			if (el && el.closest('button, [role="button"], svg')) return { x, y };
		}
		return null;
	});
	if (point) await page.mouse.click(point.x, point.y);
	await page.waitForTimeout(500);
}

async function main() {
	const state = JSON.parse(fs.readFileSync(path.join(DATA, 'demo.json'), 'utf8'));
	const rest = await n8n.restSession(N8N_URL, { email: state.email, password: state.password });
	const workflows = await rest('GET', '/workflows');
	const byName = (name) => {
		const wf = workflows.find((w) => w.name === name);
		if (!wf) throw new Error(`workflow "${name}" not found: run npm start first`);
		return wf;
	};
	const toDevOps = byName('Service desk to Azure DevOps (two-way)');
	const toDesk = byName('Azure DevOps to service desk (two-way)');
	// the newest execution that carried a file to the ticket
	let withFile;
	for (const e of (await n8n.listExecutions(rest, toDesk.id)).filter((x) => x.status === 'success')) {
		if (n8n.nodeOutput(await n8n.getExecution(rest, MAJOR, e.id), 'Attach the file to the ticket').length) {
			withFile = e;
			break;
		}
	}
	if (!withFile) throw new Error('no execution brought a file to the ticket yet: run node scripts/demo-two-way.js first');

	fs.mkdirSync(IMAGES, { recursive: true });
	const browser = await editor.launchBrowser();
	const shots = [];
	try {
		const page = await editor.signedInPage(browser, N8N_URL, state);
		await page.setViewportSize({ width: 1600, height: 900 });
		await editor.openWorkflow(page, N8N_URL, toDevOps.id);
		await page.waitForTimeout(1200);
		shots.push('two-way-service-desk-to-azure-devops.png');
		await page.screenshot({ path: path.join(IMAGES, shots.at(-1)) });

		await page.goto(`${N8N_URL}/workflow/${toDesk.id}/executions/${withFile.id}`);
		await page.waitForTimeout(3000);
		await closeChecklist(page);
		const frame = (await page.locator('iframe').count()) ? page.frameLocator('iframe').first() : page;
		await frame.locator('[data-test-id="canvas-node"]', { hasText: 'Attach the file to the ticket' }).first().waitFor({ timeout: 30000 });
		await page.waitForTimeout(1000);
		shots.push('two-way-execution.png');
		await page.screenshot({ path: path.join(IMAGES, shots.at(-1)) });
		await page.context().close();
	} finally {
		await browser.close();
	}
	for (const f of shots) console.log(`docs/images/${f}: ${fs.statSync(path.join(IMAGES, f)).size} bytes`);
}

main().catch((e) => {
	console.error(`two-way screenshots FAILED: ${e.message}`);
	process.exit(1);
});
