#!/usr/bin/env node
// `npm start`: the one-command demo. Builds this package, starts the Azure DevOps emulator (unless a real
// organization is given), starts n8n 2.x with this package loaded, sets up an owner, a credential and the example
// workflows, activates them and prints how to try the round trip. Ctrl-C stops everything it started.
'use strict';

const { spawn, spawnSync } = require('node:child_process');
const crypto = require('node:crypto');
const fs = require('node:fs');
const http = require('node:http');
const path = require('node:path');

const ROOT = path.resolve(__dirname, '..');
const RUNTIME = path.join(ROOT, '.n8n-runtime', 'v2');
const DATA = path.join(ROOT, '.n8n-data');
const N8N_HOME = path.join(DATA, '.n8n');
const TMP = path.join(DATA, 'tmp');
const STATE_FILE = path.join(DATA, 'demo.json');
const PACKAGE_NAME = require(path.join(ROOT, 'package.json')).name;
const N8N_VERSION = '2.41.1';
const NODE_VERSION = '24.21.0';
const RUNTIME_PACKAGE = {
	private: true,
	dependencies: { node: NODE_VERSION, n8n: N8N_VERSION },
	allowScripts: { '@confluentinc/kafka-javascript': false, 'agent-browser': false },
};
const HOST = '127.0.0.1';
const N8N_PORT = Number(process.env.N8N_PORT || 5678);
const BROKER_PORT = Number(process.env.N8N_RUNNERS_BROKER_PORT || N8N_PORT + 1001);
const EMULATOR_PORT = Number(process.env.EMULATOR_PORT || 5680);
const REAL_ORG = process.env.AZURE_DEVOPS_ORG_URL && process.env.AZURE_DEVOPS_PAT ? process.env.AZURE_DEVOPS_ORG_URL.replace(/\/+$/, '') : null;
const PROJECT = process.env.AZURE_DEVOPS_PROJECT || 'Service Desk';
const EMULATOR_ORG = `http://${HOST}:${EMULATOR_PORT}/fabrikam`;
const EMULATOR_TOKEN = 'emu-fabrikam-pat-0001';
const CREDENTIAL_NAME = 'Azure DevOps (demo)';
const N8N_URL = `http://${HOST}:${N8N_PORT}`;
const EXAMPLES = ['ticket-to-azure-devops.json', 'azure-devops-back-to-ticket.json'];
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

function sleep(ms) {
	return new Promise((resolve) => setTimeout(resolve, ms));
}

/** Plain HTTP to 127.0.0.1 only. Resolves { status, headers, body (parsed JSON when possible) }. */
function request(method, url, { body, headers = {} } = {}) {
	const u = new URL(url);
	if (u.hostname !== HOST && u.hostname !== 'localhost') return Promise.reject(new Error(`refusing to call ${u.host}`));
	const data = body === undefined ? undefined : Buffer.from(JSON.stringify(body));
	return new Promise((resolve, reject) => {
		const req = http.request(
			u,
			{ method, headers: { ...(data ? { 'content-type': 'application/json', 'content-length': data.length } : {}), ...headers } },
			(res) => {
				const chunks = [];
				res.on('data', (c) => chunks.push(c));
				res.on('end', () => {
					const text = Buffer.concat(chunks).toString('utf8');
					let parsed = text;
					try {
						parsed = JSON.parse(text);
					} catch {
						// not JSON
					}
					resolve({ status: res.statusCode, headers: res.headers, body: parsed });
				});
			},
		);
		req.on('error', reject);
		req.setTimeout(30000, () => req.destroy(new Error(`timeout: ${method} ${url}`)));
		if (data) req.write(data);
		req.end();
	});
}

async function waitFor(what, check, timeoutMs) {
	const until = Date.now() + timeoutMs;
	let last;
	while (Date.now() < until) {
		if (stopping) throw new Error('stopped');
		try {
			if (await check()) return;
		} catch (e) {
			last = e;
		}
		await sleep(500);
	}
	throw new Error(`timed out waiting for ${what}${last ? `: ${last.message}` : ''}`);
}

