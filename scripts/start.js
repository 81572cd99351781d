#!/usr/bin/env node
// `npm start`: the one-command demo. Builds this package, starts the Azure DevOps emulator (unless a real
// organization is given) and the service-desk stand-in, starts n8n 2.x with this package loaded, sets up an owner, the
// credentials and the example workflows (the round trip and the two-way set), activates them and prints how to try
// them. Ctrl-C stops everything it started.
'use strict';

const { spawn, spawnSync } = require('node:child_process');
const crypto = require('node:crypto');
const fs = require('node:fs');
const path = require('node:path');
const n8n = require('./lib/n8n');

const { ROOT, PACKAGE_NAME, request } = n8n;
// N8N_MAJOR=1 npm start runs n8n 1.x on this machine's Node instead of 2.x on the registry's Node 24
const MAJOR = process.env.N8N_MAJOR === '1' ? 1 : 2;
const N8N_VERSION = n8n.RUNTIMES[MAJOR].n8n;
// each line keeps its own database: 1.x cannot open what 2.x migrated
const DATA = MAJOR === 2 ? path.join(ROOT, '.n8n-data') : path.join(ROOT, '.n8n-data', 'v1');
const STATE_FILE = path.join(DATA, 'demo.json');
const HOST = '127.0.0.1';
const N8N_PORT = Number(process.env.N8N_PORT || 5678);
const BROKER_PORT = Number(process.env.N8N_RUNNERS_BROKER_PORT || N8N_PORT + 1001);
const EMULATOR_PORT = Number(process.env.EMULATOR_PORT || 5680);
const SERVICEDESK_PORT = Number(process.env.SERVICEDESK_PORT || 5681);
const SERVICEDESK_URL = `http://${HOST}:${SERVICEDESK_PORT}`;
const SERVICEDESK_API_KEY = process.env.SERVICEDESK_API_KEY || ['sd', 'demo', 'key', '0001'].join('-');
const SERVICEDESK_CREDENTIAL_NAME = 'Service desk stand-in (demo)';
const REAL_ORG = process.env.AZURE_DEVOPS_ORG_URL && process.env.AZURE_DEVOPS_PAT ? process.env.AZURE_DEVOPS_ORG_URL.replace(/\/+$/, '') : null;
const PROJECT = process.env.AZURE_DEVOPS_PROJECT || 'Service Desk';
const EMULATOR_ORG = `http://${HOST}:${EMULATOR_PORT}/fabrikam`;
const EMULATOR_TOKEN = 'emu-fabrikam-pat-0001';
const CREDENTIAL_NAME = 'Azure DevOps (demo)';
const N8N_URL = `http://${HOST}:${N8N_PORT}`;
const EXAMPLES = ['ticket-to-azure-devops.json', 'azure-devops-back-to-ticket.json'];
// the two-way set: the service-desk stand-in's events to Azure DevOps, and Azure DevOps' service hooks back to it
const TWO_WAY = ['two-way/service-desk-to-azure-devops.json', 'two-way/azure-devops-to-service-desk.json'];
const SAMPLE_TICKET = {
	TicketID: 'HD-42',
	TicketTitle: 'Printer on floor 3 is offline',
	LatestImportantMessage: 'Paper jam',
	TicketUrl: 'https://servicedesk.example.com/tickets/HD-42',
	state: 'Synchronization to DevOps',
};

const children = [];
let stopping = false;

function log(msg) {
	console.log(`[start] ${msg}`);
}

function run(cmd, args, options = {}) {
	log(`$ ${cmd} ${args.join(' ')}`);
	const r = spawnSync(cmd, args, { cwd: ROOT, stdio: 'inherit', ...options });
	if (r.status !== 0) throw new Error(`${cmd} ${args.join(' ')} failed (exit ${r.status ?? r.signal})`);
}

async function waitFor(what, check, timeoutMs) {
	return n8n.waitFor(what, async () => {
		if (stopping) throw Object.assign(new Error('stopped'), { fatal: true });
		return check();
	}, timeoutMs, 500);
}

function watch(name, child, logFile) {
	child.on('exit', (code, signal) => {
		if (!stopping) {
			console.error(`[start] ${name} exited (${code ?? signal}); see ${path.relative(ROOT, logFile)}`);
			void shutdown(1);
		}
	});
}

