// The same service-desk flow on every Azure DevOps the package supports: Azure DevOps Services and one collection of
// each Azure DevOps Server release (2019 / REST 5.0, 2020 / 6.0, 2022 / 7.0, 2022.1 / 7.1), each served by the
// emulator with its own routes and versions and refusing what that release refuses. One parametrised suite: the
// credential test, Create From Ticket and its re-run, every work-item operation, and the trigger's registration and
// Minimal-details read.
import { ECHO_MARKER } from '../../nodes/AzureDevOpsConnector/connector/echo';
import type { IDataObject, INodeParameters } from 'n8n-workflow';

import { AzureDevOpsApi } from '../../credentials/AzureDevOpsApi.credentials';
import { AzureDevOpsMultiOrgApi } from '../../credentials/AzureDevOpsMultiOrgApi.credentials';
import { AzureDevOpsConnector } from '../../nodes/AzureDevOpsConnector/AzureDevOpsConnector.node';
import { EMULATOR_PROFILES, startEmulator, type Emulator, type EmulatorProfile, type RequestRecord } from '../emulator';
import { MANUAL_TRIGGER_TYPE, runNode, testCredential, TestWorkflow } from '../support/n8n';
import { createFromTicket, seedSettings, ticket, updateFromTicket } from './create-from-ticket.support';
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

	it('Update From Ticket sends only what changed, moves the state, and adds the ticket\'s message (2020 and later)', async () => {
		const settings = { connectorSettings: seedSettings(projectUrl()) };
		const first = await createFromTicket(emu, { tickets: [ticket(4712)], credentials: credentials(), parameters: settings });
		const id = first.items[0].json.id as number;
		const before = mine().length;
		const parameters = {
			...settings,
			stateMap: { state: [{ ticketState: 'Reopened', workItemState: 'Active' }] },
			commentField: 'Note',
		};
		const changed = ticket(4712, { TicketTitle: 'Printer 4712 is on fire', state: 'Reopened', Note: 'Smoke seen' });
		const updated = await updateFromTicket(emu, { tickets: [changed], credentials: credentials(), parameters, continueOnFail: true });
		if (profile.name === 'server2019') {
			// The fields went out; the comment needs the comments resource, which came with Server 2020.
			expect(updated.items[0].json.code).toBe('AZDC-4030');
		} else {
			expect(updated.items[0].json).toMatchObject({ id, updated: true, commented: true, state: 'Active' });
			expect(updated.items[0].json.changedFields).toEqual(['System.Title', 'System.State']);
		}
		const patch = mine().slice(before).find((r) => r.method === 'PATCH')!;
		expect(patch.query['api-version']).toBe(releasedVersion(profile));
		const fields = (emu.getWorkItem(id, profile.organization) as { fields: IDataObject }).fields;
		expect(fields['System.Title']).toBe('Printer 4712 is on fire');
		expect(fields['System.State']).toBe('Active');

		if (profile.name !== 'server2019') {
			const again = mine().length;
			const rerun = await updateFromTicket(emu, { tickets: [changed], credentials: credentials(), parameters });
			expect(rerun.items[0].json).toMatchObject({ updated: false, commented: false });
			expect(mine().slice(again).filter((r) => r.method !== 'GET' && r.method !== 'OPTIONS').map((r) => r.path)).toEqual([
				expect.stringContaining('/_apis/wit/wiql'),
			]);
		}
		expectEveryAnswerInRange(mine().filter((r) => !(profile.name === 'server2019' && /comments/i.test(r.path))));
	});

	it('the Comment resource: get many, update, delete (Server 2020 and later; AZDC-4030 on 2019)', async () => {
		const id = (emu.createWorkItem(profile.project, 'Task', { 'System.Title': 'Discussed' }, { organization: profile.organization }) as { id: number }).id;
		const workItem = { __rl: true, mode: 'id', value: String(id) };
		await run('addComment', { workItem, text: 'first', format: 'html' });
		await run('addComment', { workItem, text: 'second', format: 'html' });

		const listed = await run('getAll', { resource: 'comment', workItem, returnAll: true });
		if (profile.name === 'server2019') {
			// Server 2019's comments resource is another, read-only one: what this operation needs came with 2020.
			expect(listed.items[0].json.code).toBe('AZDC-4030');
			return;
		}
		expect(listed.items.map((item) => item.json.text)).toEqual(['second', 'first']);
		const commentId = listed.items[0].json.id as number;
		const updated = await run('update', { resource: 'comment', workItem, commentId, text: 'second, corrected', format: 'html' });
		expect(updated.items[0].json).toMatchObject({ id: commentId, text: 'second, corrected' });
		const deleted = await run('delete', { resource: 'comment', workItem, commentId });
		expect(deleted.items[0].json).toMatchObject({ deleted: true });
		const left = await run('getAll', { resource: 'comment', workItem, returnAll: false, limit: 10 });
		expect(left.items.map((item) => item.json.text)).toEqual(['first']);
		expectEveryAnswerInRange();
	});

	it('Add Link and Remove Link with the organization\'s link types', async () => {
		const create = (title: string) =>
			(emu.createWorkItem(profile.project, 'Task', { 'System.Title': title }, { organization: profile.organization }) as { id: number }).id;
		const parent = create('Problem');
		const child = create('Incident');
		const workItem = { __rl: true, mode: 'id', value: String(child) };
		const added = await run('addLink', { workItem, linkType: 'Parent', linkTarget: String(parent) });
		expect(added.items[0].json).toMatchObject({ id: child, linkAdded: true });
		const relations = (emu.getWorkItem(child, profile.organization) as { relations: Array<{ rel: string }> }).relations;
		expect(relations.map((r) => r.rel)).toEqual(['System.LinkTypes.Hierarchy-Reverse']);
		const types = mine().find((r) => /workitemrelationtypes/i.test(r.path))!;
		expect(types.query['api-version']).toBe(releasedVersion(profile));
		const removed = await run('removeLink', { workItem, linkType: 'Parent', linkTarget: String(parent) });
		expect(removed.items[0].json).toMatchObject({ linkRemoved: true });
		expectEveryAnswerInRange();
	});

	it('Attachment upload (in chunks too) and download, byte for byte', async () => {
		const id = (emu.createWorkItem(profile.project, 'Task', { 'System.Title': 'With files' }, { organization: profile.organization }) as { id: number }).id;
		const bytes = Buffer.from(Array.from({ length: 6 * 1024 * 1024 }, (_, i) => (i * 13) % 256));
		const item = { json: {}, binary: { data: { data: bytes.toString('base64'), mimeType: 'application/octet-stream', fileName: 'dump.bin' } } };
		const uploaded = await run('upload', { resource: 'attachment', attachTo: String(id), options: { chunkAboveMb: 5 } }, [item as never]);
		expect(uploaded.items[0].json).toMatchObject({ fileName: 'dump.bin', workItemId: id });
		expect(mine().filter((r) => r.method === 'PUT' && /attachments/i.test(r.path))).toHaveLength(2);
		const downloaded = await run('download', { resource: 'attachment', workItem: { __rl: true, mode: 'id', value: String(id) } });
		expect(Buffer.from(downloaded.items[0].binary!.data.data, 'base64').equals(bytes)).toBe(true);
		expect(mine().find((r) => r.method === 'PUT')!.query['api-version']).toBe(releasedVersion(profile));
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
		expect((emu.getWorkItem(id, profile.organization) as { fields: IDataObject }).fields['System.History']).toBe(`Replaced the cable.${ECHO_MARKER}`);

		const found = await run('search', { searchBy: 'filters', filters: { tag: 'escalated' }, limit: 10 });
		expect(found.items.map((item) => item.json.id)).toEqual([id]);

		const deleted = await run('delete', { workItem });
		expect(deleted.items[0].json).toMatchObject({ id, deleted: true });
		expectEveryAnswerInRange();
	});

	it('the editor\'s lists: projects, work items, types, states, fields, areas, iterations and link types', async () => {
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
		const areas = await wf.loadOptions('Node', 'getAreaPaths');
		expect(areas[0].value).toBe(profile.project);
		const iterations = await wf.loadOptions('Node', 'getIterationPaths');
		expect(iterations.map((option) => option.value)).toEqual(['@currentIteration', profile.project, `${profile.project}\\Sprint 1`, `${profile.project}\\Sprint 2`]);
		expect(iterations[0].name).toBe(`Current Iteration (${profile.project} Team, the default team)`);
		const linkTypes = await wf.loadOptions('Node', 'getLinkTypes');
		expect(linkTypes.map((option) => option.name)).toEqual(expect.arrayContaining(['Parent', 'Child', 'Related', 'Hyperlink']));
		expectEveryAnswerInRange();
	});

	it('Create with an area path and "Current Iteration" (the sprint the default team has running today)', async () => {
		const created = await run('create', {
			workItemType: 'Task',
			title: 'Sprint work',
			options: { areaPath: profile.project, iterationPath: '@currentIteration' },
		});
		expect(created.items[0].json.error).toBeUndefined();
		const fields = created.items[0].json.fields as IDataObject;
		expect(fields['System.IterationPath']).toBe(`${profile.project}\\Sprint 2`);
		expect(fields['System.AreaPath']).toBe(profile.project);
		const current = mine().find((r) => /\/_apis\/work\/teamsettings\/iterations$/i.test(r.path))!;
		expect(current.query).toMatchObject({ $timeframe: 'current', 'api-version': releasedVersion(profile) });
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

	it('the trigger\'s Download Attachments brings the file an update added, byte for byte, at the server\'s version', async () => {
		const rig = await triggerRig(emu, {
			parameters: { project: { ...project, value: projectUrl() }, events: ['workitem.updated'], onlyStateChanges: false, options: { downloadAttachments: true } },
			credentials: triggerCredentials(),
		});
		try {
			expect(await rig.workflow.activate(TRIGGER)).toEqual({ existed: false, created: true });
			const id = closedTask('HD-10');
			const bytes = Buffer.from(Array.from({ length: 3000 }, (_, i) => (i * 7) % 256));
			const file = { json: {}, binary: { data: { data: bytes.toString('base64'), mimeType: 'image/png', fileName: 'shot.png' } } };
			await run('upload', { resource: 'attachment', attachTo: String(id) }, [file as never]);
			const before = emu.requests().length;
			await emu.hooks.flush();
			const result = rig.results.at(-1)!;
			expect(emitted(result)).toMatchObject({ workItemId: id, attachments: [{ fileName: 'shot.png', size: 3000, downloaded: true }] });
			expect(Buffer.from(result.workflowData![0][0].binary!.attachment_0.data, 'base64').equals(bytes)).toBe(true);
			const downloads = emu.requests().slice(before).filter((r) => r.method === 'GET' && /\/attachments\//i.test(r.path));
			expect(downloads.map((r) => r.query['api-version'])).toEqual([releasedVersion(profile)]);
		} finally {
			await rig.workflow.deactivate(TRIGGER).catch(() => undefined);
			await rig.close();
		}
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
