// Issue 8, item 2. Azure DevOps retries: the same delivery arrives 5 times, interleaved with others, and revisions of a
// work item arrive out of order. Each accepted event is emitted exactly once, a revision older than (or as old as) one
// already emitted never, and the newest revision of every work item always. The deliveries are real ones from the
// emulator (updates and comments of 8 work items), replayed in random orders into fresh workflows; and once over HTTP
// the way Azure DevOps sends them.
import { spawnSync } from 'child_process';
import fc from 'fast-check';
import * as fs from 'fs';
import type { IDataObject } from 'n8n-workflow';
import * as os from 'os';
import * as path from 'path';

import { AzureDevOpsApi } from '../../credentials/AzureDevOpsApi.credentials';
import { AzureDevOpsWebhookAuthApi } from '../../credentials/AzureDevOpsWebhookAuthApi.credentials';
import { AzureDevOpsConnectorTrigger } from '../../nodes/AzureDevOpsConnector/AzureDevOpsConnectorTrigger.node';
import type { Delivery, Emulator } from '../emulator';
import { TestWorkflow, captureLogs, type LogCapture } from '../support/n8n';
import { TRIGGER, TRIGGER_TYPE, triggerRig, type TriggerRig } from '../nodes/trigger.support';
import {
	CANARY_HOOK_BASIC,
	CANARY_PAT,
	HEAVY,
	LeakScanner,
	ReliabilityCounts,
	SEED,
	canaryEmulator,
	fcOptions,
	subscribeByHand,
} from './support';

const HOOK_USER = 'azure-devops';
const COPIES = 5;
const WORK_ITEMS = 8;
const UPDATES = 3;
const ORDERS = HEAVY ? 400 : 40;

const counts = new ReliabilityCounts('delivery-semantics');
const scanner = new LeakScanner();
let emu: Emulator;
let logs: LogCapture;
/** The deliveries Azure DevOps made: 8 work items, 3 changes and a comment each (40 deliveries). */
let deliveries: Delivery[];

const parameters = {
	authentication: 'azureDevOpsApi',
	project: { __rl: true, mode: 'name', value: 'Service Desk' },
	registerSubscription: false,
	deliveryAuthentication: 'credential',
	events: ['workitem.updated', 'workitem.commented'],
	workItemEndState: 'Closed',
	endState: 'Return from DevOps',
	onlyStateChanges: false,
};

const credentials = () => ({
	azureDevOpsApi: { id: 'ado', name: 'Fabrikam', data: { organizationUrl: emu.orgUrl('fabrikam'), accessToken: CANARY_PAT, allowHttp: true } },
	azureDevOpsWebhookAuthApi: { id: 'hook', name: 'Hook secret', data: { authType: 'basicAuth', user: HOOK_USER, password: CANARY_HOOK_BASIC } },
});

/** A workflow with only the trigger, never used before: its own id, empty static data. */
function freshWorkflow(): TestWorkflow {
	return new TestWorkflow(
		{
			nodes: [{ name: TRIGGER, type: TRIGGER_TYPE, webhookId: 'c0ffee00-0000-4000-8000-0000000000a2', parameters, credentials: { azureDevOpsApi: { id: 'ado', name: 'Fabrikam' }, azureDevOpsWebhookAuthApi: { id: 'hook', name: 'Hook secret' } } }],
			connections: {},
		},
		{ nodeTypes: { [TRIGGER_TYPE]: new AzureDevOpsConnectorTrigger() }, credentialTypes: [new AzureDevOpsApi(), new AzureDevOpsWebhookAuthApi()], credentials: credentials() },
	);
}

/** Family of a delivery (updates and comments are ordered separately) and its work item. */
function keyOf(delivery: Delivery): string {
	const resource = delivery.payload.resource as IDataObject;
	const id = delivery.eventType === 'workitem.updated' ? (resource.workItemId as number) : (resource.id as number);
	return `${delivery.eventType}#${id}`;
}

function revisionOf(delivery: Delivery): number {
	return (delivery.payload.resource as IDataObject).rev as number;
}

