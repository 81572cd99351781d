// A real n8n for the demo, the end-to-end tests and the benchmarks: installs n8n 2.x (on the registry's Node 24) or
// 1.x (on this machine's Node 20) into a git-ignored folder of the project, starts it with this package loaded and
// everything that calls out to the internet switched off, and drives its REST API. Talks to 127.0.0.1 only.
'use strict';

const { spawn, spawnSync } = require('node:child_process');
const crypto = require('node:crypto');
const fs = require('node:fs');
const http = require('node:http');
const net = require('node:net');
const path = require('node:path');

const ROOT = path.resolve(__dirname, '..', '..');
const PACKAGE_NAME = require(path.join(ROOT, 'package.json')).name;
const HOST = '127.0.0.1';

/**
 * The n8n lines we run and test. Each is installed with `npm ci` from the package.json and package-lock.json in
 * scripts/runtime/v<major>/, so that every machine gets the same tree whatever the registry published since (an
 * unpinned install of 2.41.1 broke on 2026-12-03 when a sub-dependency asked for a version the registry mirror did
 * not have yet). Those package.json files also hold each line's install recipe for these machines: 2.x takes Node 24
 * from the registry's `node` package and does not run the install scripts of @confluentinc/kafka-javascript and
 * agent-browser (both download from outside the registry); 1.x runs on this machine's Node 20, takes xlsx from the
 * registry (n8n-nodes-base asks for a tarball outside it) and skips isolated-vm (does not build on Node 20).
 */
const RUNTIMES = {
	2: {
		n8n: '2.41.1',
		node: '24.21.0',
		dir: path.join(ROOT, '.n8n-runtime', 'v2'),
		recipe: path.join(ROOT, 'scripts', 'runtime', 'v2'),
	},
	1: {
		n8n: '1.123.81',
		node: null, // this machine's Node 20
		dir: path.join(ROOT, '.n8n-runtime', 'v1'),
		recipe: path.join(ROOT, 'scripts', 'runtime', 'v1'),
	},
};

function runtime(major) {
	const rt = RUNTIMES[major];
	if (!rt) throw new Error(`n8n ${major}.x is not one of the lines this project runs (2 or 1)`);
	return rt;
}

function sleep(ms, { unref = false } = {}) {
	return new Promise((resolve) => {
		const timer = setTimeout(resolve, ms);
		if (unref) timer.unref();
	});
}

const RECIPE_FILES = ['package.json', 'package-lock.json'];

function sameFile(a, b) {
	try {
		return fs.readFileSync(a).equals(fs.readFileSync(b));
	} catch {
		return false;
	}
}

/** Installs n8n `major`.x into .n8n-runtime/v<major> from its lock file, unless that exact tree is there. */
function ensureN8n(major, log = console.log) {
	const rt = runtime(major);
	const bin = path.join(rt.dir, 'node_modules', '.bin');
	const ready =
		fs.existsSync(path.join(bin, 'n8n')) &&
		(!rt.node || fs.existsSync(path.join(bin, 'node'))) &&
		RECIPE_FILES.every((f) => sameFile(path.join(rt.recipe, f), path.join(rt.dir, f)));
	if (ready) return rt;
	log(`installing n8n ${rt.n8n}${rt.node ? ` and Node ${rt.node}` : ''} into ${path.relative(ROOT, rt.dir)} (once; a few minutes)`);
	fs.mkdirSync(rt.dir, { recursive: true });
	for (const f of RECIPE_FILES) fs.copyFileSync(path.join(rt.recipe, f), path.join(rt.dir, f));
	const r = spawnSync('npm', ['ci', '--no-audit', '--no-fund', '--loglevel=error'], { cwd: rt.dir, stdio: 'inherit' });
	if (r.status !== 0) throw new Error(`npm ci of n8n ${rt.n8n} from ${path.relative(ROOT, rt.recipe)} failed (exit ${r.status ?? r.signal})`);
	return rt;
}

/**
 * Makes this package (or the package in `dir`, e.g. a benchmark's own) visible to n8n as a community package
 * installed from the Community Nodes panel.
 */
