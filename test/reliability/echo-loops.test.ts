// Issue 18, item 2: no echo loops. Two suites on real deliveries from the emulator.
// Echo attempts: the connector's own comments (written by the action node with a person's token, so marked, and by a
// listed Connector Identity) are replayed 5 times each, mixed with people's comments, in random orders: every person's
// comment is emitted exactly once, no connector comment ever.
// Comment storm: hundreds of comments on a few work items delivered at once, some twice, in a shuffled order, with
// n8n's copy of the static data per request: every person's comment is emitted exactly once.
import fc from 'fast-check';
import type { IDataObject } from 'n8n-workflow';

import { AzureDevOpsApi } from '../../credentials/AzureDevOpsApi.credentials';
import { AzureDevOpsWebhookAuthApi } from '../../credentials/AzureDevOpsWebhookAuthApi.credentials';
import { AzureDevOpsConnector } from '../../nodes/AzureDevOpsConnector/AzureDevOpsConnector.node';
import { AzureDevOpsConnectorTrigger } from '../../nodes/AzureDevOpsConnector/AzureDevOpsConnectorTrigger.node';
import { ECHO_MARKER } from '../../nodes/AzureDevOpsConnector/connector/echo';
import type { Delivery } from '../emulator';
import { seededRandom } from '../emulator/faults';
import { runNode, TestWorkflow, type WebhookResult } from '../support/n8n';
import { TRIGGER, TRIGGER_TYPE } from '../nodes/trigger.support';
import { CANARY_HOOK_BASIC, CANARY_PAT, HEAVY, SEED, canarySuite, fcOptions, shuffled, subscribeByHand } from './support';

const HOOK_USER = 'azure-devops';
const NODE_TYPE = 'n8n-nodes-azure-devops-connector.azureDevOpsConnector';
const BOT = 'Sync Bot <sync-bot@fabrikam.example>';
const PEOPLE = ['Jamie Requester <jamie@fabrikam.example>', 'Dana Developer <dana@fabrikam.example>'];
const COPIES = 5;
const ORDERS = HEAVY ? 200 : 20;
const STORM_ITEMS = 3;
const STORM_COMMENTS = HEAVY ? 1500 : 300;

const suite = canarySuite('echo-loops');
const { counts, scanner } = suite;

const parameters = {
	authentication: 'azureDevOpsApi',
	project: { __rl: true, mode: 'name', value: 'Service Desk' },
	registerSubscription: false,
	deliveryAuthentication: 'credential',
	events: ['workitem.commented', 'workitem.updated'],
	onlyStateChanges: false,
	workItemEndState: 'Closed',
	endState: 'Return from DevOps',
	options: { connectorIdentities: 'sync-bot@fabrikam.example' },
};

let workflowCount = 0;

/** A workflow with only the trigger, never used before: its own id, empty static data. */
function freshWorkflow(staticDataPerRequest = false): TestWorkflow {
	workflowCount++;
	return new TestWorkflow(
		{
			id: `echo-${workflowCount}`,
			nodes: [
				{
					name: TRIGGER,
					type: TRIGGER_TYPE,
					webhookId: 'c0ffee00-0000-4000-8000-0000000000e1',
					parameters,
					credentials: { azureDevOpsApi: { id: 'ado', name: 'Fabrikam' }, azureDevOpsWebhookAuthApi: { id: 'hook', name: 'Hook secret' } },
				},
			],
			connections: {},
		} as never,
		{
			nodeTypes: { [TRIGGER_TYPE]: new AzureDevOpsConnectorTrigger() },
			credentialTypes: [new AzureDevOpsApi(), new AzureDevOpsWebhookAuthApi()],
			credentials: {
				azureDevOpsApi: { id: 'ado', name: 'Fabrikam', data: { organizationUrl: suite.emu.orgUrl('fabrikam'), accessToken: CANARY_PAT, allowHttp: true } },
				azureDevOpsWebhookAuthApi: { id: 'hook', name: 'Hook secret', data: { authType: 'basicAuth', user: HOOK_USER, password: CANARY_HOOK_BASIC } },
			},
			staticDataPerRequest,
		},
	);
}

