// The benchmarks that need a real n8n (issue 7, items 1, 3 and 6), all in ONE n8n 2.x process with this package loaded
// (the built dist/: run `npm run build` first) and the Azure DevOps emulator on 127.0.0.1:
//   1. events/s of a workflow started by the Azure DevOps Connector Trigger versus the same workflow started by n8n's
//      own Webhook node, both receiving the official workitem.updated sample, in alternating rounds;
//   3. creating 1,000 tickets through Create From Ticket versus the naive HTTP Request flow, against 50 ms of latency
//      per request and a rate limit that answers 429 with Retry-After;
//   6. peak RSS of n8n's process group (main + task runner) during 1 and 3 versus the same n8n idle.
// Nothing here asserts a time: only that the runs happened and that the counts are right.
// Knobs (environment): BENCH_EVENTS_PER_ROUND / BENCH_EVENT_ROUNDS (item 1's size), BENCH_SIDES (item 1's sides, e.g.
// "AC"; ratios only with A), BENCH_TRIGGER_TYPE_VERSION (see
// below), BENCH_N8N_CPU_PROF=<dir> (every n8n process writes a .cpuprofile there when it stops), BENCH_KEEP_N8N=1 (keep
// n8n's folder), and n8n's own N8N_EXPRESSION_ENGINE* variables, passed through and printed. Run one part alone with
// jest's -t "1. events" or -t "3. creating".
import * as crypto from 'node:crypto';
import * as fs from 'node:fs';
import * as http from 'node:http';
import * as os from 'node:os';
import * as path from 'node:path';

import type { Emulator } from '../test/emulator';
import { n8n, startStack, type Stack } from '../test/e2e/support';
import { BEGIN_STATE, seedSettings } from '../test/nodes/create-from-ticket.support';
import { buildFloorPackage, FLOOR_PACKAGE } from './floor-package/build';
import { count, median } from './measure';

// ---------------------------------------------------------------------------------------------------- settings

/** Item 1: requests per round, rounds per side (alternating A, B, A, B, ...), requests in flight. */
const EVENTS_PER_ROUND = Number(process.env.BENCH_EVENTS_PER_ROUND ?? 80);
const EVENT_ROUNDS = Number(process.env.BENCH_EVENT_ROUNDS ?? 3);
const EVENT_CONCURRENCY = 8;
const WARM_UP_EVENTS = 20;

/** Item 3: tickets per run, emulator latency per request and its rate limit (per token, sliding window). */
const TICKETS = 1000;
const LATENCY_MS = 50;
const RATE_LIMIT = { requests: 100, perMs: 1000, retryAfterSeconds: 1 };
/** The naive flow as it comes (n8n's default batch interval of 1 s) only on this many tickets: 1,000 would take 17 min. */
const NAIVE_DEFAULT_TICKETS = 15;
/** Create From Ticket's Concurrency option: its default and its maximum (nodes/.../createFromTicket/description.ts). */
const CONCURRENCY_DEFAULT = 4;
const CONCURRENCY_MAX = 20;

const HOOK_USER = 'azure-devops';
const HOOK_PASSWORD = `bench-${crypto.randomBytes(9).toString('hex')}`;
const AUTHORIZATION = `Basic ${Buffer.from(`${HOOK_USER}:${HOOK_PASSWORD}`).toString('base64')}`;

const TRIGGER_TYPE = `${n8n.PACKAGE_NAME}.azureDevOpsConnectorTrigger`;
/**
 * The trigger's typeVersion in workflow A: 1.1, what the node adds by default. n8n 2.41 evaluates
 * `$parameter["options"]["binaryData"]` through the expression engine for every request to a start node of typeVersion
 * 1 (parseRequestBody in n8n/dist/webhooks/webhook-helpers.js, meant for the Webhook node v1);
 * BENCH_TRIGGER_TYPE_VERSION=1 measures what workflows saved with version 1 cost.
 */
const TRIGGER_TYPE_VERSION = Number(process.env.BENCH_TRIGGER_TYPE_VERSION ?? 1.1);
const ACTION_TYPE = `${n8n.PACKAGE_NAME}.azureDevOpsConnector`;

/** The expression engine n8n runs with: its own defaults (n8n 2.41.1, @n8n/config) unless the environment sets them. */
const ENGINE_SETTINGS: Array<[string, string]> = [
	['N8N_EXPRESSION_ENGINE', 'vm'],
	['N8N_EXPRESSION_ENGINE_POOL_SIZE', '1'],
	['N8N_EXPRESSION_ENGINE_LAZY_ACQUIRE', 'false'],
	['N8N_EXPRESSION_ENGINE_ALLOW_WEBHOOK_ISOLATE_SKIP', 'true'],
];

// ---------------------------------------------------------------------------------------------------- memory

interface GroupSample {
	rssKb: number;
	processes: number;
}

