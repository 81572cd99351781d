// The n8n editor in a real browser, as a user drives it: Debian's Chromium through playwright-core (no browser
// download), n8n's own `data-test-id` attributes. Shared by the browser checks (test/e2e/editor.e2e.test.ts) and the
// README's pictures (scripts/screenshots.js), so the pictures come from the steps the tests check.
'use strict';

const fs = require('node:fs');

/** Debian's Chromium (apt-get install chromium), or CHROMIUM; undefined when there is none. */
function chromiumPath() {
	if (process.env.CHROMIUM) return process.env.CHROMIUM;
	return ['/usr/bin/chromium', '/usr/bin/chromium-browser'].find((p) => fs.existsSync(p));
}

/** Starts the browser; loopback only, so no proxy. */
async function launchBrowser() {
	const executablePath = chromiumPath();
	if (!executablePath) throw new Error('Chromium not found: apt-get install chromium (or set CHROMIUM)');
	const { chromium } = require('playwright-core');
	return await chromium.launch({
		executablePath,
		args: ['--no-sandbox', '--disable-dev-shm-usage', '--no-proxy-server'],
	});
}

/** A page signed in to n8n as the owner, in a window the size of a laptop screen. */
async function signedInPage(browser, baseUrl, login) {
	const context = await browser.newContext({ viewport: { width: 1440, height: 860 }, deviceScaleFactor: 1 });
	const page = await context.newPage();
	await page.goto(`${baseUrl}/signin`);
	await page.locator('input[type="email"], input[name="emailOrLdapLoginId"], input[name="email"]').first().fill(login.email);
	await page.locator('input[type="password"]').first().fill(login.password);
	await page.keyboard.press('Enter');
	await page.waitForURL((url) => !url.pathname.startsWith('/signin'), { timeout: 30000 });
	return page;
}

/** Closes what n8n shows a new owner on first visit (what's new, survey), when it is there. */
async function dismissPopups(page) {
	for (const selector of ['[data-test-id="personalization-form"] button', '.el-dialog__headerbtn', '[aria-label="Close"]']) {
		const el = page.locator(selector).first();
		if (await el.isVisible().catch(() => false)) await el.click().catch(() => undefined);
	}
	await page.keyboard.press('Escape').catch(() => undefined);
}

/** Opens a saved workflow on the canvas. */
async function openWorkflow(page, baseUrl, workflowId) {
	await page.goto(`${baseUrl}/workflow/${workflowId}`);
	await page.locator('[data-test-id="canvas-node"]').first().waitFor({ timeout: 30000 });
	await page.waitForTimeout(800);
	await dismissPopups(page);
}

/**
 * Types into the node creator's search and returns what it lists, as { name, description }. With `baseUrl` it starts a
 * new workflow (the creator then offers triggers: "What triggers this workflow?"); without, it opens the creator on the
 * workflow shown (which then offers what can come next).
 */
async function searchNodes(page, text, baseUrl) {
	if (baseUrl) {
		await page.goto(`${baseUrl}/workflow/new`);
		await page.waitForTimeout(1000);
		await dismissPopups(page);
		await page.locator('[data-test-id="canvas-add-button"]').first().click({ timeout: 30000 });
	} else {
		const plus = page.locator('[data-test-id="node-creator-plus-button"]').first();
		if (await plus.isVisible().catch(() => false)) await plus.click();
		else await page.keyboard.press('Tab');
	}
	const search = page.locator('[data-test-id="node-creator-search-bar"]').first();
	await search.waitFor({ timeout: 15000 });
	await search.fill(text);
	await page.waitForTimeout(1000);
	const names = await page.locator('[data-test-id="node-creator-item-name"]').allInnerTexts();
	const descriptions = await page.locator('[data-test-id="node-creator-item-description"]').allInnerTexts();
	return names.map((name, i) => ({ name: name.trim(), description: (descriptions[i] || '').trim() }));
}

/** Opens an entry the node creator lists (by name) and returns the text of the panel it opens (actions, triggers). */
async function openCreatorItem(page, name) {
	await page.locator('[data-test-id="node-creator-item-name"]', { hasText: name }).first().click();
	await page.waitForTimeout(1000);
	return await page.locator('[data-test-id="node-creator"]').first().innerText();
}

/** Opens a saved credential's dialog; resolves with the text of its test result (success or failure). */
async function openCredential(page, baseUrl, credentialId) {
	await page.goto(`${baseUrl}/home/credentials/${credentialId}`);
	const dialog = page.locator('[data-test-id="credential-edit-dialog"]').first();
	await dialog.waitFor({ timeout: 30000 });
	return dialog;
}

/** Whether a text shows on the page (visible) within the timeout. */
async function visibleText(page, text, timeout = 30000) {
	return await page
		.getByText(text, { exact: false })
		.first()
		.waitFor({ state: 'visible', timeout })
		.then(() => true)
		.catch(() => false);
}

/** Runs the open workflow with the editor's "Execute workflow" button and waits until the run is over. */
async function executeWorkflow(page) {
	await page.locator('[data-test-id="execute-workflow-button"]').first().click();
	await page
		.locator('[data-test-id="canvas-node-status-success"], [data-test-id="canvas-node-status-warning"], .has-issues, [data-test-id="canvas-node-status-error"]')
		.first()
		.waitFor({ timeout: 30000 })
		.catch(() => undefined);
	await page.waitForTimeout(1500);
}

/** Opens a node of the canvas by its name (double click), as a user opens its parameters and output. */
async function openNode(page, name) {
	await page.locator('[data-test-id="canvas-node"]', { hasText: name }).first().dblclick();
	await page.locator('[data-test-id="ndv"], [data-test-id="node-parameters"]').first().waitFor({ timeout: 15000 });
	await page.waitForTimeout(800);
}

module.exports = {
	chromiumPath,
	launchBrowser,
	signedInPage,
	dismissPopups,
	openWorkflow,
	searchNodes,
	openCreatorItem,
	openCredential,
	visibleText,
	executeWorkflow,
	openNode,
};
