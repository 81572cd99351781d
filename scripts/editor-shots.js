#!/usr/bin/env node
// Pictures of the editor for issue notes: the trigger's panel and a Create From Ticket error with several faults, in
// a fresh n8n 2.x with a built copy of this package (or of another checkout, for a "before" picture). Uses the same
// browser steps as the browser checks (scripts/lib/editor.js). Nothing is sent anywhere: the faults stop the node
// before any request, and the panel needs no Azure DevOps.
//   npm run build && node scripts/editor-shots.js [suffix]                 writes docs/editor-*-<suffix>.png
//   PACKAGE_DIR=/path/to/built/checkout node scripts/editor-shots.js before
'use strict';

const crypto = require('node:crypto');
const fs = require('node:fs');
const path = require('node:path');
const n8n = require('./lib/n8n');
const editor = require('./lib/editor');

const SUFFIX = process.argv[2] || 'after';
const PACKAGE_DIR = path.resolve(process.env.PACKAGE_DIR || n8n.ROOT);
const DOCS = path.join(n8n.ROOT, 'docs');
const TYPE = `${n8n.PACKAGE_NAME}`;

async function main() {
	n8n.ensureN8n(2);
	const dir = path.join(n8n.ROOT, '.tmp', `editor-shots-${SUFFIX}-${Date.now()}`);
	const userFolder = path.join(dir, 'user');
	const modules = path.join(userFolder, '.n8n', 'nodes', 'node_modules');
	fs.mkdirSync(modules, { recursive: true });
	fs.symlinkSync(PACKAGE_DIR, path.join(modules, n8n.PACKAGE_NAME), 'dir');
	const main = await n8n.startN8n({ major: 2, userFolder, env: { N8N_LOG_LEVEL: 'warn' }, logFile: path.join(dir, 'n8n.log') });
	let browser;
	try {
		const rest = await n8n.restSession(main.url);
		const credential = await rest('POST', '/credentials', {
			name: 'Azure DevOps',
			type: 'azureDevOpsApi',
			data: { organizationUrl: 'https://dev.azure.com/fabrikam', accessToken: 'not-a-real-token-0000000000000000000000' },
		});
		const credentials = { azureDevOpsApi: { id: String(credential.id), name: 'Azure DevOps' } };
		const settings = {
			ConnectorType: 'Jira',
			URL: 'http://dev.azure.com/fabrikam/Service Desk',
			AccessToken: 'first',
			AttributeMap: { 'System.Title': '[$TicketTitle$]', 'System.WorkItemType': 'Task' },
			BeginState: 'Synchronization to DevOps',
			Url: 'https://dev.azure.com/fabrikam/Service Desk',
		};
		const faulty = await rest('POST', '/workflows', {
			name: 'Settings with mistakes',
			active: false,
			nodes: [
				{ id: crypto.randomUUID(), name: 'Ticket', type: 'n8n-nodes-base.manualTrigger', typeVersion: 1, position: [0, 0], parameters: {} },
				{
					id: crypto.randomUUID(),
					name: 'Create work item from ticket',
					type: `${TYPE}.azureDevOpsConnector`,
					typeVersion: 1,
					position: [260, 0],
					parameters: { resource: 'workItem', operation: 'createFromTicket', configuration: 'settingsJson', connectorSettings: JSON.stringify(settings, null, 2) },
					credentials,
				},
			],
			connections: { Ticket: { main: [[{ node: 'Create work item from ticket', type: 'main', index: 0 }]] } },
			pinData: { Ticket: [{ json: { TicketID: 'HD-77', TicketTitle: 'Printer offline', state: 'Synchronization to DevOps' } }] },
			settings: { executionOrder: 'v1' },
		});
		const triggerOf = async (name, parameters) => await rest('POST', '/workflows', {
			name,
			active: false,
			nodes: [
				{
					id: crypto.randomUUID(),
					name: 'Azure DevOps Connector Trigger',
					type: `${TYPE}.azureDevOpsConnectorTrigger`,
					typeVersion: 1.1,
					position: [0, 0],
					webhookId: crypto.randomUUID(),
					parameters,
					credentials,
				},
			],
			connections: {},
			settings: { executionOrder: 'v1' },
		});
		const trigger = await triggerOf('Trigger panel', {});
		const byHand = await triggerOf('Trigger panel, subscription made by hand', { authentication: 'none' });

		browser = await editor.launchBrowser();
		const page = await editor.signedInPage(browser, main.url, rest.login);
		await page.setViewportSize({ width: 1440, height: 1200 });

		await editor.openWorkflow(page, main.url, faulty.id);
		await editor.executeWorkflow(page);
		await editor.openNode(page, 'Create work item from ticket');
		await page.waitForTimeout(1000);
		await page.screenshot({ path: path.join(DOCS, `editor-multi-fault-error-${SUFFIX}.png`) });
		await page.keyboard.press('Escape');

		await editor.openWorkflow(page, main.url, trigger.id);
		await editor.openNode(page, 'Azure DevOps Connector Trigger');
		await page.waitForTimeout(1000);
		await page.screenshot({ path: path.join(DOCS, `editor-trigger-panel-${SUFFIX}.png`) });
		await page.keyboard.press('Escape');

		await editor.openWorkflow(page, main.url, byHand.id);
		await editor.openNode(page, 'Azure DevOps Connector Trigger');
		await page.waitForTimeout(1000);
		await page.screenshot({ path: path.join(DOCS, `editor-trigger-panel-by-hand-${SUFFIX}.png`) });
	} finally {
		await browser?.close();
		await main.stop();
	}
	for (const name of ['editor-multi-fault-error', 'editor-trigger-panel', 'editor-trigger-panel-by-hand']) console.log(`docs/${name}-${SUFFIX}.png`);
}

main().catch((e) => {
	console.error(`editor-shots FAILED: ${e.message}`);
	process.exit(1);
});
