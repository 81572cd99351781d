// The same service-desk flow on every Azure DevOps the package supports: Azure DevOps Services and one collection of
// each Azure DevOps Server release (2019 / REST 5.0, 2020 / 6.0, 2022 / 7.0, 2022.1 / 7.1), each served by the
// emulator with its own routes and versions and refusing what that release refuses. One parametrised suite: the
// credential test, Create From Ticket and its re-run, every work-item operation, and the trigger's registration and
// Minimal-details read.
import type { IDataObject, INodeParameters } from 'n8n-workflow';

import { AzureDevOpsApi } from '../../credentials/AzureDevOpsApi.credentials';
import { AzureDevOpsMultiOrgApi } from '../../credentials/AzureDevOpsMultiOrgApi.credentials';
import { AzureDevOpsConnector } from '../../nodes/AzureDevOpsConnector/AzureDevOpsConnector.node';
import { EMULATOR_PROFILES, startEmulator, type Emulator, type EmulatorProfile, type RequestRecord } from '../emulator';
import { MANUAL_TRIGGER_TYPE, runNode, testCredential, TestWorkflow } from '../support/n8n';
import { createFromTicket, seedSettings, ticket } from './create-from-ticket.support';
import { basicAuth, emitted, HOOK_CANARY, HOOK_USER, TRIGGER, triggerRig } from './trigger.support';

const NODE_TYPE = 'n8n-nodes-azure-devops-connector.azureDevOpsConnector';

let emu: Emulator;

beforeAll(async () => {
	// The trigger's webhook is on 127.0.0.1: the emulator calls loopback consumers only when told to.
	emu = await startEmulator({ allowLocalhostConsumers: true });
});

afterAll(async () => {
	await emu.stop();
});

beforeEach(() => {
	emu.reset();
});

afterEach(() => {
	expect(emu.specViolations()).toEqual([]);
});

/** The api-version each route goes out at on a release: ours (7.1) where the release has it, else its newest. */
function releasedVersion(profile: EmulatorProfile): string {
	return Number(profile.maxApiVersion) > 7.1 ? '7.1' : profile.maxApiVersion;
}