/**
 * Resident memory of a process group (n8n's main process is started detached, so its pid is the group id, and the
 * task runner it spawns stays in the group), sampled every 100 ms. Peaks are taken per window.
 */
class GroupMemory {
	private members: number[] = [];
	private lastScan = 0;
	private timer?: NodeJS.Timeout;
	private windowPeak: GroupSample = { rssKb: 0, processes: 0 };

	constructor(private readonly pgid: number) {}

	start(): void {
		this.timer = setInterval(() => this.sample(), 100);
		this.timer.unref();
	}

	stop(): void {
		if (this.timer) clearInterval(this.timer);
	}

	/** Starts a new window; `end()` returns its peak. */
	begin(): void {
		this.windowPeak = { rssKb: 0, processes: 0 };
		this.sample();
	}

	end(): GroupSample {
		this.sample();
		return { ...this.windowPeak };
	}

	/** Each member's own high-water mark (VmHWM) since it started: pid, command and kB. */
	highWaterMarks(): Array<{ pid: number; command: string; hwmKb: number }> {
		this.scan();
		return this.members.map((pid) => ({
			pid,
			command: readText(`/proc/${pid}/cmdline`).split('\0').filter(Boolean).slice(0, 3).join(' ').slice(0, 120),
			hwmKb: statusKb(pid, 'VmHWM'),
		}));
	}

	/** CPU time (user + system) the group's processes have used so far, in ms (USER_HZ is 100 on Linux). */
	cpuMs(): number {
		this.scan();
		let ticks = 0;
		for (const pid of this.members) {
			const stat = readText(`/proc/${pid}/stat`);
			const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
			// fields[11] and fields[12] are utime and stime (the 14th and 15th fields of the line)
			ticks += Number(fields[11] ?? 0) + Number(fields[12] ?? 0);
		}
		return ticks * 10;
	}

	private scan(): void {
		const members: number[] = [];
		for (const entry of fs.readdirSync('/proc')) {
			if (!/^\d+$/.test(entry)) continue;
			const stat = readText(`/proc/${entry}/stat`);
			// "pid (comm) state ppid pgrp ...": comm may hold spaces, so split after its closing parenthesis
			const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
			if (Number(fields[2]) === this.pgid) members.push(Number(entry));
		}
		this.members = members;
		this.lastScan = Date.now();
	}

	private sample(): void {
		if (Date.now() - this.lastScan > 1000) this.scan();
		let rssKb = 0;
		for (const pid of this.members) rssKb += statusKb(pid, 'VmRSS');
		if (rssKb > this.windowPeak.rssKb) this.windowPeak = { rssKb, processes: this.members.length };
	}
}

function readText(file: string): string {
	try {
		return fs.readFileSync(file, 'utf8');
	} catch {
		return ''; // the process ended between the scan and the read
	}
}

function statusKb(pid: number, key: 'VmRSS' | 'VmHWM'): number {
	const match = new RegExp(`^${key}:\\s+(\\d+) kB`, 'm').exec(readText(`/proc/${pid}/status`));
	return match ? Number(match[1]) : 0;
}

const mb = (kb: number): string => `${(kb / 1024).toFixed(0)} MB`;

// ---------------------------------------------------------------------------------------------------- HTTP load

interface Answer {
	status: number;
	text: string;
}

function post(agent: http.Agent, url: string, body: Buffer, headers: Record<string, string>, timeoutMs = 60_000): Promise<Answer> {
	const u = new URL(url);
	if (u.hostname !== '127.0.0.1') return Promise.reject(new Error(`loopback only, not ${u.hostname}`));
	return new Promise((resolve, reject) => {
		const req = http.request(
			u,
			{
				method: 'POST',
				agent,
				headers: { 'content-type': 'application/json', 'content-length': body.length, ...headers },
			},
			(res) => {
				const chunks: Buffer[] = [];
				res.on('data', (chunk: Buffer) => chunks.push(chunk));
				res.on('end', () => resolve({ status: res.statusCode ?? 0, text: Buffer.concat(chunks).toString('utf8') }));
				res.on('error', reject);
			},
		);
		req.on('error', reject);
		req.setTimeout(timeoutMs, () => req.destroy(new Error(`timeout after ${timeoutMs} ms: POST ${url}`)));
		req.end(body);
	});
}

interface RoundResult {
	startedAt: number;
	answeredAt: number;
	accepted: number;
	refused: Map<string, number>;
}

