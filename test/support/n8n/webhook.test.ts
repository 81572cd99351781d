// Webhook deliveries through n8n-core's WebhookContext, runs started from them, and the
// webhookMethods lifecycle through HookContext, with static data kept on the TestWorkflow.
import { TestWorkflow, startLoopbackServer, type LoopbackServer } from './index';
import { ACTION, TRIGGER, fixtureTypes } from './fixtures';

// A subscription API on 127.0.0.1, as the trigger's webhookMethods expect it.
let api: LoopbackServer;
const subscriptions = new Map<string, { url: string; secret: string }>();
let nextId = 1;

beforeAll(async () => {
	api = await startLoopbackServer((request) => {
		const id = request.url.split('/')[2];
		if (request.method === 'POST' && request.url === '/subscriptions') {
			const created = { id: `sub-${nextId++}`, ...(request.json as { url: string; secret: string }) };
			subscriptions.set(created.id, created);
			return { body: created };
		}
		if (request.method === 'GET' && subscriptions.has(id)) return { body: subscriptions.get(id) };
		if (request.method === 'DELETE' && subscriptions.delete(id)) return { status: 204 };
		if (request.url.startsWith('/items/')) return { body: { served: request.url } };
		return { status: 404, body: { message: 'not found' } };
	});
});
afterAll(async () => await api.close());
beforeEach(() => api.requests.splice(0));

const ORIGIN = 'http://127.0.0.1:5999';

function triggerWorkflow(): TestWorkflow {
	return new TestWorkflow(
		{
			nodes: [
				{
					name: 'Trigger',
					type: TRIGGER,
					webhookId: 'hook-1',
					parameters: { secret: 's3cret' },
					credentials: { fixtureBearerApi: { id: 'c1', name: 'api' } },
				},
				{
					name: 'Fetch',
					type: ACTION,
					parameters: { path: '=/items/{{ $json.id }}' },
					credentials: { fixtureBearerApi: { id: 'c1', name: 'api' } },
				},
			],
			connections: { Trigger: { main: [[{ node: 'Fetch', type: 'main', index: 0 }]] } },
		},
		{
			...fixtureTypes,
			origin: ORIGIN,
			credentials: { fixtureBearerApi: { id: 'c1', data: { baseUrl: api.url, token: 'hook-token' } } },
		},
	);
}

const delivery = (id: string, secret = 's3cret') => ({
	headers: { 'X-Fixture-Secret': secret },
	body: { id, event: 'workitem.updated' },
});

describe('webhook()', () => {
	it('answers 401 itself and starts nothing when the secret is wrong', async () => {
		const result = await triggerWorkflow().runFromWebhook('Trigger', delivery('1', 'wrong'));

		expect(result.response).toEqual({
			status: 401,
			headers: { 'content-type': 'application/json; charset=utf-8' },
			body: { code: 'FIX-401', message: 'Bad secret' },
		});
		expect(result.noWebhookResponse).toBe(true);
		expect(result.workflowData).toBeUndefined();
		expect(result.run).toBeUndefined();
		expect(api.requests).toHaveLength(0);
	});

	it('returns items for a good secret (headers lower-cased, rawBody the exact bytes) and n8n answers', async () => {
		const request = { headers: { 'X-Fixture-Secret': 's3cret' }, body: '{"id": "7",  "event": "e"}' };
		const result = await triggerWorkflow().webhook('Trigger', {
			...request,
			headers: { ...request.headers, 'Content-Type': 'application/json; charset=utf-8' },
		});

		expect(result.workflowData).toEqual([[{ json: { id: '7', event: 'e', delivery: 1, rawLength: request.body.length } }]]);
		// responseData 'noData' in the fixture's webhook description: n8n answers 200 with no body.
		expect(result.response).toEqual({ status: 200, headers: {}, body: undefined });
		expect(result.answered).toBe(true);
	});

	it('keeps static data across deliveries to the same workflow, so repeats are dropped', async () => {
		const workflow = triggerWorkflow();

		const first = await workflow.webhook('Trigger', delivery('a'));
		const repeat = await workflow.webhook('Trigger', delivery('a'));
		const second = await workflow.webhook('Trigger', delivery('b'));

		expect(first.workflowData?.[0][0].json.delivery).toBe(1);
		expect(repeat.workflowData).toBeUndefined();
		expect(repeat.response).toMatchObject({ status: 200, body: { message: 'Webhook call received' } });
		expect(second.workflowData?.[0][0].json.delivery).toBe(2);
		expect(workflow.nodeStaticData('Trigger')).toMatchObject({ seen: ['a', 'b'], deliveries: 2 });
		// A different workflow object starts from its own (empty) static data.
		expect((await triggerWorkflow().webhook('Trigger', delivery('a'))).workflowData).toBeDefined();
	});

	it('runs the rest of the workflow from the trigger with its items, in webhook mode', async () => {
		const result = await triggerWorkflow().runFromWebhook('Trigger', delivery('42'));

		expect(result.run?.error).toBeUndefined();
		expect(result.run?.run.mode).toBe('webhook');
		expect(result.run?.outputOf('Fetch')).toEqual([
			{ json: { served: '/items/42', requested: '/items/42', version: 2 }, pairedItem: { item: 0 } },
		]);
		expect(api.requests.map((r) => r.headers.authorization)).toEqual(['Bearer hook-token']);
	});
});

describe('webhookMethods', () => {
	it('gives production and test URLs as n8n builds them', () => {
		const workflow = triggerWorkflow();

		expect(workflow.webhookUrl('Trigger')).toBe(`${ORIGIN}/webhook/hook-1/fixture`);
		expect(workflow.webhookUrl('Trigger', { isTest: true })).toBe(`${ORIGIN}/webhook-test/hook-1/fixture`);
	});

	it('creates, finds and deletes the subscription, with static data persisting through the lifecycle', async () => {
		const workflow = triggerWorkflow();

		expect(await workflow.activate('Trigger')).toEqual({ existed: false, created: true });
		const stored = { ...workflow.nodeStaticData('Trigger') };
		expect(stored).toEqual({ subscriptionId: expect.stringMatching(/^sub-/), secret: expect.stringMatching(/^[0-9a-f]{32}$/) });
		expect(api.requests[0]).toMatchObject({
			method: 'POST',
			headers: { authorization: 'Bearer hook-token' },
			json: { url: `${ORIGIN}/webhook/hook-1/fixture`, secret: stored.secret },
		});

		// Found again by id and URL; the editor's test URL is a different registration.
		expect(await workflow.webhookMethod('Trigger', 'checkExists')).toBe(true);
		expect(await workflow.activate('Trigger')).toEqual({ existed: true, created: false });

		// Deliveries now need the generated secret, not the parameter.
		expect((await workflow.webhook('Trigger', delivery('x'))).response.status).toBe(401);
		expect((await workflow.webhook('Trigger', delivery('x', String(stored.secret)))).workflowData).toBeDefined();

		expect(await workflow.deactivate('Trigger')).toBe(true);
		expect(subscriptions.has(String(stored.subscriptionId))).toBe(false);
		expect(workflow.nodeStaticData('Trigger')).not.toHaveProperty('subscriptionId');
		expect(await workflow.webhookMethod('Trigger', 'checkExists')).toBe(false);
	});

	it('tells test and production registrations apart by URL', async () => {
		const workflow = triggerWorkflow();
		await workflow.activate('Trigger');

		expect(await workflow.webhookMethod('Trigger', 'checkExists', { isTest: true })).toBe(false);
		await workflow.deactivate('Trigger');
	});
});