/** The connector writes comments as Work Item → Add Comment does in a sync workflow: one run, one item per comment. */
async function connectorComments(comments: Array<{ id: number; text: string }>): Promise<void> {
	const result = await runNode({
		type: NODE_TYPE,
		nodeTypes: { [NODE_TYPE]: new AzureDevOpsConnector() },
		credentialTypes: [new AzureDevOpsApi()],
		credentials: { azureDevOpsApi: { organizationUrl: suite.emu.orgUrl('fabrikam'), accessToken: CANARY_PAT, allowHttp: true } } as never,
		parameters: {
			authentication: 'azureDevOpsApi',
			resource: 'workItem',
			operation: 'addComment',
			project: { __rl: true, mode: 'url', value: `${suite.emu.orgUrl('fabrikam')}/Service%20Desk` },
			workItem: { __rl: true, mode: 'id', value: '={{ $json.id }}' },
			text: '={{ $json.text }}',
			format: 'text',
		},
		inputItems: comments,
	});
	expect(result.error).toBeUndefined();
	expect(result.items).toHaveLength(comments.length);
}

/** Subscribes a sink to comments and updates and holds what Azure DevOps would send, to replay it by hand. */
async function holdDeliveries(): Promise<string[]> {
	const sink = 'http://127.0.0.1:9/never-called';
	const auth = { basicAuthUsername: HOOK_USER, basicAuthPassword: CANARY_HOOK_BASIC };
	const subscriptions = [await subscribeByHand(suite.emu, sink, auth), await subscribeByHand(suite.emu, sink, auth, {}, 'workitem.commented')];
	suite.emu.hooks.hold();
	return subscriptions;
}

function newWorkItems(count: number, prefix: string): number[] {
	return Array.from({ length: count }, (_, n) => suite.emu.createWorkItem('Service Desk', 'Task', { 'System.Title': `${prefix} ${n}`, 'System.Tags': `Ticket:${prefix}-${n}` }).id as number);
}

/** The comment a delivery carries (System.History of a comment, or of an update that added one), or null. */
function commentOf(delivery: Delivery): string | null {
	const resource = delivery.payload.resource as IDataObject;
	if (delivery.eventType === 'workitem.commented') return String((resource.fields as IDataObject)['System.History'] ?? '') || null;
	const change = (resource.fields as IDataObject | undefined)?.['System.History'] as IDataObject | undefined;
	return typeof change?.newValue === 'string' ? change.newValue : null;
}

function emittedOf(result: WebhookResult): IDataObject | undefined {
	expect(result.error).toBeUndefined();
	expect(result.response.status).toBe(200);
	const item = result.workflowData?.[0]?.[0]?.json;
	if (item) scanner.scan('item', item);
	scanner.scan('answer', result.response);
	return item;
}

describe(`echo attempts: the connector's comments replayed ${COPIES} times among people's, in ${ORDERS} random orders (seed ${SEED})`, () => {
	let deliveries: Delivery[];
	let connectorTexts: Set<string>;
	let peopleTexts: string[];

	beforeAll(async () => {
		suite.emu.reset();
		const subscriptions = await holdDeliveries();
		const ids = newWorkItems(4, 'E');
		const random = seededRandom(SEED);
		const ours: Array<{ id: number; text: string }> = [];
		connectorTexts = new Set();
		peopleTexts = [];
		for (let n = 0; n < 24; n++) {
			const id = ids[Math.floor(random() * ids.length)];
			const roll = random();
			if (roll < 0.35) {
				ours.push({ id, text: `Requester wrote: message ${n}` });
			} else if (roll < 0.5) {
				suite.emu.addComment(id, `Bot synced ${n}`, { by: BOT });
				connectorTexts.add(`Bot synced ${n}`);
			} else {
				// People, the token's own owner among them: their comments carry no marker and are kept.
				const who = roll < 0.6 ? undefined : PEOPLE[n % PEOPLE.length];
				suite.emu.addComment(id, `Person's note ${n}`, { by: who });
				peopleTexts.push(`Person's note ${n}`);
			}
		}
		await connectorComments(ours);
		for (const comment of ours) connectorTexts.add(comment.text);
		deliveries = suite.emu.hooks.deliveries().filter((d) => subscriptions.includes(d.subscriptionId));
		// Every comment is delivered twice: as the comment, and as the update that added it.
		expect(deliveries).toHaveLength(2 * (connectorTexts.size + peopleTexts.length));
		expect(deliveries.filter((d) => (commentOf(d) ?? '').includes(ECHO_MARKER))).toHaveLength(2 * ours.length);
	}, 60_000);

	it("emits every person's comment exactly once and never one of the connector's", async () => {
		const isConnector = (delivery: Delivery) => [...connectorTexts].some((text) => (commentOf(delivery) ?? '').startsWith(text));
		const arrivalsPool = deliveries.flatMap((delivery) => Array.from({ length: isConnector(delivery) ? COPIES : 1 }, () => delivery));
		await fc.assert(
			fc.asyncProperty(fc.shuffledSubarray(arrivalsPool, { minLength: arrivalsPool.length, maxLength: arrivalsPool.length }), async (arrivals) => {
				const workflow = freshWorkflow();
				const comments: string[] = [];
				for (const delivery of arrivals) {
					counts.add('deliveriesTried');
					const result = await workflow.webhook(TRIGGER, { headers: delivery.headers, body: delivery.payload });
					const item = emittedOf(result);
					if (!item) {
						const body = result.response.body as IDataObject;
						if (body.echo === true) counts.add('echoesDropped');
						if (isConnector(delivery)) expect(body).toMatchObject({ accepted: false, echo: true });
						continue;
					}
					counts.add('emitted');
					expect(isConnector(delivery)).toBe(false);
					expect(String(item.comment ?? '')).not.toContain(ECHO_MARKER);
					if (item.eventType === 'workitem.commented') comments.push(String(item.comment));
				}
				const leaked = comments.filter((text) => connectorTexts.has(text));
				counts.add('echoesEmitted', leaked.length);
				expect(leaked).toEqual([]);
				const twice = comments.length - new Set(comments).size;
				counts.add('duplicates', twice);
				const lost = peopleTexts.filter((text) => !comments.includes(text));
				counts.add('losses', lost.length);
				expect({ twice, lost }).toEqual({ twice: 0, lost: [] });
				expect(comments.sort()).toEqual([...peopleTexts].sort());
				counts.add('faultsInjected', arrivals.length - deliveries.length);
			}),
			fcOptions(ORDERS),
		);
		expect(scanner.leaks).toEqual([]);
	}, 300_000);
});