function linkPackage(userFolder, dir = ROOT) {
	const modules = path.join(userFolder, '.n8n', 'nodes', 'node_modules');
	fs.mkdirSync(modules, { recursive: true });
	const name = dir === ROOT ? PACKAGE_NAME : JSON.parse(fs.readFileSync(path.join(dir, 'package.json'), 'utf8')).name;
	const link = path.join(modules, name);
	try {
		const st = fs.lstatSync(link);
		if (st.isSymbolicLink() && fs.realpathSync(link) === fs.realpathSync(dir)) return;
		fs.rmSync(link, { recursive: true, force: true });
	} catch {
		// not there yet
	}
	fs.symlinkSync(dir, link, 'dir');
}

/** A free TCP port on 127.0.0.1. */
function freePort() {
	return new Promise((resolve, reject) => {
		const srv = net.createServer();
		srv.unref();
		srv.on('error', reject);
		srv.listen(0, HOST, () => {
			const { port } = srv.address();
			srv.close(() => resolve(port));
		});
	});
}

/** Plain HTTP to 127.0.0.1 only. Resolves { status, headers, body (parsed JSON when it is), text }. */
function request(method, url, { body, headers = {}, raw, timeoutMs = 60000 } = {}) {
	const u = new URL(url);
	if (u.hostname !== HOST && u.hostname !== 'localhost') return Promise.reject(new Error(`refusing to call ${u.host}: loopback only`));
	const data = raw !== undefined ? Buffer.from(raw) : body === undefined ? undefined : Buffer.from(JSON.stringify(body));
	const baseHeaders = data ? { 'content-type': 'application/json', 'content-length': data.length } : {};
	return new Promise((resolve, reject) => {
		const req = http.request(u, { method, agent: false, headers: { ...baseHeaders, ...headers } }, (res) => {
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
				resolve({ status: res.statusCode, headers: res.headers, body: parsed, text });
			});
		});
		req.on('error', reject);
		req.setTimeout(timeoutMs, () => req.destroy(new Error(`timeout: ${method} ${url}`)));
		if (data) req.write(data);
		req.end();
	});
}

/** An error that ends a waitFor at once instead of being retried. */
function fatal(message) {
	const e = new Error(message);
	e.fatal = true;
	return e;
}

async function waitFor(what, check, timeoutMs, intervalMs = 250) {
	const until = Date.now() + timeoutMs;
	let last;
	for (;;) {
		try {
			const ok = await check();
			if (ok) return ok;
		} catch (e) {
			if (e && e.fatal) throw e;
			last = e;
		}
		if (Date.now() > until) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}${last ? `: ${last.message}` : ''}`);
		await sleep(intervalMs);
	}
}

/** The environment n8n runs with: loopback only, project-local folders, nothing that calls out. */
function n8nEnv({ major, userFolder, port, brokerPort, encryptionKey, extra = {} }) {
	const rt = runtime(major);
	const bin = path.join(rt.dir, 'node_modules', '.bin');
	const url = `http://${HOST}:${port}`;
	const tmp = path.join(userFolder, 'tmp');
	fs.mkdirSync(tmp, { recursive: true });
	const env = {
		...process.env,
		PATH: `${bin}${path.delimiter}${process.env.PATH}`,
		N8N_USER_FOLDER: userFolder,
		N8N_PORT: String(port),
		N8N_RUNNERS_BROKER_PORT: String(brokerPort),
		N8N_LISTEN_ADDRESS: HOST,
		N8N_HOST: HOST,
		N8N_PROTOCOL: 'http',
		WEBHOOK_URL: `${url}/`,
		N8N_EDITOR_BASE_URL: `${url}/`,
		N8N_ENCRYPTION_KEY: encryptionKey,
		DB_TYPE: 'sqlite',
		N8N_DIAGNOSTICS_ENABLED: 'false',
		N8N_VERSION_NOTIFICATIONS_ENABLED: 'false',
		N8N_TEMPLATES_ENABLED: 'false',
		N8N_PERSONALIZATION_ENABLED: 'false',
		N8N_LICENSE_AUTO_RENEW_ENABLED: 'false',
		N8N_ENFORCE_SETTINGS_FILE_PERMISSIONS: 'false',
		N8N_SECURE_COOKIE: 'false',
		// the emulator is on 127.0.0.1: n8n must be allowed to call it
		N8N_SSRF_PROTECTION_ENABLED: 'false',
		N8N_COMMUNITY_PACKAGES_ENABLED: 'true',
		N8N_UNVERIFIED_PACKAGES_ENABLED: 'true',
		N8N_RUNNERS_ENABLED: 'true',
		N8N_LOG_OUTPUT: 'console',
		NO_PROXY: [process.env.NO_PROXY, '127.0.0.1,localhost'].filter(Boolean).join(','),
		no_proxy: [process.env.no_proxy, '127.0.0.1,localhost'].filter(Boolean).join(','),
		TMPDIR: tmp,
	};
	if (major === 2) {
		env.N8N_DISABLED_MODULES = 'mcp-registry'; // else 2.x calls out to the internet; 1.x crashes on the variable
	} else {
		env.N8N_EXPRESSION_ENGINE = 'legacy'; // 1.x exits at start without isolated-vm, which cannot build on Node 20
		delete env.N8N_DISABLED_MODULES;
	}
	// jest sets NODE_ENV=test, with which n8n exits at start without a word
	delete env.NODE_ENV;
	delete env.JEST_WORKER_ID;
	for (const [k, v] of Object.entries(extra)) {
		if (v === undefined) delete env[k];
		else env[k] = String(v);
	}
	return env;
}