/** What the README promises for a sequence of arrivals: which notifications start an execution, in order. */
function promised(arrivals: Delivery[]): number[] {
	const seen = new Set<number>();
	const last = new Map<string, number>();
	const accepted: number[] = [];
	for (const delivery of arrivals) {
		if (seen.has(delivery.notificationId)) continue;
		const key = keyOf(delivery);
		const revision = revisionOf(delivery);
		if ((last.get(key) ?? 0) >= revision) continue;
		seen.add(delivery.notificationId);
		last.set(key, revision);
		accepted.push(delivery.notificationId);
	}
	return accepted;
}

beforeAll(async () => {
	logs = captureLogs();
	emu = await canaryEmulator({ seed: SEED });
	const sink = 'http://127.0.0.1:9/never-called';
	const subscriptions = [
		await subscribeByHand(emu, sink, { basicAuthUsername: HOOK_USER, basicAuthPassword: CANARY_HOOK_BASIC }),
		await subscribeByHand(emu, sink, { basicAuthUsername: HOOK_USER, basicAuthPassword: CANARY_HOOK_BASIC }, {}, 'workitem.commented'),
	];
	emu.hooks.hold();
	for (let n = 0; n < WORK_ITEMS; n++) {
		const id = emu.createWorkItem('Service Desk', 'Task', { 'System.Title': `Printer ${n}`, 'System.Tags': `Ticket:S-${n}` }).id as number;
		const changes = [{ 'System.State': 'Active' }, { 'System.State': 'Closed' }, { 'System.Title': `Printer ${n} (closed)` }];
		for (const [step, fields] of changes.slice(0, UPDATES).entries()) {
			emu.updateWorkItem(id, fields);
			if (step === 0) emu.addComment(id, `Looked at it (${n})`);
		}
	}
	deliveries = emu.hooks.deliveries().filter((d) => subscriptions.includes(d.subscriptionId));
	// A comment is also an update (it adds a revision): per work item 4 updates and 1 comment.
	expect(deliveries).toHaveLength(WORK_ITEMS * (UPDATES + 2));
});

afterAll(async () => {
	logs.restore();
	emu.reset();
	await emu.stop();
	counts.set('leaks', scanner.leaks.length);
	counts.report();
});

describe(`each delivery 5 times, interleaved, in ${ORDERS} random orders (seed ${SEED})`, () => {
	it('emits each accepted event exactly once, never a stale revision, always the newest revision', async () => {
		const copies = deliveries.flatMap((delivery) => Array.from({ length: COPIES }, () => delivery));
		const newest = new Map<string, number>();
		for (const delivery of deliveries) newest.set(keyOf(delivery), Math.max(newest.get(keyOf(delivery)) ?? 0, revisionOf(delivery)));

		await fc.assert(
			fc.asyncProperty(fc.shuffledSubarray(copies, { minLength: copies.length, maxLength: copies.length }), async (arrivals) => {
				const workflow = freshWorkflow();
				const emitted: Array<{ notificationId: number; key: string; revision: number }> = [];
				for (const delivery of arrivals) {
					const result = await workflow.webhook(TRIGGER, { headers: delivery.headers, body: delivery.payload });
					counts.add('deliveriesTried');
					expect(result.error).toBeUndefined();
					expect(result.response.status).toBe(200);
					if (result.workflowData) {
						const item = result.workflowData[0][0].json;
						emitted.push({ notificationId: item.notificationId as number, key: keyOf(delivery), revision: item.revision as number });
						scanner.scan('item', item);
					} else {
						expect((result.response.body as IDataObject).duplicate).toBe(true);
					}
				}
				// Exactly what the README promises, in that order.
				expect(emitted.map((e) => e.notificationId)).toEqual(promised(arrivals));
				const ids = emitted.map((e) => e.notificationId);
				const duplicates = ids.length - new Set(ids).size;
				counts.add('duplicates', duplicates);
				expect(duplicates).toBe(0);
				for (const [key, revision] of newest) {
					const revisions = emitted.filter((e) => e.key === key).map((e) => e.revision);
					expect(revisions.every((r, i) => i === 0 || r > revisions[i - 1])).toBe(true);
					const lost = revisions.includes(revision) ? 0 : 1;
					counts.add('losses', lost);
					expect({ key, newestEmitted: lost === 0 }).toEqual({ key, newestEmitted: true });
				}
				counts.add('emitted', emitted.length);
				counts.add('repeatsDropped', arrivals.length - emitted.length);
				counts.add('faultsInjected', arrivals.length - deliveries.length);
			}),
			fcOptions(ORDERS),
		);
		expect(scanner.leaks).toEqual([]);
	}, 300_000);

	it('in the order sent, every delivery is emitted once and its 4 repeats are dropped', async () => {
		const workflow = freshWorkflow();
		let emitted = 0;
		for (const delivery of deliveries) {
			for (let copy = 0; copy < COPIES; copy++) {
				const result = await workflow.webhook(TRIGGER, { headers: delivery.headers, body: delivery.payload });
				counts.add('deliveriesTried');
				if (result.workflowData) emitted++;
				else expect(result.response.body).toMatchObject({ accepted: false, duplicate: true, reason: expect.stringMatching(/already received/) });
			}
		}
		expect(emitted).toBe(deliveries.length);
	});

	it('newest first: only the newest revision of each work item is emitted', async () => {
		const workflow = freshWorkflow();
		const emitted: number[] = [];
		for (const delivery of [...deliveries].reverse()) {
			const result = await workflow.webhook(TRIGGER, { headers: delivery.headers, body: delivery.payload });
			counts.add('deliveriesTried');
			if (result.workflowData) emitted.push(revisionOf(delivery));
		}
		// One update and one comment per work item.
		expect(emitted).toHaveLength(WORK_ITEMS * 2);
	});
});