/** Sends every body with `concurrency` requests in flight; `accepts` says whether an answer started a workflow. */
async function sendRound(
	url: string,
	bodies: Buffer[],
	concurrency: number,
	accepts: (answer: Answer) => boolean,
): Promise<RoundResult> {
	const agent = new http.Agent({ keepAlive: true, maxSockets: concurrency });
	const refused = new Map<string, number>();
	let next = 0;
	let accepted = 0;
	const startedAt = Date.now();
	try {
		await Promise.all(
			Array.from({ length: concurrency }, async () => {
				while (next < bodies.length) {
					const body = bodies[next++];
					const answer = await post(agent, url, body, { authorization: AUTHORIZATION });
					if (accepts(answer)) accepted++;
					else {
						const key = `${answer.status} ${answer.text.slice(0, 160)}`;
						refused.set(key, (refused.get(key) ?? 0) + 1);
					}
				}
			}),
		);
	} finally {
		agent.destroy();
	}
	return { startedAt, answeredAt: Date.now(), accepted, refused };
}

// ---------------------------------------------------------------------------------------------------- n8n helpers

const FINISHED = ['success', 'error', 'crashed', 'canceled'];

interface ExecutionPage {
	count: number;
	results: Array<{ id: string; status: string; startedAt?: string; stoppedAt?: string }>;
	nextCursor?: string | null;
}

async function executionPage(stack: Stack, workflowId: string, limit: number, cursor?: string): Promise<ExecutionPage> {
	const filter = encodeURIComponent(JSON.stringify({ workflowId, status: FINISHED }));
	const more = cursor ? `&cursor=${encodeURIComponent(cursor)}` : '';
	return (await stack.rest('GET', `/executions?filter=${filter}&limit=${limit}${more}`)) as ExecutionPage;
}

/** Waits until n8n has recorded `total` finished executions of the workflow; returns the newest `newest` of them. */
async function recordedExecutions(stack: Stack, workflowId: string, total: number, newest: number, timeoutMs = 180_000): Promise<ExecutionPage['results']> {
	await n8n.waitFor(
		`${total} recorded executions of workflow ${workflowId}`,
		async () => (await executionPage(stack, workflowId, 1)).count >= total,
		timeoutMs,
		// polling costs n8n CPU too, counted in the CPU per event: not too often
		500,
	);
	const results: ExecutionPage['results'] = [];
	let cursor: string | undefined;
	while (results.length < newest) {
		const page = await executionPage(stack, workflowId, Math.min(100, newest - results.length), cursor);
		results.push(...page.results);
		if (!page.nextCursor || page.results.length === 0) break;
		cursor = page.nextCursor;
	}
	return results;
}

function node(name: string, type: string, typeVersion: number, position: [number, number], parameters: Record<string, unknown>, extra: Record<string, unknown> = {}) {
	return { id: crypto.randomUUID(), name, type, typeVersion, position, parameters, ...extra };
}

function chain(...names: string[]): Record<string, unknown> {
	const connections: Record<string, unknown> = {};
	for (let i = 0; i + 1 < names.length; i++) {
		connections[names[i]] = { main: [[{ node: names[i + 1], type: 'main', index: 0 }]] };
	}
	return connections;
}

async function importAndActivate(stack: Stack, workflow: Record<string, unknown>): Promise<string> {
	const id = await stack.importWorkflow({ settings: { executionOrder: 'v1' }, pinData: {}, ...workflow });
	await n8n.activateWorkflow(stack.rest, id);
	return id;
}

/** Posts to a production webhook until it answers something other than 404 (n8n 2.x registers asynchronously). */
async function waitUntilLive(url: string, body: Buffer): Promise<void> {
	const agent = new http.Agent();
	try {
		await n8n.waitFor(`the webhook ${url}`, async () => (await post(agent, url, body, { authorization: AUTHORIZATION })).status !== 404, 30_000);
	} finally {
		agent.destroy();
	}
}

// ---------------------------------------------------------------------------------------------------- item 1 data

function workItemUpdatedSample(): Record<string, unknown> {
	const file = path.join(__dirname, '..', 'test', 'fixtures', 'service-hooks', 'workitem.updated.json');
	return JSON.parse(fs.readFileSync(file, 'utf8')) as Record<string, unknown>;
}

let nextEvent = 1;

/**
 * The official sample, each delivery with a fresh notification id and a revision newer than the last, as Azure DevOps
 * sends them. Each also names its own work item: with 8 in flight, two revisions of one work item may reach the
 * trigger out of order, and the older would (rightly) be dropped as stale.
 */
function eventBodies(countOf: number): Buffer[] {
	const template = workItemUpdatedSample();
	return Array.from({ length: countOf }, () => {
		const n = nextEvent++;
		const body = structuredClone(template) as Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any
		body.id = crypto.randomUUID();
		body.notificationId = n;
		body.resource.id = n;
		body.resource.rev = n + 1;
		body.resource.workItemId = 100_000 + n;
		body.resource.revision.id = 100_000 + n;
		body.resource.revision.rev = n + 1;
		body.resource.fields['System.Rev'] = { oldValue: String(n), newValue: String(n + 1) };
		return Buffer.from(JSON.stringify(body));
	});
}

// ---------------------------------------------------------------------------------------------------- item 3 data