describe(`comment storm: ${STORM_COMMENTS} comments on ${STORM_ITEMS} work items, at once, some twice, shuffled (seed ${SEED})`, () => {
	it("emits every person's comment exactly once, and none of the connector's, with n8n's static data per request", async () => {
		suite.emu.reset();
		const subscriptions = await holdDeliveries();
		const ids = newWorkItems(STORM_ITEMS, 'S');
		const random = seededRandom(SEED + 1);
		const people: string[] = [];
		const ours: Array<{ id: number; text: string }> = [];
		for (let n = 0; n < STORM_COMMENTS; n++) {
			const id = ids[n % STORM_ITEMS];
			if (n % 10 === 9) {
				ours.push({ id, text: `Ticket note ${n}` });
			} else {
				suite.emu.addComment(id, `Storm ${n}`, { by: PEOPLE[n % PEOPLE.length] });
				people.push(`Storm ${n}`);
			}
		}
		await connectorComments(ours);
		const comments = suite.emu.hooks
			.deliveries()
			.filter((d) => subscriptions.includes(d.subscriptionId) && d.eventType === 'workitem.commented');
		expect(comments).toHaveLength(STORM_COMMENTS);
		// A fifth of them delivered twice (Azure DevOps retried), everything in a shuffled order, all at once.
		const retried = comments.filter(() => random() < 0.2);
		counts.add('faultsInjected', retried.length);
		const arrivals = shuffled([...comments, ...retried], random);
		const workflow = freshWorkflow(true);
		const results = await Promise.all(
			arrivals.map(async (delivery) => {
				counts.add('deliveriesTried');
				return await workflow.webhook(TRIGGER, { headers: delivery.headers, body: delivery.payload });
			}),
		);
		const emitted = results.map(emittedOf).filter((item): item is IDataObject => item !== undefined);
		counts.add('emitted', emitted.length);
		counts.add('echoesDropped', results.filter((result) => (result.response.body as IDataObject).echo === true).length);
		const texts = emitted.map((item) => String(item.comment));
		const twice = texts.length - new Set(texts).size;
		counts.add('duplicates', twice);
		const lost = people.filter((text) => !texts.includes(text));
		counts.add('losses', lost.length);
		expect({ twice, lost: lost.slice(0, 5), echoes: texts.filter((text) => text.startsWith('Ticket note')) }).toEqual({ twice: 0, lost: [], echoes: [] });
		expect(texts).toHaveLength(people.length);
		expect(scanner.leaks).toEqual([]);
	}, 120_000);
});
