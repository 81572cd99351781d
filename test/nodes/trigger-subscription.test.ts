// Azure DevOps Connector Trigger registering its own service-hook subscription: what an admin sees in Azure DevOps
// when the workflow is activated, deactivated, or the subscription is deleted behind n8n's back.
import type { IDataObject } from 'n8n-workflow';

import { FABRIKAM_TOKEN, startEmulator, type Emulator } from '../emulator';
import { SERVICE_DESK, basicAuth, emitted, emulatorCredentials, triggerRig, type TriggerRig } from './trigger.support';

let emu: Emulator;

beforeAll(async () => {
	emu = await startEmulator({ allowLocalhostConsumers: true });
});

afterAll(async () => {
	await emu.stop();
});

afterEach(() => {
	emu.faults.clear();
});

const api = async (method: string, path: string, body?: unknown) =>
	await fetch(`${emu.orgUrl('fabrikam')}${path}${path.includes('?') ? '&' : '?'}api-version=7.1`, {
		method,
		headers: { 'content-type': 'application/json', authorization: basicAuth('', FABRIKAM_TOKEN) },
		body: body === undefined ? undefined : JSON.stringify(body),
	});

const subscriptionsTo = (url: string) => emu.hooks.subscriptions('fabrikam').filter((s) => s.consumerInputs.url === url);

const ACTIVE = {
	events: ['workitem.updated'],
	workItemEndState: 'Closed',
	endState: 'Return from DevOps',
};

