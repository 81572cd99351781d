// Issue 8, item 7. Azure DevOps delivers in parallel: 200 deliveries for 20 work items (10 changes each) reach the
// trigger at once, in a shuffled order. Per work item, what the trigger emits must be in revision order (a late, older
// revision is dropped, never emitted after a newer one), the newest revision of every work item must be emitted exactly
// once, and the duplicate window must end up remembering every delivery it accepted (no update of it lost to another
// delivery running at the same time). Then the same 200 again, in parallel: nothing is emitted.
import type { IDataObject } from 'n8n-workflow';

import { readDedupState } from '../../nodes/AzureDevOpsConnector/connector/dedup';
import type { Delivery } from '../emulator';
import { seededRandom } from '../emulator/faults';
import type { WebhookResult } from '../support/n8n';
import { TRIGGER, basicAuth, triggerRig, type TriggerRig } from '../nodes/trigger.support';
import {
	CANARY_HOOK_BASIC,
	CANARY_PAT,
	HEAVY,
	SEED,
	canarySuite,
	shuffled,
	subscribeByHand,
} from './support';

const WORK_ITEMS = 20;
const CHANGES_PER_ITEM = 10;
const ROUNDS = HEAVY ? 10 : 2;
const HOOK_USER = 'azure-devops';

const suite = canarySuite('concurrency');
const { counts, scanner } = suite;

interface Emitted {
	workItemId: number;
	revision: number;
	notificationId: number;
}

/** 20 work items made by Create From Ticket (tag Ticket:<n>), changed 10 times each, the 200 deliveries held back. */
async function heldDeliveries(rig: TriggerRig, details: 'all' | 'minimal'): Promise<{ deliveries: Delivery[]; ids: number[] }> {
	const subscription = await subscribeByHand(suite.emu, rig.url, {
		resourceDetailsToSend: details,
		basicAuthUsername: HOOK_USER,
		basicAuthPassword: CANARY_HOOK_BASIC,
	});
	const ids: number[] = [];
	for (let n = 0; n < WORK_ITEMS; n++) {
		const created = suite.emu.createWorkItem('Service Desk', 'Task', { 'System.Title': `Ticket ${n}`, 'System.Tags': `Ticket:C-${n}` });
		ids.push(created.id as number);
	}
	suite.emu.hooks.hold();
	for (let change = 1; change <= CHANGES_PER_ITEM; change++) {
		for (const id of ids) suite.emu.updateWorkItem(id, { 'System.Title': `Ticket change ${change}`, 'System.State': change % 2 ? 'Active' : 'New' });
	}
	const deliveries = suite.emu.hooks.deliveries().filter((d) => d.subscriptionId === subscription && d.state === 'held');
	expect(deliveries).toHaveLength(WORK_ITEMS * CHANGES_PER_ITEM);
	return { deliveries, ids };
}

/** Sends every delivery into the trigger at once; records what was emitted in the order the executions started. */
async function sendInParallel(rig: TriggerRig, deliveries: Delivery[]): Promise<{ emitted: Emitted[]; results: WebhookResult[] }> {
	const emitted: Emitted[] = [];
	const results = await Promise.all(
		deliveries.map(async (delivery) => {
			counts.add('deliveriesTried');
			const result = await rig.workflow.webhook(TRIGGER, { headers: delivery.headers, body: delivery.payload });
			if (result.workflowData) {
				const item = result.workflowData[0][0].json;
				emitted.push({ workItemId: item.workItemId as number, revision: item.revision as number, notificationId: item.notificationId as number });
				scanner.scan('item', item);
			}
			scanner.scan('answer', result.response);
			return result;
		}),
	);
	return { emitted, results };
}

const STATIC_DATA = {
	shared: 'one static data object shared by all deliveries',
	perRequest: "a copy of the static data per delivery, saved back whole (n8n's webhook server)",
};

/** The trigger as an admin sets it up for a subscription made by hand, reading work items with the canary PAT. */
async function concurrencyRig(staticData: keyof typeof STATIC_DATA): Promise<TriggerRig> {
	return await triggerRig(suite.emu, {
		parameters: { authentication: 'azureDevOpsApi', registerSubscription: false, deliveryAuthentication: 'credential', onlyStateChanges: false },
		credentials: {
			azureDevOpsApi: { id: 'ado', name: 'Fabrikam', data: { organizationUrl: suite.emu.orgUrl('fabrikam'), accessToken: CANARY_PAT, allowHttp: true } },
			azureDevOpsWebhookAuthApi: { id: 'hook', name: 'Hook secret', data: { authType: 'basicAuth', user: HOOK_USER, password: CANARY_HOOK_BASIC } },
		},
		staticDataPerRequest: staticData === 'perRequest',
	});
}