function tickets(run: string, countOf: number): Array<Record<string, string>> {
	return Array.from({ length: countOf }, (_, i) => {
		const id = `HD-${run}-${String(i + 1).padStart(4, '0')}`;
		return {
			TicketID: id,
			TicketTitle: `Printer ${i + 1} on floor 3 is offline <urgent>`,
			LatestImportantMessage: 'Paper jam & toner low',
			TicketUrl: `https://servicedesk.example.com/tickets/${id}`,
			state: BEGIN_STATE,
		};
	});
}

/** Work items per ticket id, read from the emulator's store (tag "Ticket:<id>", as both flows write it). */
function workItemsPerTicket(emu: Emulator): Map<string, number> {
	const perTicket = new Map<string, number>();
	for (let id = 1; ; id++) {
		const wi = emu.getWorkItem(id) as { fields: Record<string, unknown> } | undefined;
		if (!wi) break;
		for (const tag of String(wi.fields['System.Tags'] ?? '').split(';')) {
			const t = tag.trim();
			if (t.startsWith('Ticket:')) perTicket.set(t.slice(7), (perTicket.get(t.slice(7)) ?? 0) + 1);
		}
	}
	return perTicket;
}

interface CreationRun {
	label: string;
	tickets: number;
	wallMs: number;
	status: number;
	failed: number;
	duplicates: number;
	created: number;
	requests: number;
	throttled: number;
	peak: GroupSample;
}

// ---------------------------------------------------------------------------------------------------- the run

let stack: Stack;
let memory: GroupMemory;
const report: string[] = [];
const say = (line: string): void => {
	report.push(line);
};
/** Where the run is, on stderr at once (jest holds console output until the test ends). */
const progress = (line: string): void => {
	process.stderr.write(`[real-n8n ${new Date().toISOString().slice(11, 19)}] ${line}\n`);
};

let idle: GroupSample | undefined;
let eventsPeak: GroupSample | undefined;
const runs: CreationRun[] = [];

beforeAll(async () => {
	const profileDir = process.env.BENCH_N8N_CPU_PROF;
	// the floors of item 1, loaded as a second community package
	const floorDir = buildFloorPackage(path.join(n8n.ROOT, '.tmp', 'bench-floor', FLOOR_PACKAGE));
	stack = await startStack({
		major: 2,
		packages: [floorDir],
		env: {
			// the same for both sides; debug logging (the e2e default) would cost more than either workflow
			N8N_LOG_LEVEL: 'warn',
			// a CPU profile of every n8n process, written when n8n stops (for the profile findings, not for figures)
			...(profileDir ? { NODE_OPTIONS: `--cpu-prof --cpu-prof-dir=${path.resolve(profileDir)}` } : {}),
		},
	});
	memory = new GroupMemory(stack.main.child.pid as number);
	memory.start();
	progress(`n8n ${stack.version} ready on ${stack.main.url} (folder ${path.dirname(stack.main.userFolder)})`);
	say(`real-n8n benchmarks: n8n ${stack.version} on Node ${nodeVersionOf(stack)}; harness on Node ${process.version}; ${os.cpus().length} cores`);
	say(`expression engine: ${ENGINE_SETTINGS.map(([key, fallback]) => `${key}=${process.env[key] ?? `${fallback} (default)`}`).join(', ')}`);
	say('  (n8n skips the isolate for the webhook phase of its own Webhook node only: webhookPhaseNeedsIsolate in n8n/dist/webhooks/live-webhooks.js)');

	// 6. idle: the package loaded, nothing active yet
	await n8n.sleep(3000);
	memory.begin();
	await n8n.sleep(5000);
	idle = memory.end();
}, 300_000);

afterAll(async () => {
	memory?.stop();
	if (idle) {
		say('');
		say(`6. peak RSS of n8n's process group (main + task runner), sampled every 100 ms:`);
		say(`   idle, package loaded: ${mb(idle.rssKb)} (${idle.processes} processes)`);
		if (eventsPeak) say(`   during 1 (events, both sides):  ${mb(eventsPeak.rssKb)}  ratio to idle ${(eventsPeak.rssKb / idle.rssKb).toFixed(2)}`);
		for (const r of runs) say(`   during 3, ${r.label}: ${mb(r.peak.rssKb)}  ratio to idle ${(r.peak.rssKb / idle.rssKb).toFixed(2)}`);
		say(`   high-water marks (VmHWM) at the end: ${memory.highWaterMarks().map((p) => `pid ${p.pid} ${mb(p.hwmKb)} (${p.command})`).join('; ')}`);
	}
	const folder = stack ? path.dirname(stack.main.userFolder) : undefined;
	await stack?.stop();
	// this run's own n8n folder (database with a few thousand executions); kept when asked
	if (folder && !process.env.BENCH_KEEP_N8N && folder.includes(`${path.sep}.tmp${path.sep}e2e${path.sep}`)) {
		fs.rmSync(folder, { recursive: true, force: true });
	}
	console.log(report.join('\n'));
}, 120_000);