describe.each(EMULATOR_PROFILES.map((profile) => [profile.serverVersion, profile] as const))('on %s', (_name, profile) => {
	const orgUrl = () => emu.profileUrl(profile.name);
	const projectUrl = () => `${orgUrl()}/${encodeURIComponent(profile.project)}`;
	const credentials = () => ({ azureDevOpsApi: { organizationUrl: orgUrl(), accessToken: profile.token, allowHttp: true } });
	const mine = () => emu.requests().filter((r) => r.organization === profile.organization);

	/** Every request to this organization was answered in range: no version refused, no 5xx. */
	function expectEveryAnswerInRange(requests: RequestRecord[] = mine()) {
		const refused = requests.filter((r) => (r.status ?? 0) >= 400 && (r.status ?? 0) !== 404);
		expect(refused.map((r) => `${r.method} ${r.path} -> ${r.status}`)).toEqual([]);
		for (const r of requests.filter((x) => x.method !== 'OPTIONS')) {
			expect(Number(String(r.query['api-version']).split('-')[0])).toBeLessThanOrEqual(Number(profile.maxApiVersion));
		}
	}

	async function run(operation: string, parameters: INodeParameters, inputItems: IDataObject[] = [{}]) {
		return await runNode({
			type: NODE_TYPE,
			nodeTypes: { [NODE_TYPE]: new AzureDevOpsConnector() },
			credentialTypes: [new AzureDevOpsApi(), new AzureDevOpsMultiOrgApi()],
			credentials: credentials() as never,
			parameters: {
				authentication: 'azureDevOpsApi',
				resource: 'workItem',
				operation,
				project: { __rl: true, mode: 'url', value: projectUrl() },
				...parameters,
			},
			inputItems,
			continueOnFail: true,
		});
	}

	it('the credential test says the connection works', async () => {
		const result = await testCredential({
			type: 'azureDevOpsApi',
			data: credentials().azureDevOpsApi,
			credentialTypes: [new AzureDevOpsApi()],
			nodeTypes: { [NODE_TYPE]: new AzureDevOpsConnector() },
		});
		expect(result).toMatchObject({ status: 'OK' });
		expectEveryAnswerInRange();
	});

	it('Create From Ticket creates the work item at the version the server speaks, and a re-run finds it', async () => {
		const first = await createFromTicket(emu, {
			tickets: [ticket(4711)],
			credentials: credentials(),
			parameters: { connectorSettings: seedSettings(projectUrl()) },
		});
		expect(first.error).toBeUndefined();
		expect(first.items[0].json).toMatchObject({ created: true, title: 'Printer 4711 is jammed', ticket: { id: '4711' } });
		const create = mine().find((r) => r.method === 'POST' && r.path.includes('/_apis/wit/workitems/$'))!;
		expect(create.query['api-version']).toBe(releasedVersion(profile));
		// The server's versions were asked once, before anything else.
		expect(mine().filter((r) => r.method === 'OPTIONS')).toHaveLength(1);

		const again = await createFromTicket(emu, {
			tickets: [ticket(4711)],
			credentials: credentials(),
			parameters: { connectorSettings: seedSettings(projectUrl()) },
		});
		expect(again.items[0].json).toMatchObject({ created: false, id: first.items[0].json.id });
		expect(mine().filter((r) => r.method === 'POST' && r.path.includes('/_apis/wit/workitems/$'))).toHaveLength(1);
		expectEveryAnswerInRange();
	});

	it('every work-item operation: create, get, update, change state, comment, search, delete', async () => {
		const created = await run('create', {
			workItemType: 'Bug',
			title: 'Scanner on floor 2 is offline',
			tags: 'service-desk',
			fields: { field: [{ name: 'Microsoft.VSTS.Common.Priority', value: '2' }] },
		});
		expect(created.items[0].json.error).toBeUndefined();
		const id = Number(created.items[0].json.id);
		expect(id).toBeGreaterThan(0);
		const workItem = { __rl: true, mode: 'id', value: String(id) };

		const got = await run('get', { workItem });
		expect((got.items[0].json.fields as IDataObject)['System.Title']).toBe('Scanner on floor 2 is offline');

		const updated = await run('update', {
			workItem,
			fields: { field: [{ name: 'System.Title', value: 'Scanner on floor 2 is offline again' }] },
			addTags: 'escalated',
		});
		expect(updated.items[0].json.error).toBeUndefined();
		expect(String((updated.items[0].json.fields as IDataObject)['System.Tags']).split('; ').sort()).toEqual(['escalated', 'service-desk']);

		const moved = await run('changeState', { workItem, state: 'Active', options: { comment: 'Picked up' } });
		expect(moved.items[0].json.error).toBeUndefined();
		expect((moved.items[0].json.fields as IDataObject)['System.State']).toBe('Active');

		const commented = await run('addComment', { workItem, text: 'Replaced the cable.', format: 'html' });
		expect(commented.items[0].json.error).toBeUndefined();
		expect(commented.items[0].json).toMatchObject({ workItemId: id, text: 'Replaced the cable.' });
		// Server 2019 has no comments resource (it came with 2020): the comment goes to the Discussion, as its UI does.
		expect(commented.items[0].json.writtenAs).toBe(profile.name === 'server2019' ? 'System.History' : undefined);
		const commentPosts = mine().filter((r) => r.method === 'POST' && /\/comments$/i.test(r.path));
		expect(commentPosts).toHaveLength(profile.name === 'server2019' ? 0 : 1);
		expect((emu.getWorkItem(id, profile.organization) as { fields: IDataObject }).fields['System.History']).toBe('Replaced the cable.');

		const found = await run('search', { searchBy: 'filters', filters: { tag: 'escalated' }, limit: 10 });
		expect(found.items.map((item) => item.json.id)).toEqual([id]);

		const deleted = await run('delete', { workItem });
		expect(deleted.items[0].json).toMatchObject({ id, deleted: true });
		expectEveryAnswerInRange();
	});

	it('the editor\'s lists: projects, work items, types, states and fields', async () => {
		const id = (emu.createWorkItem(profile.project, 'Task', { 'System.Title': 'Replace toner' }, { organization: profile.organization }) as { id: number }).id;
		const wf = new TestWorkflow(
			{
				nodes: [
					{ name: 'Start', type: MANUAL_TRIGGER_TYPE, parameters: {} },
					{
						name: 'Node',
						type: NODE_TYPE,
						parameters: { authentication: 'azureDevOpsApi', resource: 'workItem', operation: 'create', project: { __rl: true, mode: 'url', value: projectUrl() } },
						credentials: { azureDevOpsApi: { id: 'azureDevOpsApi-1', name: 'azureDevOpsApi 1' } },
					},
				],
				connections: {},
			},
			{
				nodeTypes: { [NODE_TYPE]: new AzureDevOpsConnector() },
				credentialTypes: [new AzureDevOpsApi(), new AzureDevOpsMultiOrgApi()],
				credentials: { azureDevOpsApi: { data: credentials().azureDevOpsApi } },
			},
		);
		const projects = await wf.listSearch('Node', 'searchProjects');
		expect(projects.results.map((p) => p.value)).toContain(projectUrl());
		const items = await wf.listSearch('Node', 'searchWorkItems', 'toner');
		expect(items.results.map((item) => item.value)).toEqual([String(id)]);
		const types = await wf.loadOptions('Node', 'getWorkItemTypes');
		expect(types.map((t) => t.value)).toEqual(expect.arrayContaining(['Bug', 'Task']));
		const states = await wf.loadOptions('Node', 'getWorkItemStates', { workItemType: 'Task' });
		expect(states.map((state) => state.value)).toEqual(expect.arrayContaining(['New', 'Active', 'Closed']));
		const fields = await wf.loadOptions('Node', 'getFields', { workItemType: 'Task' });
		expect(fields.map((field) => field.value)).toEqual(expect.arrayContaining(['System.Title', 'System.Description']));
		expectEveryAnswerInRange();
	});

	const triggerCredentials = () => ({
		azureDevOpsApi: { id: 'ado-1', name: profile.serverVersion, data: credentials().azureDevOpsApi },
		azureDevOpsWebhookAuthApi: { id: 'hook-1', name: 'Service hook secret', data: { authType: 'basicAuth', user: HOOK_USER, password: HOOK_CANARY } },
	});
	const project = { __rl: true, mode: 'url', value: '' };
	const closedTask = (ticketId: string): number =>
		(emu.createWorkItem(profile.project, 'Task', { 'System.Title': 'Toner', 'System.Tags': `Ticket:${ticketId}` }, { organization: profile.organization }) as { id: number }).id;

	it('the trigger registers its subscription on activation, maps the closing, and removes it on deactivation', async () => {
		const rig = await triggerRig(emu, {
			parameters: { project: { ...project, value: projectUrl() }, events: ['workitem.updated'], workItemEndState: 'Closed', endState: 'Return from DevOps' },
			credentials: triggerCredentials(),
		});
		try {
			expect(await rig.workflow.activate(TRIGGER)).toEqual({ existed: false, created: true });
			expect(emu.hooks.subscriptions(profile.organization).filter((s) => s.consumerInputs.url === rig.url)).toHaveLength(1);
			const id = closedTask('HD-8');
			emu.updateWorkItem(id, { 'System.State': 'Closed' }, { organization: profile.organization });
			await emu.hooks.flush();
			expect(emitted(rig.results.at(-1)!)).toMatchObject({ workItemId: id, ticket: { id: 'HD-8', state: 'Return from DevOps' } });
		} finally {
			await rig.workflow.deactivate(TRIGGER).catch(() => undefined);
			await rig.close();
		}
		expect(emu.hooks.subscriptions(profile.organization)).toHaveLength(0);
		expectEveryAnswerInRange();
	});

	it('a Minimal-details delivery (subscription made by hand) is read back once, at the server\'s version', async () => {
		const rig = await triggerRig(emu, {
			parameters: {
				project: { ...project, value: projectUrl() },
				registerSubscription: false,
				deliveryAuthentication: 'credential',
				workItemEndState: 'Closed',
				endState: 'Return from DevOps',
			},
			credentials: triggerCredentials(),
		});
		const projectId = emu.projects(profile.organization).find((p) => p.name === profile.project)!.id;
		const made = await fetch(`${orgUrl()}/_apis/hooks/subscriptions?api-version=${releasedVersion(profile)}`, {
			method: 'POST',
			headers: { 'content-type': 'application/json', authorization: basicAuth('', profile.token) },
			body: JSON.stringify({
				publisherId: 'tfs',
				eventType: 'workitem.updated',
				resourceVersion: '1.0',
				consumerId: 'webHooks',
				consumerActionId: 'httpRequest',
				publisherInputs: { projectId },
				consumerInputs: { url: rig.url, basicAuthUsername: HOOK_USER, basicAuthPassword: HOOK_CANARY, resourceDetailsToSend: 'minimal' },
			}),
		});
		expect(made.status).toBe(200);
		try {
			const id = closedTask('HD-9');
			const before = emu.requests().length;
			emu.updateWorkItem(id, { 'System.State': 'Closed' }, { organization: profile.organization });
			await emu.hooks.flush();
			const reads = emu.requests().slice(before).filter((r) => r.method === 'GET' && r.path.includes(`/workitems/${id}`));
			expect(reads.map((r) => r.query['api-version'])).toEqual([releasedVersion(profile)]);
			const item = emitted(rig.results.at(-1)!);
			expect(item).toMatchObject({ workItemId: id, workItemFetched: true, ticket: { id: 'HD-9', state: 'Return from DevOps' } });
		} finally {
			await rig.close();
		}
		expectEveryAnswerInRange();
	});
});