describe.each([
	{ name: 'All', details: 'all' as const, staticData: 'shared' as const },
	{ name: 'Minimal', details: 'minimal' as const, staticData: 'shared' as const },
	{ name: 'All', details: 'all' as const, staticData: 'perRequest' as const },
	{ name: 'Minimal', details: 'minimal' as const, staticData: 'perRequest' as const },
])('200 deliveries in parallel for 20 work items, resource details $name, static data $staticData', ({ details, staticData }) => {
	let rig: TriggerRig;

	beforeEach(async () => {
		suite.emu.reset();
		rig = await concurrencyRig(staticData);
		// Answers from Azure DevOps come back in a scrambled order.
		suite.emu.faults.add({ kind: 'latency', ms: 8, probability: 0.5, match: { method: 'GET', pathIncludes: '/_apis/wit/workitems/' } });
	});

	afterEach(async () => {
		await rig.close();
		expect(suite.emu.specViolations()).toEqual([]);
	});

	it('emits per work item in revision order, the newest revision of each exactly once, and loses no update of the duplicate window', async () => {
		const random = seededRandom(SEED);
		const { deliveries, ids } = await heldDeliveries(rig, details);
		const newest = new Map(ids.map((id) => [id, 1 + CHANGES_PER_ITEM]));

		for (let round = 0; round < ROUNDS; round++) {
			const order = shuffled(deliveries, random);
			if (round > 0) counts.add('duplicates', 0);
			const { emitted, results } = await sendInParallel(rig, order);

			// Every delivery got an answer: 200, accepted or dropped as a repeat / stale revision.
			expect(results.every((result) => result.error === undefined && result.response.status === 200)).toBe(true);
			if (round === 0) {
				// Per work item, revisions in the order executions started are strictly increasing.
				for (const id of ids) {
					const revisions = emitted.filter((e) => e.workItemId === id).map((e) => e.revision);
					const increasing = revisions.every((revision, i) => i === 0 || revision > revisions[i - 1]);
					expect({ id, revisions, increasing }).toEqual({ id, revisions, increasing: true });
					// The newest revision (the work item's state now) is never lost.
					expect(revisions.filter((r) => r === newest.get(id))).toHaveLength(1);
				}
				// No notification emitted twice.
				const notifications = emitted.map((e) => e.notificationId);
				expect(new Set(notifications).size).toBe(notifications.length);
				// The window remembers every accepted delivery and the newest revision of every work item.
				const window = readDedupState(rig.workflow.nodeStaticData(TRIGGER).dedup);
				const remembered = new Set(window.n);
				const forgotten = notifications.filter((n) => !remembered.has(String(n)));
				counts.add('losses', forgotten.length);
				expect(forgotten).toEqual([]);
				for (const id of ids) {
					const at = window.w.indexOf(`u${id}`);
					expect({ id, revision: window.w[at + 1] }).toEqual({ id, revision: newest.get(id) });
				}
				counts.add('emitted', emitted.length);
				counts.add('staleDropped', results.length - emitted.length);
			} else {
				// The same 200 again: every one is a repeat.
				counts.add('duplicates', emitted.length);
				expect(emitted).toEqual([]);
				expect(results.every((result) => (result.response.body as IDataObject).duplicate === true)).toBe(true);
			}
		}
		if (details === 'minimal') {
			// Each accepted Minimal delivery read its work item with the canary PAT.
			expect(suite.emu.requests().filter((r) => r.method === 'GET' && r.token === 'fabrikam#0').length).toBeGreaterThanOrEqual(WORK_ITEMS);
		}
		counts.add('faultsInjected', suite.emu.faults.all().reduce((sum, fault) => sum + fault.hits, 0));
		expect(scanner.leaks).toEqual([]);
		await suite.emu.hooks.release();
	}, 120_000);
});

it.each(Object.keys(STATIC_DATA) as Array<keyof typeof STATIC_DATA>)('the same delivery arriving 20 times at the same instant starts one execution (static data %s)', async (staticData) => {
	suite.emu.reset();
	const rig = await concurrencyRig(staticData);
	try {
		const subscription = await subscribeByHand(suite.emu, rig.url, { resourceDetailsToSend: 'minimal', basicAuthUsername: HOOK_USER, basicAuthPassword: CANARY_HOOK_BASIC });
		const created = suite.emu.createWorkItem('Service Desk', 'Task', { 'System.Title': 'Printer', 'System.Tags': 'Ticket:D-1' });
		suite.emu.hooks.hold();
		suite.emu.updateWorkItem(created.id as number, { 'System.State': 'Closed' });
		const [delivery] = suite.emu.hooks.deliveries().filter((d) => d.subscriptionId === subscription);
		const { emitted } = await sendInParallel(rig, Array.from({ length: 20 }, () => delivery));
		counts.add('duplicates', Math.max(0, emitted.length - 1));
		expect(emitted).toHaveLength(1);
		expect(basicAuth(HOOK_USER, CANARY_HOOK_BASIC)).toBe(delivery.headers.Authorization);
		await suite.emu.hooks.release();
	} finally {
		await rig.close();
	}
});

it("a change delivered to the editor's test URL first is still emitted when the production URL gets it", async () => {
	suite.emu.reset();
	const rig = await concurrencyRig('perRequest');
	try {
		const subscription = await subscribeByHand(suite.emu, rig.url, { resourceDetailsToSend: 'minimal', basicAuthUsername: HOOK_USER, basicAuthPassword: CANARY_HOOK_BASIC });
		const created = suite.emu.createWorkItem('Service Desk', 'Task', { 'System.Title': 'Printer', 'System.Tags': 'Ticket:E-1' });
		suite.emu.hooks.hold();
		suite.emu.updateWorkItem(created.id as number, { 'System.State': 'Closed' });
		const [delivery] = suite.emu.hooks.deliveries().filter((d) => d.subscriptionId === subscription);
		// The same change, as the test URL's own subscription would send it (another notification id, same revision).
		const test = await rig.workflow.webhook(TRIGGER, { headers: delivery.headers, body: { ...delivery.payload, notificationId: 9_001 } }, { mode: 'manual' });
		const production = await rig.workflow.webhook(TRIGGER, { headers: delivery.headers, body: delivery.payload });
		counts.add('deliveriesTried', 2);
		expect([test.workflowData?.length, production.workflowData?.length]).toEqual([1, 1]);
		await suite.emu.hooks.release();
	} finally {
		await rig.close();
	}
});

describe('at the end', () => {
	it('n8n logged nothing that carries a secret', () => {
		scanner.scanLogs('log', suite.logs.lines);
		expect(scanner.leaks).toEqual([]);
	});
});
