#!/usr/bin/env node
// Drives the two-way loop once, while `npm start` runs, with a new ticket in the service-desk stand-in: the ticket
// (with a file) goes to Azure DevOps, the requester's note becomes a comment, a developer's comment becomes a ticket
// note, a developer's file comes to the ticket, and closing the work item moves the ticket. Checks each step and that
// nothing crossed twice, then prints the ticket and the request counts. Exits 0 when all is well.
// Talks to 127.0.0.1 only. Ports as for `npm start` (N8N_PORT, EMULATOR_PORT, SERVICEDESK_PORT).
'use strict';

const http = require('node:http');
const n8n = require('./lib/n8n');

const EMULATOR_URL = `http://127.0.0.1:${process.env.EMULATOR_PORT || 5680}`;
const DESK_URL = `http://127.0.0.1:${process.env.SERVICEDESK_PORT || 5681}`;
const API_KEY = process.env.SERVICEDESK_API_KEY || ['sd', 'demo', 'key', '0001'].join('-');
const ORG = `${EMULATOR_URL}/fabrikam`;
const PROJECT = `${ORG}/${encodeURIComponent(process.env.AZURE_DEVOPS_PROJECT || 'Service Desk')}`;
const INTEGRATION_TOKEN = 'emu-fabrikam-pat-0001'; // the credential of the demo (Jamal Hartnett)
const DEVELOPER_TOKEN = 'emu-fabrikam-pat-0002'; // Christie Church, a developer
const DEVELOPER = 'Christie Church';
const QUIET_MS = Number(process.env.TWO_WAY_QUIET_MS || 5000);

const basic = (token) => `Basic ${Buffer.from(`:${token}`).toString('base64')}`;
const desk = (method, path, body, headers = {}) => n8n.request(method, `${DESK_URL}${path}`, { body, headers: { 'x-api-key': API_KEY, ...headers } });
const devops = (method, url, { body, raw, token = INTEGRATION_TOKEN, contentType } = {}) =>
	n8n.request(method, url, { body, raw, headers: { authorization: basic(token), ...(contentType ? { 'content-type': contentType } : {}) } });

function bytesOf(url, headers) {
	return new Promise((resolve, reject) => {
		http.get(url, { headers, agent: false }, (res) => {
			const chunks = [];
			res.on('data', (c) => chunks.push(c));
			res.on('end', () => resolve(Buffer.concat(chunks)));
		}).on('error', reject);
	});
}

function check(ok, what) {
	if (!ok) throw new Error(what);
	console.log(`   ok: ${what}`);
}