describe('Register Subscription Automatically', () => {
	let rig: TriggerRig;

	beforeEach(async () => {
		rig = await triggerRig(emu, { parameters: ACTIVE });
	});

	afterEach(async () => {
		await rig.workflow.deactivate('Azure DevOps Connector Trigger').catch(() => undefined);
		await rig.close();
	});

	it('activation creates one Web Hooks subscription with the URL, a generated secret and the State filter', async () => {
		const before = emu.requests().length;
		expect(await rig.workflow.activate('Azure DevOps Connector Trigger')).toEqual({ existed: false, created: true });

		const [subscription, ...more] = subscriptionsTo(rig.url);
		expect(more).toHaveLength(0);
		const project = emu.projects('fabrikam').find((p) => p.name === SERVICE_DESK)!;
		expect(subscription).toMatchObject({
			publisherId: 'tfs',
			eventType: 'workitem.updated',
			consumerId: 'webHooks',
			consumerActionId: 'httpRequest',
			publisherInputs: expect.objectContaining({ projectId: project.id, changedFields: 'System.State' }),
			consumerInputs: expect.objectContaining({
				url: rig.url,
				resourceDetailsToSend: 'all',
				messagesToSend: 'none',
				detailedMessagesToSend: 'none',
			}),
		});
		expect(subscription.consumerInputs.basicAuthPassword.length).toBeGreaterThanOrEqual(32);
		const stored = rig.workflow.nodeStaticData('Azure DevOps Connector Trigger') as IDataObject;
		expect(JSON.stringify(stored)).toContain(subscription.id);
		// Who the credential is learnt once (for recognising the connector's own changes), project id looked up once,
		// subscription posted once (and the organization's API versions learnt at most once).
		const calls = emu.requests().slice(before).map((r) => `${r.method} ${r.path}`);
		expect(emu.requests().filter((r) => r.method === 'OPTIONS')).toHaveLength(1);
		expect(calls.filter((call) => !call.startsWith('OPTIONS '))).toEqual([
			expect.stringMatching(/^GET .*\/_apis\/connectionData$/),
			expect.stringMatching(/^GET .*\/_apis\/projects\/Service%20Desk$/),
			expect.stringMatching(/^POST .*\/_apis\/hooks\/subscriptions$/),
		]);
		expect(emu.specViolations()).toEqual([]);
	});

	it('deliveries carry the generated secret and start the workflow; a forged delivery gets 401', async () => {
		await rig.workflow.activate('Azure DevOps Connector Trigger');
		const id = emu.createWorkItem(SERVICE_DESK, 'Task', { 'System.Title': 'Mouse broken', 'System.Tags': 'Ticket:88' }).id as number;
		emu.updateWorkItem(id, { 'System.State': 'Closed' });
		await emu.hooks.flush();
		expect(rig.results).toHaveLength(1);
		expect(emitted(rig.results[0])).toMatchObject({ workItemId: id, ticket: { id: '88', state: 'Return from DevOps' } });

		const forged = await fetch(rig.url, {
			method: 'POST',
			headers: { 'content-type': 'application/json', authorization: basicAuth('n8n-azure-devops', 'guess') },
			body: JSON.stringify({ eventType: 'workitem.updated', resource: { workItemId: id } }),
		});
		expect(forged.status).toBe(401);
		expect(((await forged.json()) as IDataObject).code).toBe('AZDC-3010');
	});

	it('create → exists → deleted in Azure DevOps → not exists → create again', async () => {
		await rig.workflow.activate('Azure DevOps Connector Trigger');
		expect(await rig.workflow.webhookMethod('Azure DevOps Connector Trigger', 'checkExists')).toBe(true);

		const [first] = subscriptionsTo(rig.url);
		expect((await api('DELETE', `/_apis/hooks/subscriptions/${first.id}`)).status).toBeLessThan(300);
		expect(await rig.workflow.webhookMethod('Azure DevOps Connector Trigger', 'checkExists')).toBe(false);

		expect(await rig.workflow.webhookMethod('Azure DevOps Connector Trigger', 'create')).toBe(true);
		const again = subscriptionsTo(rig.url);
		expect(again).toHaveLength(1);
		expect(again[0].id).not.toBe(first.id);
		expect(await rig.workflow.webhookMethod('Azure DevOps Connector Trigger', 'checkExists')).toBe(true);
	});

	it('deactivation removes only its own subscription, not a foreign one with the same URL', async () => {
		await rig.workflow.activate('Azure DevOps Connector Trigger');
		const project = emu.projects('fabrikam').find((p) => p.name === SERVICE_DESK)!;
		const foreign = await api('POST', '/_apis/hooks/subscriptions', {
			publisherId: 'tfs',
			eventType: 'workitem.updated',
			consumerId: 'webHooks',
			consumerActionId: 'httpRequest',
			publisherInputs: { projectId: project.id },
			consumerInputs: { url: rig.url },
		});
		const foreignId = ((await foreign.json()) as IDataObject).id as string;
		expect(subscriptionsTo(rig.url)).toHaveLength(2);

		expect(await rig.workflow.deactivate('Azure DevOps Connector Trigger')).toBe(true);
		expect(subscriptionsTo(rig.url).map((s) => s.id)).toEqual([foreignId]);
		expect(rig.workflow.nodeStaticData('Azure DevOps Connector Trigger').registrations).toBeUndefined();
		await api('DELETE', `/_apis/hooks/subscriptions/${foreignId}`);
	});

	it('deactivation after the subscription was already deleted in Azure DevOps (404) still succeeds', async () => {
		await rig.workflow.activate('Azure DevOps Connector Trigger');
		const [mine] = subscriptionsTo(rig.url);
		await api('DELETE', `/_apis/hooks/subscriptions/${mine.id}`);
		expect(await rig.workflow.deactivate('Azure DevOps Connector Trigger')).toBe(true);
	});

	it('the test URL and the production URL have their own subscriptions and never touch each other', async () => {
		await rig.workflow.activate('Azure DevOps Connector Trigger');
		await rig.workflow.activate('Azure DevOps Connector Trigger', { isTest: true });
		expect(rig.testUrl).toContain('/webhook-test/');
		expect(subscriptionsTo(rig.url)).toHaveLength(1);
		expect(subscriptionsTo(rig.testUrl)).toHaveLength(1);

		// The editor stops listening: only the test subscription goes.
		await rig.workflow.deactivate('Azure DevOps Connector Trigger', { isTest: true });
		expect(subscriptionsTo(rig.testUrl)).toHaveLength(0);
		expect(subscriptionsTo(rig.url)).toHaveLength(1);
		expect(await rig.workflow.webhookMethod('Azure DevOps Connector Trigger', 'checkExists')).toBe(true);
	});

	it('checkExists passes on errors other than 404 (here: the token is refused) instead of guessing', async () => {
		await rig.workflow.activate('Azure DevOps Connector Trigger');
		emu.faults.add({ kind: 'status', status: 401, match: { pathIncludes: '/_apis/hooks/subscriptions/' } });
		await expect(rig.workflow.webhookMethod('Azure DevOps Connector Trigger', 'checkExists')).rejects.toThrow(/AZDC-4015/);
		emu.faults.clear();
		expect(await rig.workflow.webhookMethod('Azure DevOps Connector Trigger', 'checkExists')).toBe(true);
	});

	it('after the events are changed in the node, the old subscription is replaced on the next activation', async () => {
		await rig.workflow.activate('Azure DevOps Connector Trigger');
		const [old] = subscriptionsTo(rig.url);
		rig.workflow.node('Azure DevOps Connector Trigger').parameters.events = ['workitem.updated', 'workitem.commented'];
		expect(await rig.workflow.activate('Azure DevOps Connector Trigger')).toEqual({ existed: false, created: true });
		const now = subscriptionsTo(rig.url);
		expect(now.map((s) => s.id)).not.toContain(old.id);
		expect(now.map((s) => s.eventType).sort()).toEqual(['workitem.commented', 'workitem.updated']);
	});

	it('several events: one subscription per event, all removed on deactivation', async () => {
		const multi = await triggerRig(emu, { parameters: { ...ACTIVE, events: ['workitem.updated', 'workitem.created', 'workitem.commented'] } });
		try {
			await multi.workflow.activate('Azure DevOps Connector Trigger');
			expect(subscriptionsTo(multi.url).map((s) => s.eventType).sort()).toEqual([
				'workitem.commented',
				'workitem.created',
				'workitem.updated',
			]);
			expect(subscriptionsTo(multi.url).find((s) => s.eventType === 'workitem.created')?.publisherInputs.changedFields).toBeUndefined();
			await multi.workflow.deactivate('Azure DevOps Connector Trigger');
			expect(subscriptionsTo(multi.url)).toHaveLength(0);
		} finally {
			await multi.close();
		}
	});

	it('a Service Hook Secret credential with a header is put on the subscription as an HTTP header line', async () => {
		const withHeader = await triggerRig(emu, {
			parameters: { ...ACTIVE, deliveryAuthentication: 'credential' },
			credentials: emulatorCredentials(emu, {
				azureDevOpsWebhookAuthApi: { data: { authType: 'header', headerName: 'X-Hook-Secret', headerSecret: 'n8n-hook-canary' } },
			}),
		});
		try {
			await withHeader.workflow.activate('Azure DevOps Connector Trigger');
			const [subscription] = subscriptionsTo(withHeader.url);
			expect(subscription.consumerInputs.httpHeaders).toBe('X-Hook-Secret:n8n-hook-canary');
			const id = emu.createWorkItem(SERVICE_DESK, 'Task', { 'System.Title': 'Header auth', 'System.Tags': 'Ticket:5' }).id as number;
			emu.updateWorkItem(id, { 'System.State': 'Closed' });
			await emu.hooks.flush();
			expect(emitted(withHeader.results.at(-1)!)).toMatchObject({ workItemId: id, ticket: { id: '5' } });
		} finally {
			await withHeader.workflow.deactivate('Azure DevOps Connector Trigger');
			await withHeader.close();
		}
	});

	it('a header value with a space ("Bearer ..."), which the Web Hooks consumer refuses: AZDC-6070 at activation, nothing sent, the value never repeated', async () => {
		const withSpace = await triggerRig(emu, {
			parameters: { ...ACTIVE, deliveryAuthentication: 'credential' },
			credentials: emulatorCredentials(emu, {
				azureDevOpsWebhookAuthApi: { data: { authType: 'header', headerName: 'X-Authorization', headerSecret: 'Bearer 0123456789abcdef' } },
			}),
		});
		try {
			const before = emu.requests().filter((r) => r.path.includes('/hooks/subscriptions')).length;
			const error = await withSpace.workflow.activate('Azure DevOps Connector Trigger').then(
				() => undefined,
				(caught: unknown) => caught as Error & { context?: IDataObject },
			);
			expect(error?.context?.code).toBe('AZDC-6070');
			expect(error?.message).toContain('X-Authorization');
			expect(error?.message).not.toContain('0123456789abcdef');
			expect(emu.requests().filter((r) => r.path.includes('/hooks/subscriptions'))).toHaveLength(before);
			expect(subscriptionsTo(withSpace.url)).toHaveLength(0);
		} finally {
			await withSpace.close();
		}
	});
});