function startChild(name, cmd, args, options) {
	const child = spawn(cmd, args, { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'], detached: true, ...options });
	const logFile = fs.createWriteStream(path.join(DATA, `${name}.log`), { flags: 'a' });
	child.stdout.pipe(logFile);
	child.stderr.pipe(logFile);
	child.on('exit', (code, signal) => {
		if (!stopping) {
			console.error(`[start] ${name} exited (${code ?? signal}); see ${path.relative(ROOT, path.join(DATA, `${name}.log`))}`);
			void shutdown(1);
		}
	});
	children.push({ name, child });
	return child;
}

async function shutdown(code = 0) {
	if (stopping) return;
	stopping = true;
	log('stopping...');
	// n8n first (it removes nothing on stop, but its task runner is in its process group), then the emulator.
	for (const { name, child } of [...children].reverse()) {
		if (child.exitCode !== null || child.signalCode !== null) continue;
		try {
			process.kill(-child.pid, 'SIGTERM'); // the whole process group: n8n and its task runner
		} catch {
			// already gone
		}
		const exited = await Promise.race([
			new Promise((resolve) => child.once('exit', () => resolve(true))),
			sleep(15000).then(() => false),
		]);
		if (!exited) {
			try {
				process.kill(-child.pid, 'SIGKILL');
			} catch {
				// already gone
			}
		}
		log(`${name} stopped`);
	}
	process.exit(code);
}

function build() {
	run('npm', ['run', 'build']);
	run(process.execPath, [require.resolve('typescript/bin/tsc', { paths: [ROOT] }), '-p', 'test/emulator/tsconfig.json']);
}

function installN8n() {
	const bin = path.join(RUNTIME, 'node_modules', '.bin', 'n8n');
	const nodeBin = path.join(RUNTIME, 'node_modules', '.bin', 'node');
	if (fs.existsSync(bin) && fs.existsSync(nodeBin)) {
		log(`n8n ${N8N_VERSION} found in ${path.relative(ROOT, RUNTIME)}`);
		return;
	}
	log(`installing n8n ${N8N_VERSION} and Node ${NODE_VERSION} into ${path.relative(ROOT, RUNTIME)}: the first run takes about 5 minutes (3 GB)`);
	fs.mkdirSync(RUNTIME, { recursive: true });
	const pkgFile = path.join(RUNTIME, 'package.json');
	if (!fs.existsSync(pkgFile)) fs.writeFileSync(pkgFile, `${JSON.stringify(RUNTIME_PACKAGE, null, 2)}\n`);
	run('npm', ['install', '--no-audit', '--no-fund'], { cwd: RUNTIME });
}

function linkPackage() {
	const modules = path.join(N8N_HOME, 'nodes', 'node_modules');
	fs.mkdirSync(modules, { recursive: true });
	const link = path.join(modules, PACKAGE_NAME);
	try {
		const st = fs.lstatSync(link);
		if (st.isSymbolicLink() && fs.realpathSync(link) === ROOT) return;
		fs.rmSync(link, { recursive: true, force: true });
	} catch {
		// not there
	}
	fs.symlinkSync(ROOT, link, 'dir');
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
	log(`Azure DevOps emulator on http://${HOST}:${EMULATOR_PORT} (log: .n8n-data/emulator.log)`);
}

async function startN8n(state) {
	const bin = path.join(RUNTIME, 'node_modules', '.bin');
	const env = {
		...process.env,
		PATH: `${bin}${path.delimiter}${process.env.PATH}`,
		N8N_USER_FOLDER: DATA,
		N8N_PORT: String(N8N_PORT),
		N8N_RUNNERS_BROKER_PORT: String(BROKER_PORT),
		N8N_LISTEN_ADDRESS: HOST,
		N8N_HOST: HOST,
		N8N_PROTOCOL: 'http',
		WEBHOOK_URL: `${N8N_URL}/`,
		N8N_EDITOR_BASE_URL: `${N8N_URL}/`,
		N8N_ENCRYPTION_KEY: state.encryptionKey,
		DB_TYPE: 'sqlite',
		N8N_DIAGNOSTICS_ENABLED: 'false',
		N8N_VERSION_NOTIFICATIONS_ENABLED: 'false',
		N8N_TEMPLATES_ENABLED: 'false',
		N8N_PERSONALIZATION_ENABLED: 'false',
		N8N_LICENSE_AUTO_RENEW_ENABLED: 'false',
		N8N_ENFORCE_SETTINGS_FILE_PERMISSIONS: 'false',
		N8N_DISABLED_MODULES: 'mcp-registry',
		N8N_SECURE_COOKIE: 'false',
		// the emulator is on 127.0.0.1: n8n must be allowed to call it
		N8N_SSRF_PROTECTION_ENABLED: 'false',
		N8N_COMMUNITY_PACKAGES_ENABLED: 'true',
		N8N_RUNNERS_ENABLED: 'true',
		NO_PROXY: [process.env.NO_PROXY, '127.0.0.1,localhost'].filter(Boolean).join(','),
		no_proxy: [process.env.no_proxy, '127.0.0.1,localhost'].filter(Boolean).join(','),
		TMPDIR: TMP,
	};
	startChild('n8n', path.join(bin, 'n8n'), ['start'], { env });
	log(`starting n8n ${N8N_VERSION} on ${N8N_URL} (log: .n8n-data/n8n.log)`);
	await waitFor('n8n', async () => (await request('GET', `${N8N_URL}/healthz/readiness`)).status === 200, 120000);
}

/** A logged-in REST session: the n8n-auth cookie and the browser-id it was issued for. */
async function login(state) {
	const browserId = crypto.randomUUID();
	const headers = { 'browser-id': browserId };
	const cookieOf = (res) => (res.headers['set-cookie'] || []).map((c) => c.split(';')[0]).join('; ');
	let res = await request('POST', `${N8N_URL}/rest/owner/setup`, {
		headers,
		body: { email: state.email, firstName: 'Demo', lastName: 'Owner', password: state.password },
	});
	if (res.status === 200) {
		log(`owner set up: ${state.email}`);
	} else {
		res = await request('POST', `${N8N_URL}/rest/login`, { headers, body: { emailOrLdapLoginId: state.email, password: state.password } });
		if (res.status !== 200) throw new Error(`cannot log in as ${state.email} (${res.status}): delete .n8n-data to start afresh`);
	}
	const cookie = cookieOf(res);
	return async (method, url, body) => {
		const r = await request(method, `${N8N_URL}/rest${url}`, { body, headers: { ...headers, cookie } });
		if (r.status >= 300) throw new Error(`${method} /rest${url}: ${r.status} ${JSON.stringify(r.body).slice(0, 500)}`);
		return r.body && typeof r.body === 'object' && 'data' in r.body ? r.body.data : r.body;
	};
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

function exampleWorkflow(file, credentialId, projectUrl) {
	const text = fs.readFileSync(path.join(ROOT, 'examples', file), 'utf8');
	const wf = JSON.parse(text);
	const exampleProject = 'http://127.0.0.1:5680/fabrikam/Service%20Desk';
	for (const node of wf.nodes) {
		for (const cred of Object.values(node.credentials || {})) {
			cred.id = credentialId;
			cred.name = CREDENTIAL_NAME;
		}
		const p = node.parameters;
		if (typeof p.connectorSettings === 'string') p.connectorSettings = p.connectorSettings.split(exampleProject).join(projectUrl);
		if (p.project && p.project.value === exampleProject) p.project.value = projectUrl;
	}
	return wf;
}

async function ensureWorkflow(rest, wf) {
	const existing = (await rest('GET', '/workflows')).find((w) => w.name === wf.name);
	let id;
	if (existing) {
		id = existing.id;
		if (existing.active) {
			// n8n re-adds active workflows at start without running the trigger's registration when its webhook row
			// survived (measured on 2.41.1), and the emulator forgets its subscriptions on every start: deactivate and
			// activate again so the trigger registers its service-hook subscription anew.
			await rest('POST', `/workflows/${id}/deactivate`, {});
			await waitFor(`deactivation of "${wf.name}"`, async () => (await rest('GET', `/workflows/${id}`)).active === false, 30000);
		}
		// kept as it is in n8n (your edits stay); delete .n8n-data to get the examples afresh
	} else {
		id = (await rest('POST', '/workflows', { ...wf, active: false })).id;
		log(`imported "${wf.name}" (${id})`);
	}
	const { versionId } = await rest('GET', `/workflows/${id}`);
	await rest('POST', `/workflows/${id}/activate`, { versionId });
	// 2.x activates asynchronously: poll until the workflow says it is active
	await waitFor(`activation of "${wf.name}"`, async () => (await rest('GET', `/workflows/${id}`)).active === true, 30000);
	log(`activated "${wf.name}"`);
	return id;
}

async function main() {
	process.on('SIGINT', () => void shutdown(0));
	process.on('SIGTERM', () => void shutdown(0));
	fs.mkdirSync(TMP, { recursive: true });
	build();
	installN8n();
	linkPackage();
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

	await startN8n(state);
	const rest = await login(state);
	const credentialId = await ensureCredential(rest, orgUrl, token);
	const ids = {};
	for (const file of EXAMPLES) {
		const wf = exampleWorkflow(file, credentialId, projectUrl);
		ids[wf.name] = await ensureWorkflow(rest, wf);
	}
	const webhook = `${N8N_URL}/webhook/ticket`;
	// readiness comes before production webhooks are registered: wait until the webhook no longer answers 404
	// (a GET answers 404 either way; "not registered for GET" means the POST webhook is there)
	await waitFor('the ticket webhook', async () => {
		const r = await request('GET', webhook);
		return r.status !== 404 || /not registered for GET/.test(JSON.stringify(r.body));
	}, 20000).catch(() => log('the ticket webhook is not registered yet: retry the curl below in a few seconds'));

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
	console.log('\nPress Ctrl-C to stop n8n and the emulator.');
	console.log(line);
}

main().catch((e) => {
	console.error(`[start] ${e.message}`);
	void shutdown(1);
});
