// The everyday work-item operations of Azure DevOps Connector, as a service-desk flow uses them: create, read,
// update, move through states, comment, search, delete. Each test runs the node through n8n's engine (the harness)
// against the Azure DevOps emulator over HTTP on 127.0.0.1.
import type { IDataObject, INodeParameters, INodeProperties } from 'n8n-workflow';

import { AzureDevOpsApi } from '../../credentials/AzureDevOpsApi.credentials';
import { AzureDevOpsMultiOrgApi } from '../../credentials/AzureDevOpsMultiOrgApi.credentials';
import { AzureDevOpsConnector } from '../../nodes/AzureDevOpsConnector/AzureDevOpsConnector.node';
import { CONTOSO_TOKEN, FABRIKAM_TOKEN, startEmulator, type Emulator, type RequestRecord } from '../emulator';
import { MANUAL_TRIGGER_TYPE, runNode, testCredential, TestWorkflow } from '../support/n8n';

const NODE_TYPE = 'n8n-nodes-azure-devops-connector.azureDevOpsConnector';
const CANARY = 'canary-pat-5f1d0c2e-never-print-me';

let emu: Emulator;

beforeAll(async () => {
	emu = await startEmulator();
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

const fabrikamProject = () => `${emu.orgUrl('fabrikam')}/Fabrikam%20Fiber`;
const projectByUrl = (url = fabrikamProject()) => ({ __rl: true, mode: 'url', value: url });
const workItemById = (id: number | string) => ({ __rl: true, mode: 'id', value: String(id) });

function singleOrgCredentials(accessToken = FABRIKAM_TOKEN) {
	return { azureDevOpsApi: { organizationUrl: emu.orgUrl('fabrikam'), accessToken, allowHttp: true } };
}

function multiOrgCredentials(tokens = `${FABRIKAM_TOKEN},${CONTOSO_TOKEN}`) {
	return {
		azureDevOpsMultiOrgApi: {
			organizations: `${emu.orgUrl('fabrikam')}\n${emu.orgUrl('contoso')}`,
			accessTokens: tokens,
			allowHttp: true,
		},
	};
}

interface RunOptions {
	inputItems?: IDataObject[];
	continueOnFail?: boolean;
	credentials?: Record<string, IDataObject>;
}

/** Start → Azure DevOps Connector with the given parameters (work item resource). */
async function run(operation: string, parameters: INodeParameters, options: RunOptions = {}) {
	const multi = options.credentials !== undefined && 'azureDevOpsMultiOrgApi' in options.credentials;
	return await runNode({
		type: NODE_TYPE,
		nodeTypes: { [NODE_TYPE]: new AzureDevOpsConnector() },
		credentialTypes: [new AzureDevOpsApi(), new AzureDevOpsMultiOrgApi()],
		credentials: (options.credentials ?? singleOrgCredentials()) as never,
		parameters: {
			authentication: multi ? 'azureDevOpsMultiOrgApi' : 'azureDevOpsApi',
			resource: 'workItem',
			operation,
			project: projectByUrl(),
			...parameters,
		},
		inputItems: options.inputItems ?? [{}],
		continueOnFail: options.continueOnFail,
	});
}

function seedWorkItem(type: string, title: string, fields: IDataObject = {}, organization = 'fabrikam', project = 'Fabrikam Fiber') {
	return emu.createWorkItem(project, type, { 'System.Title': title, ...fields }, { organization }) as {
		id: number;
		rev: number;
	};
}

const requestsTo = (method: string, pathPart: RegExp) =>
	emu.requests().filter((r: RequestRecord) => r.method === method && pathPart.test(r.path));

describe('Create', () => {
	it('creates a Bug with title, fields, tags and a parent, and returns it with its web address', async () => {
		const parent = seedWorkItem('User Story', 'Printing in the west wing');
		const result = await run('create', {
			workItemType: 'Bug',
			title: 'Printer on floor 3 does not print',
			fields: {
				field: [
					{ name: 'Microsoft.VSTS.Common.Priority', value: '={{ 1 }}' },
					{ name: 'System.Description', value: '={{ "Reported by " + $json.requester }}' },
				],
			},
			tags: 'service-desk; printer',
			options: { parentWorkItem: String(parent.id) },
		}, { inputItems: [{ requester: 'Ana' }] });

		expect(result.error).toBeUndefined();
		expect(result.items).toHaveLength(1);
		const out = result.items[0].json as IDataObject & { id: number; fields: IDataObject; relations: IDataObject[] };
		expect(out.fields).toMatchObject({
			'System.WorkItemType': 'Bug',
			'System.Title': 'Printer on floor 3 does not print',
			'Microsoft.VSTS.Common.Priority': 1,
			'System.Description': 'Reported by Ana',
		});
		expect(String(out.fields['System.Tags']).split('; ').sort()).toEqual(['printer', 'service-desk']);
		expect(out.webUrl).toBe(`${fabrikamProject()}/_workitems/edit/${out.id}`);
		expect(out.relations).toEqual([
			expect.objectContaining({ rel: 'System.LinkTypes.Hierarchy-Reverse', url: expect.stringMatching(new RegExp(`/workItems/${parent.id}$`, 'i')) }),
		]);
		expect(result.items[0].pairedItem).toEqual({ item: 0 });
		expect(emu.getWorkItem(out.id)).toBeDefined();
	});

	it('refuses an empty title before sending anything (AZDC-5050)', async () => {
		const result = await run('create', { workItemType: 'Task', title: '   ' });
		expect(result.error?.message).toMatch(/^\[AZDC-5050\] Title:/);
		expect(requestsTo('POST', /workitems/i)).toHaveLength(0);
	});
});

describe('Get', () => {
	it('reads a work item by its web URL, with links and webUrl', async () => {
		const item = seedWorkItem('Task', 'Replace toner');
		const result = await run('get', {
			workItem: { __rl: true, mode: 'url', value: `${fabrikamProject()}/_workitems/edit/${item.id}` },
		});
		expect(result.error).toBeUndefined();
		expect(result.items[0].json).toMatchObject({
			id: item.id,
			fields: { 'System.Title': 'Replace toner' },
			webUrl: `${fabrikamProject()}/_workitems/edit/${item.id}`,
		});
	});
});

describe('Update', () => {
	it('sets fields, adds and removes tags, and keeps the other tags', async () => {
		const item = seedWorkItem('Task', 'Replace toner', { 'System.Tags': 'Ticket:7; waiting' });
		const result = await run('update', {
			workItem: workItemById(item.id),
			fields: { field: [{ name: 'Microsoft.VSTS.Common.Priority', value: '={{ 1 }}' }] },
			addTags: 'escalated',
			removeTags: 'WAITING',
		});
		expect(result.error).toBeUndefined();
		const stored = emu.getWorkItem(item.id) as { fields: IDataObject };
		expect(stored.fields['Microsoft.VSTS.Common.Priority']).toBe(1);
		expect(String(stored.fields['System.Tags']).split('; ').sort()).toEqual(['Ticket:7', 'escalated']);
		expect(result.items[0].json).toMatchObject({ id: item.id, webUrl: `${fabrikamProject()}/_workitems/edit/${item.id}` });
	});

	it('with "Only if Unchanged" and a stale revision, fails with AZDC-4018 and changes nothing', async () => {
		const item = seedWorkItem('Task', 'Replace toner');
		emu.updateWorkItem(item.id, { 'System.Title': 'Replace toner (cyan)' }, { by: 'Someone Else <else@fabrikam.example>' });
		const result = await run('update', {
			workItem: workItemById(item.id),
			fields: { field: [{ name: 'System.Title', value: 'Replace toner (magenta)' }] },
			onlyIfUnchanged: true,
			revision: '={{ $json.rev }}',
		}, { inputItems: [{ rev: item.rev }] });

		expect(result.error?.message).toMatch(/^\[AZDC-4018\]/);
		expect(result.error?.message).toContain('TF26071');
		expect((emu.getWorkItem(item.id) as { fields: IDataObject }).fields['System.Title']).toBe('Replace toner (cyan)');
	});
});

describe('Change State', () => {
	it('moves a Bug to Resolved with a reason and a comment', async () => {
		const bug = seedWorkItem('Bug', 'Printer jams');
		emu.updateWorkItem(bug.id, { 'System.State': 'Active' });
		const result = await run('changeState', {
			workItem: workItemById(bug.id),
			state: 'resolved',
			options: { reason: 'Fixed', comment: 'Closed from the service desk' },
		});
		expect(result.error).toBeUndefined();
		expect(result.items[0].json).toMatchObject({ id: bug.id, fields: { 'System.State': 'Resolved', 'System.Reason': 'Fixed' } });
	});

	it('reads the states of a type once per run, however many work items move', async () => {
		const bugs = [1, 2, 3].map((n) => seedWorkItem('Bug', `Bug ${n}`));
		const result = await run(
			'changeState',
			{ workItem: workItemById('={{ $json.id }}'), state: 'Active' },
			{ inputItems: bugs.map((bug) => ({ id: bug.id })) },
		);
		expect(result.items.map((item) => (item.json.fields as IDataObject)['System.State'])).toEqual(['Active', 'Active', 'Active']);
		// Per work item: read it, then write it; the type's states once for the run.
		expect(requestsTo('GET', /\/states$/i)).toHaveLength(1);
		expect(emu.requests()).toHaveLength(3 * 2 + 1);
	});

	it('refuses a state the type does not have, lists the valid ones, and sends no PATCH (AZDC-5057)', async () => {
		const task = seedWorkItem('Task', 'Replace toner');
		const result = await run('changeState', { workItem: workItemById(task.id), state: 'Resolved' });
		expect(result.error?.message).toMatch(/^\[AZDC-5057\] State: "Resolved" is not a state of Task/);
		expect(result.error?.message).toContain('"New", "Active", "Closed", "Removed"');
		expect(requestsTo('PATCH', /workitems/i)).toHaveLength(0);
	});
});

describe('Add Comment', () => {
	it('adds a comment with the preview API and returns the comment', async () => {
		const task = seedWorkItem('Task', 'Replace toner');
		const result = await run('addComment', {
			workItem: workItemById(task.id),
			text: '={{ "Requester wrote: " + $json.message }}',
			format: 'markdown',
		}, { inputItems: [{ message: 'still **broken**' }] });
		expect(result.error).toBeUndefined();
		expect(result.items[0].json).toMatchObject({ workItemId: task.id, text: 'Requester wrote: still **broken**' });
		const [sent] = requestsTo('POST', /comments$/i);
		expect(sent.query).toMatchObject({ 'api-version': '7.1-preview.4', format: 'markdown' });
	});
});

describe('Search', () => {
	it('returns every match with Return All, reading the work items at most 200 at a time', async () => {
		for (let i = 0; i < 250; i++) seedWorkItem('Task', `Bulk task ${i}`, { 'System.Tags': 'bulk' });
		seedWorkItem('Bug', 'Not a task', { 'System.Tags': 'bulk' });

		const result = await run('search', { searchBy: 'filters', filters: { workItemType: 'Task', tag: 'bulk' }, returnAll: true });

		expect(result.error).toBeUndefined();
		expect(result.items).toHaveLength(250);
		expect(new Set(result.items.map((item) => item.json.id)).size).toBe(250);
		expect(result.items.every((item) => (item.json.fields as IDataObject)['System.WorkItemType'] === 'Task')).toBe(true);
		const batches = requestsTo('GET', /_apis\/wit\/workitems$/i);
		expect(batches.map((b) => b.query.ids.split(',').length)).toEqual([200, 50]);
		expect(result.items[0].pairedItem).toEqual({ item: 0 });
	});

	it('stops at the limit', async () => {
		for (let i = 0; i < 30; i++) seedWorkItem('Task', `Task ${i}`);
		const result = await run('search', { searchBy: 'filters', filters: {}, returnAll: false, limit: 5 });
		expect(result.items).toHaveLength(5);
	});

	it('searches for a value with a quote literally, without breaking the query', async () => {
		const match = seedWorkItem('Task', "O'Brien's printer");
		seedWorkItem('Task', 'Someone else\'s printer');
		const result = await run('search', { searchBy: 'filters', filters: { titleContains: "O'Brien" }, returnAll: true });
		expect(result.error).toBeUndefined();
		expect(result.items.map((item) => item.json.id)).toEqual([match.id]);
	});

	it('runs a WIQL query written by the user', async () => {
		const active = seedWorkItem('Bug', 'Active bug');
		emu.updateWorkItem(active.id, { 'System.State': 'Active' });
		seedWorkItem('Bug', 'New bug');
		const result = await run('search', {
			searchBy: 'wiql',
			wiql: "SELECT [System.Id] FROM WorkItems WHERE [System.TeamProject] = @project AND [System.State] = 'Active'",
			returnAll: true,
		});
		expect(result.items.map((item) => item.json.id)).toEqual([active.id]);
	});
});

describe('Delete', () => {
	it('moves a work item to the recycle bin; reading it afterwards gives AZDC-4016', async () => {
		const task = seedWorkItem('Task', 'Obsolete');
		const deleted = await run('delete', { workItem: workItemById(task.id) });
		expect(deleted.items[0].json).toEqual({ id: task.id, deleted: true, permanently: false });
		expect(requestsTo('DELETE', /workitems/i)[0].query.destroy).toBeUndefined();

		const read = await run('get', { workItem: workItemById(task.id) });
		expect(read.error?.message).toMatch(/^\[AZDC-4016\]/);
	});

	it('destroys a work item only when asked', async () => {
		const task = seedWorkItem('Task', 'Secret');
		const deleted = await run('delete', { workItem: workItemById(task.id), destroy: true });
		expect(deleted.items[0].json).toEqual({ id: task.id, deleted: true, permanently: true });
		expect(requestsTo('DELETE', /workitems/i)[0].query.destroy).toBe('true');
		expect(emu.getWorkItem(task.id)).toBeUndefined();
	});
});

describe('errors per item', () => {
	it('with continueOnFail, a failed item becomes { error, code } paired to its input, and the others go on', async () => {
		const first = seedWorkItem('Task', 'First');
		const third = seedWorkItem('Task', 'Third');
		const result = await run(
			'get',
			{ workItem: workItemById('={{ $json.id }}') },
			{ inputItems: [{ id: first.id }, { id: 987654 }, { id: third.id }], continueOnFail: true },
		);
		expect(result.error).toBeUndefined();
		expect(result.items.map((item) => item.pairedItem)).toEqual([{ item: 0 }, { item: 1 }, { item: 2 }]);
		expect(result.items[0].json.id).toBe(first.id);
		expect(result.items[1].json).toEqual({ error: expect.stringContaining('TF401232'), code: 'AZDC-4016' });
		expect(result.items[2].json.id).toBe(third.id);
	});

	it('without continueOnFail, the error names the item it failed on', async () => {
		const first = seedWorkItem('Task', 'First');
		const result = await run(
			'get',
			{ workItem: workItemById('={{ $json.id }}') },
			{ inputItems: [{ id: first.id }, { id: 987654 }] },
		);
		expect(result.error?.message).toMatch(/^\[AZDC-4016\]/);
		expect((result.error as unknown as { context: IDataObject }).context.itemIndex).toBe(1);
	});

	it('never shows the token, not even in a failed run', async () => {
		emu.addOrganization('canary', { tokens: [CANARY], projects: ['Canary Desk'] });
		const result = await run(
			'get',
			{ project: projectByUrl(`${emu.orgUrl('canary')}/Canary%20Desk`), workItem: workItemById(4242) },
			{ credentials: { azureDevOpsApi: { organizationUrl: emu.orgUrl('canary'), accessToken: CANARY, allowHttp: true } } },
		);
		expect(result.error?.message).toMatch(/^\[AZDC-4016\]/);
		expect(JSON.stringify(result.runData)).not.toContain(CANARY);
		expect(JSON.stringify(result.error)).not.toContain(CANARY);
		expect(`${result.error?.message} ${result.error?.description}`).not.toContain(CANARY);
	});
});

describe('several organizations in one credential', () => {
	it('sends the request for a contoso project with the contoso token only', async () => {
		const result = await run(
			'create',
			{ project: projectByUrl(`${emu.orgUrl('contoso')}/Contoso%20Support`), workItemType: 'Task', title: 'VPN is down' },
			{ credentials: multiOrgCredentials() },
		);
		expect(result.error).toBeUndefined();
		expect(result.items[0].json.webUrl).toBe(`${emu.orgUrl('contoso')}/Contoso%20Support/_workitems/edit/${result.items[0].json.id}`);
		const sent = emu.requests();
		expect(sent.length).toBeGreaterThan(0);
		expect(sent.every((r) => r.organization === 'contoso' && r.token === 'contoso#0')).toBe(true);
	});
});

describe('credential test of the multi-organization credential', () => {
	// n8n runs a credential type's own `test` before a node's `testedBy`; the multi-organization credential still
	// declares one (first organization only), so the node's test is exercised here with that declaration taken off.
	const multiOrgType = () => new AzureDevOpsMultiOrgApi();
	const check = async (tokens: string) =>
		await testCredential({
			type: 'azureDevOpsMultiOrgApi',
			data: multiOrgCredentials(tokens).azureDevOpsMultiOrgApi,
			credentialTypes: [multiOrgType()],
			nodeTypes: { [NODE_TYPE]: new AzureDevOpsConnector() },
		});

	it('passes when every organization accepts its own token', async () => {
		const result = await check(`${FABRIKAM_TOKEN},${CONTOSO_TOKEN}`);
		expect(result).toEqual({ status: 'OK', message: expect.stringContaining('all 2 organization(s)') });
		const tried = emu.requests().filter((r) => /connectionData/i.test(r.path));
		expect(tried.map((r) => r.token).sort()).toEqual(['contoso#0', 'fabrikam#0']);
	});

	it('names the organization whose token fails, and never the token', async () => {
		const result = await check(`${FABRIKAM_TOKEN},${CANARY}`);
		expect(result.status).toBe('Error');
		expect(result.message).toContain(`${emu.orgUrl('contoso')}: [AZDC-4015]`);
		expect(result.message).toContain(`Working: ${emu.orgUrl('fabrikam')}`);
		expect(result.message).not.toContain(CANARY);
		expect(result.message).not.toContain(FABRIKAM_TOKEN);
		// Each token went to its own organization only.
		const tried = emu.requests().filter((r) => /connectionData/i.test(r.path));
		expect(tried.map((r) => `${r.organization}:${r.status}`).sort()).toEqual(['contoso:401', 'fabrikam:200']);
	});

	it('reports organizations and tokens that do not line up, without sending anything', async () => {
		const result = await check(FABRIKAM_TOKEN);
		expect(result).toEqual({ status: 'Error', message: expect.stringMatching(/^\[AZDC-4002\]/) });
		expect(emu.requests()).toHaveLength(0);
	});
});

describe('lists in the editor', () => {
	function editor(parameters: INodeParameters) {
		return new TestWorkflow(
			{
				nodes: [
					{ name: 'Start', type: MANUAL_TRIGGER_TYPE, parameters: {} },
					{
						name: 'Node',
						type: NODE_TYPE,
						parameters: { authentication: 'azureDevOpsApi', resource: 'workItem', ...parameters },
						credentials: { azureDevOpsApi: { id: 'azureDevOpsApi-1', name: 'azureDevOpsApi 1' } },
					},
				],
				connections: {},
			},
			{
				nodeTypes: { [NODE_TYPE]: new AzureDevOpsConnector() },
				credentialTypes: [new AzureDevOpsApi(), new AzureDevOpsMultiOrgApi()],
				credentials: { azureDevOpsApi: { data: singleOrgCredentials().azureDevOpsApi } },
			},
		);
	}

	it('offers the project\'s work item types, and the states of the chosen type', async () => {
		const wf = editor({ operation: 'create', project: projectByUrl() });
		const types = await wf.loadOptions('Node', 'getWorkItemTypes');
		expect(types.map((t) => t.value)).toEqual(['Bug', 'Epic', 'Task', 'User Story']);
		const states = await wf.loadOptions('Node', 'getWorkItemStates', { workItemType: 'Bug' });
		expect(states.map((s) => s.value)).toEqual(['New', 'Active', 'Resolved', 'Closed']);
	});

	it('offers the states of the chosen work item\'s type for Change State', async () => {
		const task = seedWorkItem('Task', 'Replace toner');
		const wf = editor({ operation: 'changeState', project: projectByUrl(), workItem: workItemById(task.id) });
		const states = await wf.loadOptions('Node', 'getWorkItemStates');
		expect(states.map((s) => s.value)).toEqual(['New', 'Active', 'Closed', 'Removed']);
	});

	it('finds projects and work items in the searchable lists', async () => {
		const task = seedWorkItem('Task', 'Replace toner');
		seedWorkItem('Task', 'Clean printer');
		const wf = editor({ operation: 'get', project: projectByUrl() });
		const projects = await wf.listSearch('Node', 'searchProjects');
		expect(projects.results.map((p) => p.name)).toEqual(['Fabrikam Fiber', 'Service Desk']);
		const items = await wf.listSearch('Node', 'searchWorkItems', 'toner');
		expect(items.results).toEqual([
			expect.objectContaining({ value: String(task.id), url: `${fabrikamProject()}/_workitems/edit/${task.id}` }),
		]);
	});
});

describe('as a tool for AI agents', () => {
	const description = new AzureDevOpsConnector().description;

	it('is usable as a tool, and every work-item operation has an action and a description', () => {
		expect(description.usableAsTool).toBe(true);
		const operation = description.properties.find(
			(p) => p.name === 'operation' && p.displayOptions?.show?.resource?.includes('workItem'),
		) as INodeProperties;
		const options = (operation.options ?? []) as Array<{ value: string; action?: string; description?: string }>;
		for (const value of ['create', 'get', 'update', 'changeState', 'addComment', 'search', 'delete']) {
			const option = options.find((o) => o.value === value);
			expect(option?.action).toBeTruthy();
			expect(option?.description).toBeTruthy();
		}
	});

	it('describes every parameter of these operations', () => {
		const mine = ['create', 'get', 'update', 'changeState', 'addComment', 'search', 'delete'];
		const parameters = description.properties.filter((p) =>
			(p.displayOptions?.show?.operation as string[] | undefined)?.some((op) => mine.includes(op)),
		);
		expect(parameters.length).toBeGreaterThan(20);
		for (const parameter of parameters) {
			if (parameter.type === 'notice') continue;
			expect({ name: parameter.name, described: Boolean(parameter.description) }).toEqual({
				name: parameter.name,
				described: true,
			});
		}
	});
});