/** Stops a child started with `detached: true` and its whole process group (n8n's task runner is in it). */
async function stopGroup(child, graceMs = 15000) {
	if (!child || child.exitCode !== null || child.signalCode !== null) return;
	const exited = new Promise((resolve) => child.once('exit', () => resolve(true)));
	try {
		process.kill(-child.pid, 'SIGTERM');
	} catch {
		return;
	}
	if (!(await Promise.race([exited, sleep(graceMs, { unref: true }).then(() => false)]))) {
		try {
			process.kill(-child.pid, 'SIGKILL');
		} catch {
			// gone
		}
		await Promise.race([exited, sleep(5000, { unref: true })]);
	}
}

/**
 * Starts `n8n <command>` (start, worker, webhook) and, for start/webhook, waits until it is ready.
 * Returns { url, port, child, logFile, log(), stop() }.
 */
async function startN8n({ major = 2, userFolder, port, brokerPort, encryptionKey, command = 'start', args = [], env = {}, logFile, readyTimeoutMs = 180000 }) {
	const rt = runtime(major);
	fs.mkdirSync(userFolder, { recursive: true });
	port = port ?? (await freePort());
	brokerPort = brokerPort ?? (await freePort());
	encryptionKey = encryptionKey ?? crypto.randomBytes(24).toString('hex');
	logFile = logFile ?? path.join(userFolder, `n8n-${command}.log`);
	const fullEnv = n8nEnv({ major, userFolder, port, brokerPort, encryptionKey, extra: env });
	const out = fs.openSync(logFile, 'a');
	const child = spawn(path.join(rt.dir, 'node_modules', '.bin', 'n8n'), [command, ...args], {
		cwd: userFolder,
		env: fullEnv,
		stdio: ['ignore', out, out],
		detached: true,
	});
	fs.closeSync(out);
	let exitInfo = null;
	child.on('exit', (code, signal) => {
		exitInfo = code ?? signal;
	});
	const url = `http://${HOST}:${port}`;
	const handle = {
		major,
		version: rt.n8n,
		url,
		port,
		brokerPort,
		encryptionKey,
		userFolder,
		child,
		logFile,
		log: () => (fs.existsSync(logFile) ? fs.readFileSync(logFile, 'utf8') : ''),
		stop: () => stopGroup(child),
	};
	if (command === 'worker') {
		await waitFor(`n8n worker to start`, () => {
			if (exitInfo !== null) throw fatal(`n8n worker exited (${exitInfo}); last log lines:\n${handle.log().split('\n').slice(-30).join('\n')}`);
			return /worker.*(ready|started)|n8n worker is now ready/i.test(handle.log());
		}, readyTimeoutMs, 500);
		return handle;
	}
	try {
		await waitFor(`n8n ${rt.n8n} on ${url}`, async () => {
			if (exitInfo !== null) throw fatal(`n8n exited (${exitInfo}); last log lines:\n${handle.log().split('\n').slice(-30).join('\n')}`);
			const r = await request('GET', `${url}/healthz/readiness`, { timeoutMs: 5000 });
			if (r.status !== 200) return false;
			// 1.x reports ready before its migrations have run and its REST API is mounted
			if (command !== 'start') return true;
			return (await request('GET', `${url}/rest/settings`, { timeoutMs: 5000 })).status === 200;
		}, readyTimeoutMs, 500);
	} catch (e) {
		await handle.stop();
		throw e;
	}
	return handle;
}