it('1. events/s: Azure DevOps Connector Trigger versus n8n\'s Webhook node', async () => {
	// ---- 1. events per second
	const hookCredential = await stack.rest('POST', '/credentials', {
		name: 'Service hook secret (bench)',
		type: 'azureDevOpsWebhookAuthApi',
		data: { authType: 'basicAuth', user: HOOK_USER, password: HOOK_PASSWORD },
	});
	const basicCredential = await stack.rest('POST', '/credentials', {
		name: 'Basic auth (bench)',
		type: 'httpBasicAuth',
		data: { user: HOOK_USER, password: HOOK_PASSWORD },
	});
	const triggerHook = crypto.randomUUID();
	const workflowA = await importAndActivate(stack, {
		name: 'bench A: Azure DevOps Connector Trigger',
		nodes: [
			node(
				'Work item updated',
				TRIGGER_TYPE,
				TRIGGER_TYPE_VERSION,
				[0, 0],
				{
					authentication: 'none',
					deliveryAuthentication: 'credential',
					workItemEndState: 'Closed',
					endState: 'Return from DevOps',
					stateMap: { row: [{ devOpsState: 'Resolved', ticketState: 'Waiting for Requester' }] },
				},
				{
					webhookId: triggerHook,
					credentials: { azureDevOpsWebhookAuthApi: { id: String(hookCredential.id), name: hookCredential.name } },
				},
			),
			node('Done', 'n8n-nodes-base.noOp', 1, [220, 0], {}),
		],
		connections: chain('Work item updated', 'Done'),
	});
	const webhookPath = `bench-webhook-${crypto.randomBytes(4).toString('hex')}`;
	const workflowB = await importAndActivate(stack, {
		name: "bench B: n8n's Webhook node",
		nodes: [
			node(
				'Webhook',
				'n8n-nodes-base.webhook',
				2.1,
				[0, 0],
				{ httpMethod: 'POST', path: webhookPath, authentication: 'basicAuth', responseMode: 'onReceived', options: {} },
				{ webhookId: crypto.randomUUID(), credentials: { httpBasicAuth: { id: String(basicCredential.id), name: basicCredential.name } } },
			),
			node('Done', 'n8n-nodes-base.noOp', 1, [220, 0], {}),
		],
		connections: chain('Webhook', 'Done'),
	});
	// The floors (bench/floor-package, a second community package): the same kind of node as ours (community trigger,
	// typeVersion 1.1, answering itself), doing nothing, and doing nothing but read its credential per delivery.
	const floorCredential = await stack.rest('POST', '/credentials', {
		name: 'Floor secret (bench)',
		type: 'benchFloorSecretApi',
		data: { user: HOOK_USER, password: HOOK_PASSWORD },
	});
	const floorHook = crypto.randomUUID();
	const workflowC = await importAndActivate(stack, {
		name: 'bench C: do-nothing community trigger',
		nodes: [
			node('Floor', `${FLOOR_PACKAGE}.benchFloorTrigger`, 1.1, [0, 0], {}, { webhookId: floorHook }),
			node('Done', 'n8n-nodes-base.noOp', 1, [220, 0], {}),
		],
		connections: chain('Floor', 'Done'),
	});
	const floorCredentialHook = crypto.randomUUID();
	const workflowD = await importAndActivate(stack, {
		name: 'bench D: do-nothing community trigger reading a credential per delivery',
		nodes: [
			node('Floor with credential', `${FLOOR_PACKAGE}.benchFloorCredentialTrigger`, 1.1, [0, 0], {}, {
				webhookId: floorCredentialHook,
				credentials: { benchFloorSecretApi: { id: String(floorCredential.id), name: floorCredential.name } },
			}),
			node('Done', 'n8n-nodes-base.noOp', 1, [220, 0], {}),
		],
		connections: chain('Floor with credential', 'Done'),
	});
	const floorWindowHook = crypto.randomUUID();
	const workflowE = await importAndActivate(stack, {
		name: 'bench E: do-nothing community trigger saving a duplicate window of our size per delivery',
		nodes: [
			node('Floor with window', `${FLOOR_PACKAGE}.benchFloorStaticDataTrigger`, 1.1, [0, 0], {}, { webhookId: floorWindowHook }),
			node('Done', 'n8n-nodes-base.noOp', 1, [220, 0], {}),
		],
		connections: chain('Floor with window', 'Done'),
	});
	const urlA = `${stack.webhookBase}/webhook/${triggerHook}/webhook`;
	const urlB = `${stack.webhookBase}/webhook/${webhookPath}`;
	const acceptedByFloor = (a: Answer) => a.status === 200 && /"accepted":\s*true/.test(a.text);
	const allSides = [
		{
			name: 'A trigger',
			url: urlA,
			workflowId: workflowA,
			accepts: (a: Answer) => a.status === 200 && /"accepted":\s*true/.test(a.text),
			recorded: 0,
		},
		{ name: 'B webhook', url: urlB, workflowId: workflowB, accepts: (a: Answer) => a.status === 200, recorded: 0 },
		{ name: 'C floor', url: `${stack.webhookBase}/webhook/${floorHook}/webhook`, workflowId: workflowC, accepts: acceptedByFloor, recorded: 0 },
		{
			name: 'D floor+credential',
			url: `${stack.webhookBase}/webhook/${floorCredentialHook}/webhook`,
			workflowId: workflowD,
			accepts: acceptedByFloor,
			recorded: 0,
		},
		{
			name: 'E floor+window',
			url: `${stack.webhookBase}/webhook/${floorWindowHook}/webhook`,
			workflowId: workflowE,
			accepts: acceptedByFloor,
			recorded: 0,
		},
	];
	// BENCH_SIDES (e.g. "A" or "E"): only these sides, for a CPU profile of one of them; ratios need A.
	const wanted = (process.env.BENCH_SIDES ?? 'ABCDE').toUpperCase();
	const sides = allSides.filter((side) => wanted.includes(side.name[0]));
	progress('item 1: workflows A and B active');
	for (const side of sides) {
		const [first] = eventBodies(1);
		await waitUntilLive(side.url, first);
		progress(`item 1: ${side.name} live`);
		side.recorded += 1; // the probe above was a real, accepted delivery
	}

	memory.begin();
	const acceptedRates: number[][] = sides.map(() => []);
	const completedRates: number[][] = sides.map(() => []);
	const cpuPerEvent: number[][] = sides.map(() => []);
	for (let round = -1; round < EVENT_ROUNDS; round++) {
		const warmUp = round < 0;
		for (let s = 0; s < sides.length; s++) {
			const side = sides[s];
			const size = warmUp ? WARM_UP_EVENTS : EVENTS_PER_ROUND;
			const bodies = eventBodies(size);
			const cpuBefore = memory.cpuMs();
			const result = await sendRound(side.url, bodies, EVENT_CONCURRENCY, side.accepts);
			progress(`item 1: round ${round} ${side.name}: ${result.accepted}/${size} accepted in ${result.answeredAt - result.startedAt} ms`);
			expect([...result.refused.entries()]).toEqual([]);
			expect(result.accepted).toBe(size);
			side.recorded += size;
			const executions = await recordedExecutions(stack, side.workflowId, side.recorded, size);
			expect(executions).toHaveLength(size);
			expect(executions.filter((e) => e.status !== 'success')).toEqual([]);
			const cpuMs = memory.cpuMs() - cpuBefore;
			progress(`item 1: round ${round} ${side.name}: ${executions.length} recorded; n8n CPU ${cpuMs} ms`);
			if (warmUp) continue;
			cpuPerEvent[s].push(cpuMs / size);
			const lastStop = Math.max(...executions.map((e) => Date.parse(e.stoppedAt ?? '')));
			acceptedRates[s].push((size * 1000) / (result.answeredAt - result.startedAt));
			completedRates[s].push((size * 1000) / (lastStop - result.startedAt));
		}
	}
	eventsPeak = memory.end();
	// Per round, ours against side `against` (rounds alternate A, B, C, D, so each ratio pairs neighbouring rounds).
	const ratios = (rates: number[][], against: number, invert = false) =>
		rates[0].map((ours, i) => (invert ? rates[against][i] / ours : ours / rates[against][i]));
	const rate = (values: number[]) => `${median(values).toFixed(1)}/s (rounds ${values.map((v) => v.toFixed(0)).join(', ')})`;
	const ratioLine = (values: number[]) => `${median(values).toFixed(2)} (per round ${values.map((r) => r.toFixed(2)).join(', ')})`;
	say('');
	say(
		`1. events/s, ${EVENT_ROUNDS} alternating rounds per side (${sides.map((side) => side.name[0]).join(' ')}) of ${EVENTS_PER_ROUND} workitem.updated deliveries, ${EVENT_CONCURRENCY} in flight, loopback, Basic auth on A, B and D:`,
	);
	say('   A = ours (Basic-auth secret from the Service Hook Secret credential, state map), B = n8n\'s Webhook node (Basic auth),');
	say('   C = do-nothing community trigger, D = the same reading its credential per delivery, E = the same saving a duplicate window');
	say('   of our size and bounds in static data per delivery (bench/floor-package); each -> NoOp');
	sides.forEach((side, s) => say(`   ${side.name.padEnd(20)} accepted ${rate(acceptedRates[s])}   completed ${rate(completedRates[s])}   CPU/event ${median(cpuPerEvent[s]).toFixed(1)} ms`));
	for (let against = 1; against < sides.length && sides[0].name.startsWith('A'); against++) {
		const letter = sides[against].name[0];
		const goal = letter === 'B' ? ' [goal >= 0.95 with defaults]' : letter === 'D' ? ' [goal >= 0.95 with lazy acquire]' : '';
		say(`   ours / ${sides[against].name}: completed ${ratioLine(ratios(completedRates, against))}${goal}`);
		say(`   ${' '.repeat(sides[against].name.length + 7)}accepted ${ratioLine(ratios(acceptedRates, against))}`);
		say(`   ${' '.repeat(sides[against].name.length + 7)}CPU per event ours/theirs ${ratioLine(ratios(cpuPerEvent, against))}${letter === 'B' ? ' [goal <= 1.05 with defaults]' : ''}`);
	}
	say('   (completed: from the first request of a round to the latest stoppedAt n8n recorded for that round; CPU: n8n main + runner, user + system, until recorded)');

	for (const id of [workflowA, workflowB, workflowC, workflowD, workflowE]) await n8n.deactivateWorkflow(stack.rest, id);

});

