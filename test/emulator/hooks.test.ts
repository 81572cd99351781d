// Service-hook deliveries: the five work item events in the official shape, the subscription
// filters and detail modes, secrets on the wire, retries, redelivery and out-of-order arrival.
import * as fs from 'fs';
import * as path from 'path';
import { startEmulator, FABRIKAM_TOKEN, type Emulator } from './index';
import { call, startReceiver } from './support';

const SAMPLES = path.resolve(__dirname, '..', '..', '..', 'shared', 'azure-devops', 'service-hook-samples');
const sample = (event: string): Record<string, unknown> | undefined => {
	const file = path.join(SAMPLES, `${event}.json`);
	return fs.existsSync(file) ? (JSON.parse(fs.readFileSync(file, 'utf8')) as Record<string, unknown>) : undefined;
};
/** Top-level keys every delivery carries, from the samples plus the README's subscriptionId / notificationId. */
const TOP_LEVEL = ['createdDate', 'detailedMessage', 'eventType', 'id', 'message', 'notificationId', 'publisherId', 'resource', 'resourceContainers', 'resourceVersion', 'scope', 'subscriptionId'];

interface Resource {
	id: number;
	workItemId?: number;
	rev: number;
	url: string;
	fields: Record<string, unknown>;
	revision?: { id: number; rev: number; fields: Record<string, unknown> };
}
const resourceOf = (body: Record<string, unknown>) => body.resource as Resource;