/**
 * A REST session as the instance owner: sets the owner up on a fresh instance, logs in otherwise.
 * Returns rest(method, path, body) → the response's `data` (throws on status >= 300), with rest.raw for the response.
 */
async function restSession(baseUrl, { email = 'owner@example.com', password = `Owner-${crypto.randomBytes(6).toString('hex')}1`, firstName = 'Test', lastName = 'Owner' } = {}) {
	const browserId = crypto.randomUUID();
	const headers = { 'browser-id': browserId };
	let res = await request('POST', `${baseUrl}/rest/owner/setup`, { headers, body: { email, firstName, lastName, password } });
	let created = res.status === 200;
	if (!created) {
		// 2.x asks for emailOrLdapLoginId, 1.x for email
		res = await request('POST', `${baseUrl}/rest/login`, { headers, body: { emailOrLdapLoginId: email, password } });
		if (res.status !== 200) res = await request('POST', `${baseUrl}/rest/login`, { headers, body: { email, password } });
		if (res.status !== 200) throw new Error(`cannot log in to ${baseUrl} as ${email} (${res.status})`);
	}
	const cookie = (res.headers['set-cookie'] || []).map((c) => c.split(';')[0]).join('; ');
	const raw = (method, url, body) => request(method, `${baseUrl}/rest${url}`, { body, headers: { ...headers, cookie } });
	const rest = async (method, url, body) => {
		const r = await raw(method, url, body);
		if (r.status >= 300) {
			const err = new Error(`${method} /rest${url}: ${r.status} ${r.text.slice(0, 500)}`);
			err.status = r.status;
			throw err;
		}
		return r.body && typeof r.body === 'object' && 'data' in r.body ? r.body.data : r.body;
	};
	rest.raw = raw;
	/** The headers of this session, for n8n URLs outside /rest (e.g. /types/nodes.json). */
	rest.headers = { ...headers, cookie };
	rest.ownerCreated = created;
	rest.login = { email, password };
	return rest;
}

/** Activates a workflow through the REST API (the editor's switch) and waits until n8n reports it active. */
async function activateWorkflow(rest, id) {
	const wf = await rest('GET', `/workflows/${id}`);
	try {
		await rest('POST', `/workflows/${id}/activate`, { versionId: wf.versionId });
	} catch (e) {
		if (e.status !== 404) throw e;
		// 1.x: the switch is a PATCH of `active`
		await rest('PATCH', `/workflows/${id}`, { active: true, versionId: wf.versionId });
	}
	await waitFor(`activation of workflow ${id}`, async () => (await rest('GET', `/workflows/${id}`)).active === true, 60000);
}

async function deactivateWorkflow(rest, id) {
	const wf = await rest('GET', `/workflows/${id}`);
	try {
		await rest('POST', `/workflows/${id}/deactivate`, {});
	} catch (e) {
		if (e.status !== 404) throw e;
		await rest('PATCH', `/workflows/${id}`, { active: false, versionId: wf.versionId });
	}
	await waitFor(`deactivation of workflow ${id}`, async () => (await rest('GET', `/workflows/${id}`)).active === false, 60000);
}