function startChild(name, cmd, args, options) {
	const logFile = path.join(DATA, `${name}.log`);
	const out = fs.openSync(logFile, 'a');
	const child = spawn(cmd, args, { cwd: ROOT, stdio: ['ignore', out, out], detached: true, ...options });
	fs.closeSync(out);
	watch(name, child, logFile);
	children.push({ name, stop: () => n8n.stopGroup(child) });
	return child;
}

async function shutdown(code = 0) {
	if (stopping) return;
	stopping = true;
	log('stopping...');
	// n8n first (its task runner is in its process group), then the emulator
	for (const { name, stop } of [...children].reverse()) {
		await stop();
		log(`${name} stopped`);
	}
	process.exit(code);
}

function build() {
	run('npm', ['run', 'build']);
	run(process.execPath, [require.resolve('typescript/bin/tsc', { paths: [ROOT] }), '-p', 'test/emulator/tsconfig.json']);
	run(process.execPath, [require.resolve('typescript/bin/tsc', { paths: [ROOT] }), '-p', 'test/servicedesk/tsconfig.json']);
}

function loadState() {
	try {
		return JSON.parse(fs.readFileSync(STATE_FILE, 'utf8'));
	} catch {
		const state = {
			encryptionKey: crypto.randomBytes(24).toString('hex'),
			email: 'demo@example.com',
			password: `Demo-${crypto.randomBytes(6).toString('hex')}1`,
		};
		fs.writeFileSync(STATE_FILE, `${JSON.stringify(state, null, 2)}\n`, { mode: 0o600 });
		return state;
	}
}

async function startEmulator() {
	const cli = path.join(ROOT, '.tmp', 'emulator', 'test', 'emulator', 'cli.js');
	startChild('emulator', process.execPath, [cli, '--port', String(EMULATOR_PORT)]);
	await waitFor('the emulator', async () => (await request('GET', `http://${HOST}:${EMULATOR_PORT}/_emulator/health`)).status === 200, 20000);
	log(`Azure DevOps emulator on http://${HOST}:${EMULATOR_PORT} (log: ${path.relative(ROOT, path.join(DATA, 'emulator.log'))})`);
}

async function startServiceDesk() {
	const cli = path.join(ROOT, '.tmp', 'servicedesk', 'test', 'servicedesk', 'cli.js');
	// its events go to the production webhook of "Service desk to Azure DevOps (two-way)"
	startChild('servicedesk', process.execPath, [cli, '--port', String(SERVICEDESK_PORT), '--webhook', `${N8N_URL}/webhook/servicedesk-events`], {
		env: { ...process.env, SERVICEDESK_API_KEY },
	});
	await waitFor('the service-desk stand-in', async () => (await request('GET', `${SERVICEDESK_URL}/_servicedesk/health`)).status === 200, 20000);
	log(`service-desk stand-in on ${SERVICEDESK_URL} (log: ${path.relative(ROOT, path.join(DATA, 'servicedesk.log'))})`);
}

async function startN8n(state) {
	const logFile = path.join(DATA, 'n8n.log');
	log(`starting n8n ${N8N_VERSION} on ${N8N_URL} (log: ${path.relative(ROOT, logFile)})`);
	const handle = await n8n.startN8n({
		major: MAJOR,
		userFolder: DATA,
		port: N8N_PORT,
		brokerPort: BROKER_PORT,
		encryptionKey: state.encryptionKey,
		logFile,
	});
	watch('n8n', handle.child, logFile);
	children.push({ name: 'n8n', stop: () => handle.stop() });
	return handle;
}

async function ensureCredential(rest, orgUrl, token) {
	const data = { organizationUrl: orgUrl, accessToken: token, allowHttp: orgUrl.startsWith('http://') };
	const existing = (await rest('GET', '/credentials')).find((c) => c.name === CREDENTIAL_NAME && c.type === 'azureDevOpsApi');
	if (existing) {
		await rest('PATCH', `/credentials/${existing.id}`, { name: CREDENTIAL_NAME, type: 'azureDevOpsApi', data });
		return existing.id;
	}
	const created = await rest('POST', '/credentials', { name: CREDENTIAL_NAME, type: 'azureDevOpsApi', data });
	log(`credential "${CREDENTIAL_NAME}" → ${orgUrl}`);
	return created.id;
}