describe('service-hook deliveries', () => {
	let emu: Emulator;
	let receiver: Awaited<ReturnType<typeof startReceiver>>;
	let status = 200;

	const subscribe = async (eventType: string, publisherInputs: Record<string, string> = {}, consumerInputs: Record<string, string> = {}) => {
		const res = await call('POST', `${emu.url}/fabrikam/_apis/hooks/subscriptions?api-version=7.1`, {
			token: FABRIKAM_TOKEN,
			body: { publisherId: 'tfs', eventType, resourceVersion: '1.0', consumerId: 'webHooks', consumerActionId: 'httpRequest', publisherInputs, consumerInputs: { url: receiver.url, ...consumerInputs } },
		});
		expect(res.status).toBe(200);
		return res.json;
	};
	const newTask = (title = 'Printer jammed', type = 'Task') => Number(emu.createWorkItem('Fabrikam Fiber', type, { 'System.Title': title }).id);

	beforeAll(async () => {
		emu = await startEmulator({ allowLocalhostConsumers: true });
		receiver = await startReceiver(() => status);
	});
	afterAll(async () => {
		await emu.stop();
		await receiver.close();
	});
	beforeEach(() => {
		emu.reset();
		receiver.received.length = 0;
		status = 200;
	});

	it('delivers all five events with the samples\' keys and the real work item id', async () => {
		for (const e of ['workitem.created', 'workitem.updated', 'workitem.commented', 'workitem.deleted', 'workitem.restored']) await subscribe(e);
		const id = newTask();
		emu.updateWorkItem(id, { 'System.State': 'Active' }, { by: 'Jamal Hartnett <fabrikamfiber4@hotmail.com>' });
		emu.addComment(id, 'Customer called back');
		emu.deleteWorkItem(id);
		emu.restoreWorkItem(id);
		await emu.hooks.flush();
		// A comment is also a revision, so workitem.updated fires twice; the first is the state change.
		const byType: Record<string, Record<string, unknown>> = {};
		for (const r of receiver.received) byType[r.body.eventType as string] ??= r.body;
		expect(receiver.received.map((r) => r.body.eventType)).toEqual([
			'workitem.created',
			'workitem.updated',
			'workitem.updated',
			'workitem.commented',
			'workitem.deleted',
			'workitem.restored',
		]);
		expect(Object.keys(byType).sort()).toEqual(['workitem.commented', 'workitem.created', 'workitem.deleted', 'workitem.restored', 'workitem.updated']);
		for (const [event, body] of Object.entries(byType)) {
			expect(Object.keys(body).sort()).toEqual(TOP_LEVEL);
			const s = sample(event);
			if (s) {
				expect(Object.keys(body).filter((k) => !['subscriptionId', 'notificationId'].includes(k)).sort()).toEqual(Object.keys(s).sort());
				const resourceKeys = Object.keys(body.resource as object);
				for (const k of Object.keys(s.resource as object)) expect(resourceKeys).toContain(k);
			}
			expect(body.resourceContainers).toMatchObject({ project: { id: emu.projects()[0].id, baseUrl: `${emu.url}/fabrikam/` } });
		}
		const updated = resourceOf(byType['workitem.updated']);
		expect(updated.workItemId).toBe(id);
		expect(updated.id).toBe(2);
		expect(updated.fields['System.State']).toEqual({ oldValue: 'New', newValue: 'Active' });
		expect(updated.revision).toMatchObject({ id, rev: 2, fields: { 'System.State': 'Active' } });
		expect(resourceOf(byType['workitem.commented']).fields['System.History']).toBe('Customer called back');
		expect(resourceOf(byType['workitem.deleted']).url).toContain('/_apis/wit/recyclebin/');
		const ids = receiver.received.map((r) => r.body.notificationId as number);
		expect(ids).toEqual([...ids].sort((a, b) => a - b));
	});

	it('fires for changes made through the REST API too', async () => {
		await subscribe('workitem.created');
		await call('POST', `${emu.url}/fabrikam/Service%20Desk/_apis/wit/workitems/$Bug?api-version=7.1`, {
			token: FABRIKAM_TOKEN,
			contentType: 'application/json-patch+json',
			body: [{ op: 'add', path: '/fields/System.Title', value: 'From REST' }],
		});
		await call('POST', `${emu.url}/fabrikam/Service%20Desk/_apis/wit/workitems/$Bug?api-version=7.1&validateOnly=true`, {
			token: FABRIKAM_TOKEN,
			contentType: 'application/json-patch+json',
			body: [{ op: 'add', path: '/fields/System.Title', value: 'Dry run' }],
		});
		await emu.hooks.flush();
		expect(receiver.received.map((r) => resourceOf(r.body).fields['System.Title'])).toEqual(['From REST']);
	});

	it('applies changedFields, workItemType, areaPath and projectId filters', async () => {
		const fabrikam = emu.projects()[0].id;
		await subscribe('workitem.updated', { changedFields: 'System.State' }, { httpHeaders: 'X-Filter:state' });
		await subscribe('workitem.created', { workItemType: 'Bug' }, { httpHeaders: 'X-Filter:bug' });
		await subscribe('workitem.created', { areaPath: 'Fabrikam Fiber\\Service Desk' }, { httpHeaders: 'X-Filter:area' });
		await subscribe('workitem.created', { projectId: emu.projects()[1].id }, { httpHeaders: 'X-Filter:project' });
		const id = newTask();
		emu.updateWorkItem(id, { 'System.Description': 'no state change' });
		emu.updateWorkItem(id, { 'System.State': 'Closed' });
		newTask('A bug', 'Bug');
		emu.createWorkItem('Fabrikam Fiber', 'Task', { 'System.Title': 'In area', 'System.AreaPath': 'Fabrikam Fiber\\Service Desk' });
		emu.createWorkItem('Service Desk', 'Task', { 'System.Title': 'Other project' });
		await emu.hooks.flush();
		const got = receiver.received.map((r) => `${String(r.headers['x-filter'])}:${resourceOf(r.body).revision?.fields?.['System.Title'] ?? resourceOf(r.body).fields['System.Title']}`);
		expect(got.sort()).toEqual(['area:In area', 'bug:A bug', 'project:Other project', 'state:Printer jammed']);
		expect(fabrikam).not.toBe(emu.projects()[1].id);
	});

	it('honours resourceDetailsToSend and messagesToSend', async () => {
		await subscribe('workitem.created', {}, { resourceDetailsToSend: 'Minimal', messagesToSend: 'text', detailedMessagesToSend: 'none' });
		await subscribe('workitem.created', {}, { resourceDetailsToSend: 'None' });
		const id = newTask();
		await emu.hooks.flush();
		const [minimal, none] = receiver.received.map((r) => r.body);
		expect(minimal.resource).toEqual({ id, rev: 1, url: `${emu.url}/fabrikam/_apis/wit/workItems/${id}` });
		expect(Object.keys(minimal.message as object)).toEqual(['text']);
		expect(minimal.detailedMessage).toBeUndefined();
		expect(none.resource).toBeUndefined();
	});

	it('sends basic auth and custom headers, and masks both secrets when the subscription is read', async () => {
		const sub = await subscribe('workitem.created', {}, { basicAuthUsername: 'n8n', basicAuthPassword: 'p@ss', httpHeaders: 'X-Authorization: abc\nX-Second:two' });
		expect((sub.consumerInputs as Record<string, string>).basicAuthPassword).toBe('********');
		const read = await call('GET', `${emu.url}/fabrikam/_apis/hooks/subscriptions/${String(sub.id)}?api-version=7.1`, { token: FABRIKAM_TOKEN });
		expect(read.json.consumerInputs).toMatchObject({ basicAuthPassword: '********', httpHeaders: '********', basicAuthUsername: 'n8n' });
		newTask();
		await emu.hooks.flush();
		const h = receiver.received[0].headers;
		expect(h.authorization).toBe(`Basic ${Buffer.from('n8n:p@ss').toString('base64')}`);
		expect([h['x-authorization'], h['x-second']]).toEqual(['abc', 'two']);
	});

	it('records receiver answers, retries 5xx when configured, and redelivers with the same notificationId', async () => {
		await subscribe('workitem.created');
		status = 500;
		newTask();
		await emu.hooks.flush();
		expect(emu.hooks.deliveries()[0]).toMatchObject({ status: 500, responseBody: '{"ok":true}' });
		expect(emu.hooks.deliveries()[0].attempts).toHaveLength(1);
		emu.hooks.configure({ retries: 2, retryDelayMs: 1 });
		newTask('second');
		await emu.hooks.flush();
		expect(emu.hooks.deliveries()[1].attempts.map((a) => a.status)).toEqual([500, 500, 500]);
		status = 200;
		const again = emu.hooks.redeliver(1);
		await emu.hooks.flush();
		expect(again.status).toBe(200);
		expect(receiver.received.at(-1)?.body.notificationId).toBe(1);
	});

	it('holds deliveries and releases them in reverse order', async () => {
		await subscribe('workitem.updated');
		const id = newTask();
		emu.hooks.hold();
		emu.updateWorkItem(id, { 'System.State': 'Active' });
		emu.updateWorkItem(id, { 'System.State': 'Closed' });
		await emu.hooks.flush();
		expect(receiver.received).toHaveLength(0);
		await emu.hooks.release({ order: 'reverse' });
		expect(receiver.received.map((r) => resourceOf(r.body).rev)).toEqual([3, 2]);
	});

	it('refuses localhost consumers when asked to behave like the service, and bad subscriptions', async () => {
		emu.allowLocalhostConsumers = false;
		const res = await call('POST', `${emu.url}/fabrikam/_apis/hooks/subscriptions?api-version=7.1`, {
			token: FABRIKAM_TOKEN,
			body: { publisherId: 'tfs', eventType: 'workitem.created', consumerId: 'webHooks', consumerActionId: 'httpRequest', consumerInputs: { url: receiver.url } },
		});
		expect(res.status).toBe(400);
		expect(String(res.json.message)).toMatch(/localhost/);
		const wrongEvent = await call('POST', `${emu.url}/fabrikam/_apis/hooks/subscriptions?api-version=7.1`, {
			token: FABRIKAM_TOKEN,
			body: { publisherId: 'tfs', eventType: 'git.push', consumerId: 'webHooks', consumerActionId: 'httpRequest', consumerInputs: { url: 'https://example.com/' } },
		});
		expect(wrongEvent.status).toBe(400);
		const missing = await call('DELETE', `${emu.url}/fabrikam/_apis/hooks/subscriptions/00000000-0000-0000-0000-000000000000?api-version=7.1`, { token: FABRIKAM_TOKEN });
		expect(missing.status).toBe(404);
	});
});