describe('over HTTP, as Azure DevOps sends them', () => {
	let rig: TriggerRig;

	beforeAll(async () => {
		emu.reset();
		rig = await triggerRig(emu, { parameters, credentials: credentials() });
	});

	afterAll(async () => await rig.close());

	it('5 deliveries of each change, retries interleaved and released newest first: one execution per work item, the newest', async () => {
		const subscription = await subscribeByHand(emu, rig.url, { basicAuthUsername: HOOK_USER, basicAuthPassword: CANARY_HOOK_BASIC });
		emu.hooks.hold();
		const ids: number[] = [];
		for (let n = 0; n < WORK_ITEMS; n++) {
			const id = emu.createWorkItem('Service Desk', 'Task', { 'System.Title': `Scanner ${n}`, 'System.Tags': `Ticket:H-${n}` }).id as number;
			ids.push(id);
			emu.updateWorkItem(id, { 'System.State': 'Active' });
			emu.updateWorkItem(id, { 'System.State': 'Closed' });
		}
		const originals = emu.hooks.deliveries().filter((d) => d.subscriptionId === subscription);
		for (let copy = 1; copy < COPIES; copy++) for (const original of originals) emu.hooks.redeliver(original.notificationId);
		await emu.hooks.release({ order: 'reverse' });

		const sent = emu.hooks.deliveries().filter((d) => d.subscriptionId === subscription);
		counts.add('deliveriesTried', sent.length);
		expect(sent).toHaveLength(originals.length * COPIES);
		expect(sent.every((d) => d.status === 200)).toBe(true);
		const accepted = rig.results.filter((result) => result.workflowData);
		expect(accepted.map((result) => result.workflowData![0][0].json.workItemId).sort()).toEqual([...ids].sort());
		expect(accepted.every((result) => (result.workflowData![0][0].json.ticket as IDataObject).state === 'Return from DevOps')).toBe(true);
	});
});

describe('at the end', () => {
	it('the counts file is not taken for a jest report by the CI summary', () => {
		const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'azdc-counts-'));
		const file = path.join(dir, 'reliability-x.counts.json');
		const probe = new ReliabilityCounts('x');
		probe.add('deliveriesTried', 7);
		fs.writeFileSync(file, JSON.stringify(probe.document()));
		const summary = spawnSync(process.execPath, [path.join(__dirname, '..', '..', 'scripts', 'test-summary.js'), file], { encoding: 'utf8' });
		expect(summary.stdout.trim().split('\n').at(-1)).toBe('tests: 0 passed, 0 failed, 0 skipped');
		fs.rmSync(dir, { recursive: true, force: true });
	});

	it('n8n logged nothing that carries a secret', () => {
		scanner.scanLogs('log', logs.lines);
		expect(scanner.leaks).toEqual([]);
	});
});