it('3. creating 1,000 tickets: Create From Ticket versus the naive HTTP Request flow', async () => {
	// ---- 3. creating 1,000 tickets
	const emu = stack.emu;
	const credential = { azureDevOpsApi: { id: stack.credentialId, name: 'Azure DevOps (emulator)' } };
	// the seed's example settings, as the node tests use them
	const settings = seedSettings(stack.projectUrl);
	const webhookNode = (hookPath: string) =>
		node(
			'Tickets',
			'n8n-nodes-base.webhook',
			2.1,
			[0, 0],
			{ httpMethod: 'POST', path: hookPath, responseMode: 'lastNode', responseData: 'allEntries', options: {} },
			{ webhookId: crypto.randomUUID() },
		);
	const splitNode = () => node('One item per ticket', 'n8n-nodes-base.splitOut', 1, [220, 0], { fieldToSplitOut: 'body', include: 'noOtherFields', options: {} });
	const oursFlow = async (concurrency: number) => {
		const hookPath = `bench-create-${concurrency}-${crypto.randomBytes(3).toString('hex')}`;
		const options = concurrency === CONCURRENCY_DEFAULT ? {} : { concurrency };
		await importAndActivate(stack, {
			name: `bench: Create From Ticket, concurrency ${concurrency}`,
			nodes: [
				webhookNode(hookPath),
				splitNode(),
				node(
					'Create From Ticket',
					ACTION_TYPE,
					1,
					[440, 0],
					{ authentication: 'azureDevOpsApi', resource: 'workItem', operation: 'createFromTicket', configuration: 'settingsJson', connectorSettings: settings, options },
					{ credentials: credential },
				),
			],
			connections: chain('Tickets', 'One item per ticket', 'Create From Ticket'),
		});
		return `${stack.webhookBase}/webhook/${hookPath}`;
	};
	// What a user builds without the connector: one POST per item with a JSON Patch written by hand, the same
	// credential, Retry On Fail switched on with n8n's defaults (3 tries, 1 s apart), batching of 1 item.
	const naiveFlow = async (batchInterval: number) => {
		const hookPath = `bench-naive-${batchInterval}-${crypto.randomBytes(3).toString('hex')}`;
		// spaces between closing braces: "}}" would end the {{ }} expression early
		const patch = [
			"{ op: 'add', path: '/fields/System.Title', value: $json.TicketTitle }",
			"{ op: 'add', path: '/fields/System.Description', value: $json.LatestImportantMessage }",
			"{ op: 'add', path: '/fields/System.Tags', value: 'Ticket:' + $json.TicketID }",
			"{ op: 'add', path: '/relations/-', value: { rel: 'Hyperlink', url: $json.TicketUrl, attributes: { comment: 'Service desk ticket ' + $json.TicketID } } }",
		];
		await importAndActivate(stack, {
			name: `bench: naive HTTP Request, batch interval ${batchInterval} ms`,
			nodes: [
				webhookNode(hookPath),
				splitNode(),
				node(
					'Create work item',
					'n8n-nodes-base.httpRequest',
					4.2,
					[440, 0],
					{
						method: 'POST',
						url: `${stack.projectUrl}/_apis/wit/workitems/$Task?api-version=7.1`,
						authentication: 'predefinedCredentialType',
						nodeCredentialType: 'azureDevOpsApi',
						sendBody: true,
						contentType: 'raw',
						rawContentType: 'application/json-patch+json',
						body: `={{ JSON.stringify([${patch.join(', ')}]) }}`,
						options: { batching: { batch: { batchSize: 1, batchInterval } } },
					},
					{ credentials: credential, retryOnFail: true },
				),
			],
			connections: chain('Tickets', 'One item per ticket', 'Create work item'),
		});
		return `${stack.webhookBase}/webhook/${hookPath}`;
	};

	const create = async (label: string, url: string, run: string, countOf: number): Promise<CreationRun> => {
		emu.reset();
		emu.latencyMs = LATENCY_MS;
		emu.setRateLimit(RATE_LIMIT);
		const body = Buffer.from(JSON.stringify(tickets(run, countOf)));
		progress(`item 3: ${label}: ${countOf} tickets`);
		const agent = new http.Agent();
		memory.begin();
		const started = Date.now();
		let answer: Answer;
		try {
			answer = await post(agent, url, body, {}, 1_800_000);
		} finally {
			agent.destroy();
		}
		const wallMs = Date.now() - started;
		const peak = memory.end();
		const perTicket = workItemsPerTicket(emu);
		const requests = emu.requests().filter((r) => r.organization === 'fabrikam');
		const result: CreationRun = {
			label,
			tickets: countOf,
			wallMs,
			status: answer.status,
			failed: tickets(run, countOf).filter((t) => !perTicket.has(t.TicketID)).length,
			duplicates: [...perTicket.values()].reduce((sum, n) => sum + Math.max(0, n - 1), 0),
			created: [...perTicket.values()].reduce((sum, n) => sum + n, 0),
			requests: requests.length,
			throttled: requests.filter((r) => r.status === 429).length,
			peak,
		};
		runs.push(result);
		progress(`item 3: ${label}: ${JSON.stringify({ ...result, peak: undefined })}`);
		return result;
	};

	const urls = {
		oursDefault: await oursFlow(CONCURRENCY_DEFAULT),
		oursMax: await oursFlow(CONCURRENCY_MAX),
		naiveDefault: await naiveFlow(1000),
		naiveTuned: await naiveFlow(LATENCY_MS),
	};
	await n8n.sleep(2000); // 2.x registers production webhooks asynchronously
	const warm = await create('warm-up', urls.oursDefault, 'W', 20);
	expect(warm.failed).toBe(0);

	const oursDefault = await create(`Create From Ticket, concurrency ${CONCURRENCY_DEFAULT} (default)`, urls.oursDefault, 'A', TICKETS);
	const naiveTuned = await create(`naive, batch 1 item, interval ${LATENCY_MS} ms`, urls.naiveTuned, 'N', TICKETS);
	const oursMax = await create(`Create From Ticket, concurrency ${CONCURRENCY_MAX} (max)`, urls.oursMax, 'M', TICKETS);
	const naiveDefault = await create('naive, batch 1 item, interval 1000 ms (n8n default)', urls.naiveDefault, 'D', NAIVE_DEFAULT_TICKETS);
	runs.shift(); // the warm-up

	say('');
	say(
		`3. creating tickets: Webhook (lastNode) -> Split Out -> creation; emulator latency ${LATENCY_MS} ms per request, rate limit ${RATE_LIMIT.requests} requests per ${RATE_LIMIT.perMs} ms per token, then 429 + Retry-After ${RATE_LIMIT.retryAfterSeconds} s`,
	);
	for (const r of runs) {
		say(
			`   ${r.label.padEnd(58)} ${count(r.tickets).padStart(5)} tickets  ${(r.wallMs / 1000).toFixed(1).padStart(6)} s  ${(r.wallMs / r.tickets).toFixed(1).padStart(6)} ms/ticket  HTTP ${r.status}  failed ${r.failed}  duplicates ${r.duplicates}  work items ${r.created}  requests ${r.requests} (429: ${r.throttled})  peak RSS ${mb(r.peak.rssKb)}`,
		);
	}
	const extrapolated = (naiveDefault.wallMs / naiveDefault.tickets) * TICKETS;
	say(
		`   naive with n8n's default interval, EXTRAPOLATED to ${count(TICKETS)} tickets from ${naiveDefault.tickets}: ${(extrapolated / 1000).toFixed(0)} s (${(naiveDefault.wallMs / naiveDefault.tickets).toFixed(0)} ms per ticket x ${count(TICKETS)})`,
	);
	for (const ours of [oursDefault, oursMax]) {
		say(
			`   ratio naive/ours, ${ours.label}: ${(naiveTuned.wallMs / ours.wallMs).toFixed(1)}x vs the ${LATENCY_MS} ms-interval naive flow (measured), ${(extrapolated / ours.wallMs).toFixed(0)}x vs n8n's default interval (extrapolated) [goal >= 10x, 0 failed, 0 duplicates]`,
		);
	}

	for (const r of [oursDefault, oursMax]) {
		expect(r.status).toBe(200);
		expect(r.failed).toBe(0);
		expect(r.duplicates).toBe(0);
	}
	expect(naiveTuned.created + naiveDefault.created).toBeGreaterThan(0);
});

function nodeVersionOf(s: Stack): string {
	const bin = path.join(n8n.runtime(s.major).dir, 'node_modules', 'node', 'package.json');
	try {
		return String((JSON.parse(fs.readFileSync(bin, 'utf8')) as { version?: string }).version ?? '?');
	} catch {
		return '?';
	}
}