describe('registration failures', () => {
	it('Azure DevOps refusing a localhost URL: the activation fails with AZDC-6002 and Azure DevOps\' own words', async () => {
		const strict = await startEmulator({ allowLocalhostConsumers: false });
		const rig = await triggerRig(strict, { parameters: ACTIVE });
		try {
			await expect(rig.workflow.activate('Azure DevOps Connector Trigger')).rejects.toThrow(
				/AZDC-6002.*VS1101013.*not allowed/,
			);
			expect(strict.hooks.subscriptions()).toHaveLength(0);
			expect(rig.workflow.nodeStaticData('Azure DevOps Connector Trigger').registrations).toBeUndefined();
		} finally {
			await rig.close();
			await strict.stop();
		}
	});

	it('a project that does not exist: AZDC-6003, nothing created', async () => {
		const rig = await triggerRig(emu, {
			parameters: { ...ACTIVE, project: { __rl: true, mode: 'name', value: 'No Such Project' } },
		});
		try {
			await expect(rig.workflow.activate('Azure DevOps Connector Trigger')).rejects.toThrow(/AZDC-6003/);
			expect(subscriptionsTo(rig.url)).toHaveLength(0);
		} finally {
			await rig.close();
		}
	});

	it('a failure on the second of two events removes the first again', async () => {
		const rig = await triggerRig(emu, { parameters: { ...ACTIVE, events: ['workitem.updated', 'workitem.created'] } });
		// Let the first POST through, refuse the second.
		let posts = 0;
		const original = emu.faults.take.bind(emu.faults);
		emu.faults.take = (method, path, organization) => {
			if (method === 'POST' && path.includes('/_apis/hooks/subscriptions') && ++posts === 2) {
				return [{ id: 0, hits: 1, spec: { kind: 'status', status: 400 } }];
			}
			return original(method, path, organization);
		};
		try {
			await expect(rig.workflow.activate('Azure DevOps Connector Trigger')).rejects.toThrow(/AZDC-6001/);
			expect(subscriptionsTo(rig.url)).toHaveLength(0);
		} finally {
			emu.faults.take = original;
			await rig.close();
		}
	});

	it('"Generated Secret" with registration off fails the activation with AZDC-6004', async () => {
		const rig = await triggerRig(emu, { parameters: { ...ACTIVE, registerSubscription: false } });
		try {
			await expect(rig.workflow.activate('Azure DevOps Connector Trigger')).rejects.toThrow(/AZDC-6004/);
		} finally {
			await rig.close();
		}
	});

	it('a subscription made by hand (registration off): activation registers nothing', async () => {
		const rig = await triggerRig(emu, { parameters: { ...ACTIVE, registerSubscription: false, deliveryAuthentication: 'credential' } });
		try {
			const before = emu.requests().length;
			expect(await rig.workflow.activate('Azure DevOps Connector Trigger')).toEqual({ existed: true, created: false });
			// Only who the credential signs in as is read (Ignore the Connector's Own Changes); nothing is written.
			const calls = emu.requests().slice(before).filter((r) => r.method !== 'OPTIONS');
			expect(calls.map((r) => `${r.method} ${r.path}`)).toEqual([expect.stringMatching(/^GET .*\/_apis\/connectionData$/)]);
		} finally {
			await rig.close();
		}
	});

	it('an invalid state map fails the activation, not the deliveries', async () => {
		const rig = await triggerRig(emu, { parameters: { ...ACTIVE, workItemEndState: 'Closed', endState: '' } });
		try {
			await expect(rig.workflow.activate('Azure DevOps Connector Trigger')).rejects.toThrow(/AZDC-1041/);
		} finally {
			await rig.close();
		}
	});
});