async function ensureServiceDeskCredential(rest) {
	const data = { name: 'x-api-key', value: SERVICEDESK_API_KEY };
	const existing = (await rest('GET', '/credentials')).find((c) => c.name === SERVICEDESK_CREDENTIAL_NAME && c.type === 'httpHeaderAuth');
	if (existing) {
		await rest('PATCH', `/credentials/${existing.id}`, { name: SERVICEDESK_CREDENTIAL_NAME, type: 'httpHeaderAuth', data });
		return existing.id;
	}
	const created = await rest('POST', '/credentials', { name: SERVICEDESK_CREDENTIAL_NAME, type: 'httpHeaderAuth', data });
	log(`credential "${SERVICEDESK_CREDENTIAL_NAME}" → ${SERVICEDESK_URL}`);
	return created.id;
}

async function ensureWorkflow(rest, wf) {
	const existing = (await rest('GET', '/workflows')).find((w) => w.name === wf.name);
	let id;
	if (existing) {
		id = existing.id;
		if (existing.active) {
			// At start n8n re-adds active workflows without running the trigger's checkExists/create when the
			// webhook's database row survived (n8n 2.41.1 and 1.123: ActiveWorkflowManager skips them on "init"), and
			// the emulator forgets its subscriptions on every start: deactivate and activate again so the trigger
			// registers its subscription anew.
			await n8n.deactivateWorkflow(rest, id);
		}
		// kept as it is in n8n (your edits stay); delete .n8n-data to get the examples afresh
	} else {
		id = (await rest('POST', '/workflows', { ...wf, active: false })).id;
		log(`imported "${wf.name}" (${id})`);
	}
	await n8n.activateWorkflow(rest, id);
	log(`activated "${wf.name}"`);
	return id;
}

