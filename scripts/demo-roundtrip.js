#!/usr/bin/env node
// Drives the demo's round trip once, while `npm start` runs: posts the sample ticket to the "Ticket to Azure DevOps"
// webhook, closes the work item it created in the emulator, and waits for the execution of "Azure DevOps back to
// the ticket" that carries ticket.id HD-42 and ticket.state "Return from DevOps". Exits 0 when it is there.
// Talks to 127.0.0.1 only. (N8N_MAJOR=1 when the demo runs n8n 1.x.)
'use strict';

const fs = require('node:fs');
const path = require('node:path');
const n8n = require('./lib/n8n');

const MAJOR = process.env.N8N_MAJOR === '1' ? 1 : 2;
const DATA = MAJOR === 2 ? path.join(n8n.ROOT, '.n8n-data') : path.join(n8n.ROOT, '.n8n-data', 'v1');
const N8N_URL = `http://127.0.0.1:${process.env.N8N_PORT || 5678}`;
const EMULATOR_URL = `http://127.0.0.1:${process.env.EMULATOR_PORT || 5680}`;
const TICKET = {
	TicketID: 'HD-42',
	TicketTitle: 'Printer on floor 3 is offline',
	LatestImportantMessage: 'Paper jam',
	TicketUrl: 'https://servicedesk.example.com/tickets/HD-42',
	state: 'Synchronization to DevOps',
};

async function main() {
	const state = JSON.parse(fs.readFileSync(path.join(DATA, 'demo.json'), 'utf8'));
	const rest = await n8n.restSession(N8N_URL, { email: state.email, password: state.password });
	const trigger = (await rest('GET', '/workflows')).find((w) => w.name === 'Azure DevOps back to the ticket');
	if (!trigger) throw new Error('workflow "Azure DevOps back to the ticket" not found');
	const before = new Set((await n8n.listExecutions(rest, trigger.id)).map((e) => e.id));

	const created = await n8n.request('POST', `${N8N_URL}/webhook/ticket`, { body: TICKET });
	const workItem = created.body;
	console.log(`1. ticket posted: ${created.status} ${created.text}`);
	if (typeof workItem.id !== 'number') throw new Error('no work item id in the answer');

	const inDevOps = await n8n.request('GET', `${EMULATOR_URL}/fabrikam/_apis/wit/workitems/${workItem.id}?api-version=7.1`, {
		headers: { authorization: `Basic ${Buffer.from(':emu-fabrikam-pat-0001').toString('base64')}` },
	});
	const item = inDevOps.body;
	console.log(`2. in the emulator: #${item.id} "${item.fields?.['System.Title']}" state ${item.fields?.['System.State']}, tags ${item.fields?.['System.Tags']}`);

	const closed = await n8n.request('POST', `${EMULATOR_URL}/_emulator/workitems/fabrikam/${workItem.id}`, {
		body: { fields: { 'System.State': 'Closed' } },
	});
	console.log(`3. work item closed in the emulator: ${closed.status}`);

	const found = await n8n.waitFor('an execution with ticket HD-42 in "Return from DevOps"', async () => {
		const fresh = (await n8n.listExecutions(rest, trigger.id)).filter((e) => !before.has(e.id) && e.status !== 'running' && e.status !== 'new');
		for (const e of fresh) {
			const [out] = n8n.nodeOutput(await n8n.getExecution(rest, MAJOR, e.id), 'Work item updated');
			if (out?.ticket?.id === 'HD-42' && out?.ticket?.state === 'Return from DevOps') return { id: e.id, status: e.status, ticket: out.ticket, state: out.state };
		}
		return undefined;
	}, 20000, 500);
	console.log(`4. execution ${found.id} (${found.status}): ${JSON.stringify({ ticket: found.ticket, state: found.state })}`);
	console.log('Round trip OK');
}

main().catch((e) => {
	console.error(`Round trip FAILED: ${e.message}`);
	process.exit(1);
});