describe('what a server cannot offer is said, not sent', () => {
	it('a Markdown comment on Azure DevOps Server 2019: AZDC-4030 naming the server, and no request for it', async () => {
		const profile = EMULATOR_PROFILES.find((p) => p.name === 'server2019')!;
		const orgUrl = emu.profileUrl(profile.name);
		const id = (emu.createWorkItem(profile.project, 'Task', { 'System.Title': 'Old server' }, { organization: profile.organization }) as { id: number }).id;
		const result = await runNode({
			type: NODE_TYPE,
			nodeTypes: { [NODE_TYPE]: new AzureDevOpsConnector() },
			credentialTypes: [new AzureDevOpsApi()],
			credentials: { azureDevOpsApi: { organizationUrl: orgUrl, accessToken: profile.token, allowHttp: true } } as never,
			parameters: {
				authentication: 'azureDevOpsApi',
				resource: 'workItem',
				operation: 'addComment',
				project: { __rl: true, mode: 'url', value: `${orgUrl}/${encodeURIComponent(profile.project)}` },
				workItem: { __rl: true, mode: 'id', value: String(id) },
				text: '**bold**',
				format: 'markdown',
			},
			inputItems: [{}],
			continueOnFail: true,
		});
		expect(result.items[0].json.code).toBe('AZDC-4030');
		expect(String(result.items[0].json.error)).toContain('Azure DevOps Server 2019 (REST API 5.0) does not offer work item comments');
		expect(emu.requests().filter((r) => r.method !== 'OPTIONS')).toEqual([]);
	});
});
