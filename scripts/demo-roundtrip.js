#!/usr/bin/env node
// Drives the demo's round trip once, while `npm start` runs: posts the sample ticket to the "Ticket to Azure DevOps"
// webhook, closes the work item it created in the emulator, and waits for the execution of "Azure DevOps back to
// the ticket" that carries ticket.id HD-42 and ticket.state "Return from DevOps". Exits 0 when it is there.
// Talks to 127.0.0.1 only.
'use strict';

const fs = require('node:fs');
const path = require('node:path');

const ROOT = path.resolve(__dirname, '..');
const N8N_URL = `http://127.0.0.1:${process.env.N8N_PORT || 5678}`;
const EMULATOR_URL = `http://127.0.0.1:${process.env.EMULATOR_PORT || 5680}`;
const TICKET = {
	TicketID: 'HD-42',
	TicketTitle: 'Printer on floor 3 is offline',
	LatestImportantMessage: 'Paper jam',
	TicketUrl: 'https://servicedesk.example.com/tickets/HD-42',
	state: 'Synchronization to DevOps',
};

// n8n stores execution data in the `flatted` format; the runtime n8n brings the package.
const { parse } = require(require.resolve('flatted', { paths: [path.join(ROOT, '.n8n-runtime', 'v2')] }));

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

async function main() {
	const state = JSON.parse(fs.readFileSync(path.join(ROOT, '.n8n-data', 'demo.json'), 'utf8'));
	const browserId = `roundtrip-${Date.now()}`;
	const login = await fetch(`${N8N_URL}/rest/login`, {
		method: 'POST',
		headers: { 'content-type': 'application/json', 'browser-id': browserId },
		body: JSON.stringify({ emailOrLdapLoginId: state.email, password: state.password }),
	});
	if (login.status !== 200) throw new Error(`login failed: ${login.status}`);
	const cookie = login.headers.getSetCookie().map((c) => c.split(';')[0]).join('; ');
	const rest = async (url) => {
		const r = await fetch(`${N8N_URL}/rest${url}`, { headers: { cookie, 'browser-id': browserId } });
		if (r.status !== 200) throw new Error(`GET /rest${url}: ${r.status}`);
		return (await r.json()).data;
	};
	const trigger = (await rest('/workflows')).find((w) => w.name === 'Azure DevOps back to the ticket');
	if (!trigger) throw new Error('workflow "Azure DevOps back to the ticket" not found');
	const executionsUrl = `/executions?filter=${encodeURIComponent(JSON.stringify({ workflowId: trigger.id }))}`;
	const before = new Set((await rest(executionsUrl)).results.map((e) => e.id));

	const created = await fetch(`${N8N_URL}/webhook/ticket`, {
		method: 'POST',
		headers: { 'content-type': 'application/json' },
		body: JSON.stringify(TICKET),
	});
	const workItem = await created.json();
	console.log(`1. ticket posted: ${created.status} ${JSON.stringify(workItem)}`);
	if (typeof workItem.id !== 'number') throw new Error('no work item id in the answer');

	const inDevOps = await fetch(`${EMULATOR_URL}/fabrikam/_apis/wit/workitems/${workItem.id}?api-version=7.1`, {
		headers: { authorization: `Basic ${Buffer.from(':emu-fabrikam-pat-0001').toString('base64')}` },
	});
	const item = await inDevOps.json();
	console.log(`2. in the emulator: #${item.id} "${item.fields?.['System.Title']}" state ${item.fields?.['System.State']}, tags ${item.fields?.['System.Tags']}`);

	const closed = await fetch(`${EMULATOR_URL}/_emulator/workitems/fabrikam/${workItem.id}`, {
		method: 'POST',
		headers: { 'content-type': 'application/json' },
		body: JSON.stringify({ fields: { 'System.State': 'Closed' } }),
	});
	console.log(`3. work item closed in the emulator: ${closed.status}`);

	for (let i = 0; i < 40; i++) {
		await sleep(500);
		const fresh = (await rest(executionsUrl)).results.filter((e) => !before.has(e.id) && e.status !== 'running' && e.status !== 'new');
		for (const e of fresh) {
			const data = parse((await rest(`/executions/${e.id}`)).data);
			const out = data.resultData.runData['Work item updated']?.[0]?.data?.main?.[0]?.[0]?.json;
			console.log(`4. execution ${e.id} (${e.status}): ${JSON.stringify({ ticket: out?.ticket, state: out?.state })}`);
			if (out?.ticket?.id === 'HD-42' && out?.ticket?.state === 'Return from DevOps') {
				console.log('Round trip OK');
				return;
			}
		}
	}
	throw new Error('no execution with ticket HD-42 in "Return from DevOps" within 20 s');
}

main().catch((e) => {
	console.error(`Round trip FAILED: ${e.message}`);
	process.exit(1);
});