/** n8n's `flatted` parser, from the installed n8n (execution data is stored in that format). */
function flattedParse(major) {
	const { parse } = require(require.resolve('flatted', { paths: [runtime(major).dir] }));
	return parse;
}

/** Executions of a workflow, newest first, as n8n lists them (id, status, mode, startedAt...). */
async function listExecutions(rest, workflowId) {
	const filter = encodeURIComponent(JSON.stringify({ workflowId: String(workflowId) }));
	const data = await rest('GET', `/executions?filter=${filter}&limit=100`);
	const results = Array.isArray(data) ? data : data.results;
	return results;
}

/** One execution with its run data parsed: { ...execution, runData: { [node]: [{ data: { main: [[{ json }]] } }] } }. */
async function getExecution(rest, major, id) {
	const ex = await rest('GET', `/executions/${id}`);
	const data = typeof ex.data === 'string' ? flattedParse(major)(ex.data) : ex.data;
	return { ...ex, parsed: data, runData: data?.resultData?.runData ?? {} };
}

/** The JSON items a node output in an execution (first run, first output). */
function nodeOutput(execution, nodeName) {
	const run = execution.runData[nodeName]?.[0];
	return (run?.data?.main?.[0] ?? []).map((item) => item.json);
}

/** Where the two-way examples reach the service-desk stand-in: replaced by `serviceDesk.url` when given. */
const EXAMPLE_SERVICE_DESK = 'http://127.0.0.1:5681';

/**
 * An example workflow from examples/ (e.g. `two-way/…json`), with its Azure DevOps credential and project pointed at
 * `projectUrl`, and, when `serviceDesk` is given, its service-desk requests at `serviceDesk.url` with that credential
 * (HTTP Header Auth).
 */
function exampleWorkflow(file, { credentialId, credentialName, projectUrl, serviceDesk }) {
	const wf = JSON.parse(fs.readFileSync(path.join(ROOT, 'examples', file), 'utf8'));
	const exampleProject = 'http://127.0.0.1:5680/fabrikam/Service%20Desk';
	const rewrite = (value) => {
		if (typeof value === 'string') {
			let out = value.split(exampleProject).join(projectUrl);
			if (serviceDesk) out = out.split(EXAMPLE_SERVICE_DESK).join(serviceDesk.url);
			return out;
		}
		if (Array.isArray(value)) return value.map(rewrite);
		if (value && typeof value === 'object') return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, rewrite(v)]));
		return value;
	};
	for (const node of wf.nodes) {
		for (const [type, cred] of Object.entries(node.credentials || {})) {
			if (type === 'httpHeaderAuth' && serviceDesk) {
				cred.id = serviceDesk.credentialId;
				cred.name = serviceDesk.credentialName;
			} else if (type !== 'httpHeaderAuth') {
				cred.id = credentialId;
				cred.name = credentialName;
			}
		}
		node.parameters = rewrite(node.parameters);
	}
	return wf;
}

/** Waits until a production webhook answers something else than "not registered" (2.x registers asynchronously). */
async function waitForWebhook(url, timeoutMs = 30000) {
	await waitFor(`the webhook ${url}`, async () => {
		const r = await request('GET', url);
		// a POST-only webhook answers 404 to GET either way; the message says whether it exists for another method
		return r.status !== 404 || /not registered for GET|POST/i.test(r.text);
	}, timeoutMs);
}

module.exports = {
	ROOT,
	HOST,
	PACKAGE_NAME,
	RUNTIMES,
	runtime,
	ensureN8n,
	linkPackage,
	freePort,
	request,
	waitFor,
	sleep,
	n8nEnv,
	startN8n,
	stopGroup,
	restSession,
	activateWorkflow,
	deactivateWorkflow,
	flattedParse,
	listExecutions,
	getExecution,
	nodeOutput,
	exampleWorkflow,
	waitForWebhook,
};