async function main() {
	const health = await n8n.request('GET', `${DESK_URL}/_servicedesk/health`).catch(() => ({ status: 0 }));
	if (health.status !== 200) throw new Error(`no service-desk stand-in on ${DESK_URL}: is \`npm start\` running?`);
	const desksBefore = (await n8n.request('GET', `${DESK_URL}/_servicedesk/deliveries`)).body.length;
	const hooksBefore = (await n8n.request('GET', `${EMULATOR_URL}/_emulator/deliveries`)).body.length;

	const ticket = (await desk('POST', '/api/tickets', { title: 'Scanner on floor 2 drops pages', description: 'Every third page is missing.', requester: 'Mona Kane', priority: 'High' })).body;
	const id = ticket.id;
	const shot = Buffer.from(Array.from({ length: 20000 }, (_, i) => (i * 31 + (i >> 7)) % 256));
	const up = await n8n.request('POST', `${DESK_URL}/api/tickets/${id}/attachments?fileName=scan.png&author=Mona%20Kane`, { raw: shot, headers: { 'x-api-key': API_KEY, 'content-type': 'image/png' } });
	console.log(`1. ticket ${id} opened with scan.png (${up.status}); moved to "Synchronization to DevOps"`);
	await desk('PATCH', `/api/tickets/${id}`, { state: 'Synchronization to DevOps' });

	const wiql = { query: `Select [System.Id] From WorkItems Where [System.Tags] Contains 'Ticket:${id}'` };
	const found = await n8n.waitFor(`the work item of ${id}`, async () => {
		const r = await devops('POST', `${PROJECT}/_apis/wit/wiql?api-version=7.1`, { body: wiql });
		return r.body.workItems?.length ? r.body.workItems : undefined;
	}, 30000, 500);
	const workItemId = found[0].id;
	const wiUrl = `${ORG}/_apis/wit/workitems/${workItemId}?$expand=relations&api-version=7.1`;
	const files = async () => ((await devops('GET', wiUrl)).body.relations || []).filter((r) => r.rel === 'AttachedFile');
	const fileUrl = (r) => {
		const u = new URL(r.url);
		u.searchParams.set('api-version', '7.1');
		return u.toString();
	};
	check(found.length === 1, `one work item #${workItemId} for ${id}`);
	const [first] = await n8n.waitFor('scan.png on the work item', async () => ((await files()).length ? files() : undefined), 20000, 500);
	check((await bytesOf(fileUrl(first), { authorization: basic(INTEGRATION_TOKEN) })).equals(shot), 'scan.png on the work item, byte for byte');

	const comments = async () => (await devops('GET', `${PROJECT}/_apis/wit/workItems/${workItemId}/comments?api-version=7.1-preview.4`)).body.comments || [];
	const note = 'It also jams on double-sided pages.';
	await desk('POST', `/api/tickets/${id}/notes`, { author: 'Mona Kane', text: note });
	console.log('2. the requester wrote a note');
	await n8n.waitFor('the comment', async () => (await comments()).some((c) => c.text.includes(note)), 20000, 500);

	const reply = 'Firmware updated; please try again.';
	await n8n.request('POST', `${EMULATOR_URL}/_emulator/workitems/fabrikam/${workItemId}`, { body: { comment: reply, by: DEVELOPER } });
	console.log(`3. ${DEVELOPER} commented on work item #${workItemId}`);
	const getTicket = async () => (await desk('GET', `/api/tickets/${id}`)).body;
	await n8n.waitFor('the ticket note', async () => (await getTicket()).notes.some((n) => n.text.includes(reply)), 20000, 500);

	const trace = Buffer.from(`scanner trace ${new Date().toISOString()}\n`.repeat(200));
	const uploaded = await devops('POST', `${PROJECT}/_apis/wit/attachments?fileName=trace.log&api-version=7.1`, { raw: trace, token: DEVELOPER_TOKEN, contentType: 'application/octet-stream' });
	await devops('PATCH', `${ORG}/_apis/wit/workitems/${workItemId}?api-version=7.1`, {
		raw: JSON.stringify([{ op: 'add', path: '/relations/-', value: { rel: 'AttachedFile', url: uploaded.body.url } }]),
		token: DEVELOPER_TOKEN,
		contentType: 'application/json-patch+json',
	});
	console.log(`4. ${DEVELOPER} attached trace.log to the work item`);
	await n8n.waitFor('trace.log on the ticket', async () => (await getTicket()).attachments.some((a) => a.fileName === 'trace.log'), 20000, 500);

	await n8n.request('POST', `${EMULATOR_URL}/_emulator/workitems/fabrikam/${workItemId}`, { body: { fields: { 'System.State': 'Closed' }, by: DEVELOPER } });
	console.log(`5. ${DEVELOPER} closed work item #${workItemId}`);
	await n8n.waitFor('the ticket to move', async () => (await getTicket()).state === 'Return from DevOps', 20000, 500);

	console.log(`   (watching ${QUIET_MS / 1000} s for anything crossing twice)`);
	await n8n.sleep(QUIET_MS);
	const t = await getTicket();
	const wiComments = await comments();
	const wiFiles = await files();
	check(wiComments.filter((c) => c.text.includes(note)).length === 1, 'the requester\'s note is one comment on the work item');
	check(wiComments.length === 2, `the work item has 2 comments (the note, the developer's reply): ${wiComments.length}`);
	check(t.notes.filter((n) => n.text.includes(reply)).length === 1, 'the developer\'s comment is one note on the ticket');
	check(t.notes.length === 2, `the ticket has 2 notes (the requester's, the developer's): ${t.notes.length}`);
	const traceOnTicket = t.attachments.filter((a) => a.fileName === 'trace.log');
	check(traceOnTicket.length === 1, 'trace.log is on the ticket once');
	const traceBytes = await bytesOf(traceOnTicket[0].contentUrl, { 'x-api-key': API_KEY });
	check(traceBytes.equals(trace), 'trace.log on the ticket, byte for byte');
	check(t.attachments.length === 2 && wiFiles.length === 2, `2 files on each side (ticket ${t.attachments.length}, work item ${wiFiles.length})`);
	check(t.state === 'Return from DevOps', 'the ticket is in "Return from DevOps"');

	const deskEvents = (await n8n.request('GET', `${DESK_URL}/_servicedesk/deliveries`)).body.length - desksBefore;
	const hooks = (await n8n.request('GET', `${EMULATOR_URL}/_emulator/deliveries`)).body.length - hooksBefore;
	console.log(`\nTicket ${id}: ${DESK_URL}/tickets/${id}`);
	for (const n of t.notes) console.log(`  note by ${n.author}: ${n.text}`);
	for (const a of t.attachments) console.log(`  file ${a.fileName} (${a.size} bytes, from ${a.author})`);
	console.log(`Work item #${workItemId}: ${wiComments.length} comments, ${wiFiles.length} files, state Closed`);
	console.log(`Service-desk events sent to n8n: ${deskEvents}; service-hook deliveries from Azure DevOps: ${hooks}`);
	console.log('Two-way loop OK');
}

main().catch((e) => {
	console.error(`Two-way loop FAILED: ${e.message}`);
	process.exit(1);
});