async function main() {
	process.on('SIGINT', () => void shutdown(0));
	process.on('SIGTERM', () => void shutdown(0));
	fs.mkdirSync(DATA, { recursive: true });
	build();
	n8n.ensureN8n(MAJOR, log);
	n8n.linkPackage(DATA);
	const state = loadState();

	let orgUrl;
	let token;
	if (REAL_ORG) {
		orgUrl = REAL_ORG;
		token = process.env.AZURE_DEVOPS_PAT;
		log(`using ${orgUrl} (AZURE_DEVOPS_ORG_URL); the emulator is not started`);
	} else {
		await startEmulator();
		orgUrl = EMULATOR_ORG;
		token = EMULATOR_TOKEN;
	}
	const projectUrl = `${orgUrl}/${encodeURIComponent(PROJECT)}`;
	await startServiceDesk();

	await startN8n(state);
	const rest = await n8n.restSession(N8N_URL, { email: state.email, password: state.password, firstName: 'Demo', lastName: 'Owner' });
	if (rest.ownerCreated) log(`owner set up: ${state.email}`);
	const credentialId = await ensureCredential(rest, orgUrl, token);
	const serviceDesk = { url: SERVICEDESK_URL, credentialId: await ensureServiceDeskCredential(rest), credentialName: SERVICEDESK_CREDENTIAL_NAME };
	const ids = {};
	for (const file of [...EXAMPLES, ...TWO_WAY]) {
		const wf = n8n.exampleWorkflow(file, { credentialId, credentialName: CREDENTIAL_NAME, projectUrl, serviceDesk });
		ids[wf.name] = await ensureWorkflow(rest, wf);
	}
	const webhook = `${N8N_URL}/webhook/ticket`;
	// readiness comes before production webhooks are registered
	await n8n.waitForWebhook(webhook, 20000).catch(() => log('the ticket webhook is not registered yet: retry the curl below in a few seconds'));
	await n8n.waitForWebhook(`${N8N_URL}/webhook/servicedesk-events`, 20000).catch(() => log('the service-desk webhook is not registered yet: retry in a few seconds'));

	const line = '-'.repeat(78);
	console.log(`\n${line}`);
	console.log(`n8n ${N8N_VERSION} with ${PACKAGE_NAME} is running.`);
	console.log(`  Editor:    ${N8N_URL}/`);
	console.log(`  Login:     ${state.email} / ${state.password}`);
	console.log(`  Azure DevOps: ${REAL_ORG ? orgUrl : `emulator ${orgUrl} (project "${PROJECT}", token ${EMULATOR_TOKEN})`}`);
	console.log(`  Workflows: "Ticket to Azure DevOps" (${N8N_URL}/workflow/${ids['Ticket to Azure DevOps']}),`);
	console.log(`             "Azure DevOps back to the ticket" (${N8N_URL}/workflow/${ids['Azure DevOps back to the ticket']})`);
	console.log(`  Ticket webhook: POST ${webhook}`);
	console.log('\n1. Send a ticket to Azure DevOps (answers with the work item created):');
	console.log(`   curl -s -X POST ${webhook} -H 'Content-Type: application/json' -d '${JSON.stringify(SAMPLE_TICKET)}'`);
	if (!REAL_ORG) {
		console.log('2. Close that work item "in Azure DevOps" (put its id for 1):');
		console.log(`   curl -s -X POST http://${HOST}:${EMULATOR_PORT}/_emulator/workitems/fabrikam/1 -H 'Content-Type: application/json' -d '{"fields":{"System.State":"Closed"}}'`);
		console.log('   The emulator delivers the service hook; the execution of "Azure DevOps back to the ticket"');
		console.log('   shows ticket.id "HD-42" and ticket.state "Return from DevOps" (Executions in the editor).');
	} else {
		console.log('2. Close the work item in Azure DevOps; the trigger workflow\'s execution shows ticket.state "Return from DevOps".');
		console.log('   (Azure DevOps must reach this n8n: set WEBHOOK_URL to a public https address.)');
	}
	const sd = `curl -s -H 'x-api-key: ${SERVICEDESK_API_KEY}' -H 'Content-Type: application/json'`;
	console.log('\nThe two-way loop (docs/two-way-sync.md): service-desk stand-in on ' + SERVICEDESK_URL + ', workflows');
	console.log(`  "Service desk to Azure DevOps (two-way)" (${N8N_URL}/workflow/${ids['Service desk to Azure DevOps (two-way)']}) and`);
	console.log(`  "Azure DevOps to service desk (two-way)" (${N8N_URL}/workflow/${ids['Azure DevOps to service desk (two-way)']}).`);
	console.log('a. Send ticket HD-1 to Azure DevOps (its work item appears in the emulator, tagged Ticket:HD-1):');
	console.log(`   ${sd} -X PATCH ${SERVICEDESK_URL}/api/tickets/HD-1 -d '{"state":"Synchronization to DevOps"}'`);
	console.log('b. The requester writes again: the note becomes a comment on the work item:');
	console.log(`   ${sd} -X POST ${SERVICEDESK_URL}/api/tickets/HD-1/notes -d '{"author":"Mona Kane","text":"Still jammed after the reboot"}'`);
	if (!REAL_ORG) {
		console.log('c. A developer comments on the work item (put its id for 1): the comment becomes a ticket note:');
		console.log(`   curl -s -X POST http://${HOST}:${EMULATOR_PORT}/_emulator/workitems/fabrikam/1 -H 'Content-Type: application/json' -d '{"comment":"Replaced the fuser unit","by":"Christie Church"}'`);
		console.log('d. The developer closes it: the ticket moves to "Return from DevOps":');
		console.log(`   curl -s -X POST http://${HOST}:${EMULATOR_PORT}/_emulator/workitems/fabrikam/1 -H 'Content-Type: application/json' -d '{"fields":{"System.State":"Closed"},"by":"Christie Church"}'`);
	}
	console.log(`   Look at the ticket: ${SERVICEDESK_URL}/tickets/HD-1 (or ${sd} ${SERVICEDESK_URL}/api/tickets/HD-1)`);
	console.log('   node scripts/demo-two-way.js runs the whole loop with a new ticket, files included, and checks it.');
	console.log('\nPress Ctrl-C to stop n8n, the emulator and the service desk.');
	console.log(line);
}

main().catch((e) => {
	console.error(`[start] ${e.message}`);
	void shutdown(1);
});
