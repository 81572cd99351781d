// An enterprise's service desk signs in to Azure DevOps as a service principal (a Microsoft Entra ID application),
// not with a person's PAT. Both nodes, every operation, the credential test, and the token's life: fetched once before
// the first request, reused until shortly before it expires, fetched anew once when Azure DevOps refuses it, and sent
// only to the organizations the credential lists. Runs through n8n's engine against the emulator and its fake Entra ID.
import type { ICredentialDataDecryptedObject, IDataObject, INodeParameters } from 'n8n-workflow';

import { AzureDevOpsApi } from '../../credentials/AzureDevOpsApi.credentials';
import { AzureDevOpsServicePrincipalApi } from '../../credentials/AzureDevOpsServicePrincipalApi.credentials';
import { AzureDevOpsConnector } from '../../nodes/AzureDevOpsConnector/AzureDevOpsConnector.node';
import { entraTokens, EXPIRY_MARGIN_MS } from '../../nodes/AzureDevOpsConnector/transport/entraToken';
import { FABRIKAM_TOKEN, startEmulator, type Emulator, type RequestRecord } from '../emulator';
import { startEntra, testCertificate, type EntraEmulator } from '../emulator/entra';
import { runNode, testCredential, TestWorkflow } from '../support/n8n';
import { createFromTicket, createRequests, seedSettings, serviceDeskUrl, ticket } from './create-from-ticket.support';
import { basicAuth, emitted, HOOK_CANARY, HOOK_USER, TRIGGER, triggerRig } from './trigger.support';

const NODE_TYPE = 'n8n-nodes-azure-devops-connector.azureDevOpsConnector';
const TENANT = '5d3e2a10-7777-4c4c-9d9d-00112233aabb';
const CLIENT = '6a7b8c9d-1234-4e4e-8f8f-445566778899';
const SIGNING_APP = '6a7b8c9d-5678-4e4e-8f8f-445566778899';
const CANARY = 'canary-sp-secret-6c1f-never-print-me';

let entra: EntraEmulator;
let emu: Emulator;

beforeAll(async () => {
	entra = await startEntra({
		apps: [
			{ tenantId: TENANT, clientId: CLIENT, clientSecret: CANARY, name: 'Service Desk Sync', organizations: ['fabrikam'] },
			{ tenantId: TENANT, clientId: SIGNING_APP, certificate: testCertificate().certificate, name: 'Service Desk Sync (cert)', organizations: ['fabrikam'] },
		],
	});
	emu = await startEmulator({ bearer: entra.verifier, allowLocalhostConsumers: true });
});

afterAll(async () => {
	await emu.stop();
	await entra.close();
});

beforeEach(() => {
	emu.reset();
	entraTokens.clear();
	entra.requests.length = 0;
});

afterEach(() => {
	expect(emu.specViolations()).toEqual([]);
});

const projectUrl = () => `${emu.orgUrl('fabrikam')}/Fabrikam%20Fiber`;

function withSecret(overrides: IDataObject = {}): ICredentialDataDecryptedObject {
	return {
		tenantId: TENANT,
		clientId: CLIENT,
		authMethod: 'clientSecret',
		clientSecret: CANARY,
		organizations: emu.orgUrl('fabrikam'),
		authorityHost: entra.url,
		allowHttp: true,
		...overrides,
	};
}

function withCertificate(overrides: IDataObject = {}): ICredentialDataDecryptedObject {
	const { certificate, privateKey } = testCertificate();
	return { ...withSecret(), clientId: SIGNING_APP, authMethod: 'certificate', clientSecret: '', certificate, privateKey, ...overrides };
}

async function run(operation: string, parameters: INodeParameters, data: ICredentialDataDecryptedObject = withSecret(), inputItems: IDataObject[] = [{}]) {
	return await runNode({
		type: NODE_TYPE,
		nodeTypes: { [NODE_TYPE]: new AzureDevOpsConnector() },
		credentialTypes: [new AzureDevOpsApi(), new AzureDevOpsServicePrincipalApi()],
		credentials: { azureDevOpsServicePrincipalApi: data } as never,
		parameters: {
			authentication: 'azureDevOpsServicePrincipalApi',
			resource: 'workItem',
			operation,
			project: { __rl: true, mode: 'url', value: projectUrl() },
			...parameters,
		},
		inputItems,
		continueOnFail: true,
	});
}

const signedInAs = (label: string) => (r: RequestRecord) => r.token === label;
const SP = `fabrikam#sp:${CLIENT}`;

describe('the credential test', () => {
	const test = async (data: ICredentialDataDecryptedObject) =>
		await testCredential({
			type: 'azureDevOpsServicePrincipalApi',
			data,
			credentialTypes: [new AzureDevOpsServicePrincipalApi()],
			nodeTypes: { [NODE_TYPE]: new AzureDevOpsConnector() },
		});

	it('signs in with the client secret and checks every listed organization', async () => {
		const result = await test(withSecret());
		expect(result).toEqual({
			status: 'OK',
			message: 'Signed in to Microsoft Entra ID. Connection successful: all 1 organization(s) accepted the service principal.',
		});
		expect(entra.requests).toEqual([expect.objectContaining({ method: 'clientSecret', status: 200 })]);
	});

	it('signs in with the certificate (a signed client assertion)', async () => {
		expect(await test(withCertificate())).toMatchObject({ status: 'OK' });
		expect(entra.requests).toEqual([expect.objectContaining({ method: 'certificate', status: 200 })]);
	});

	it('names each organization that refused the service principal, and the ones that work', async () => {
		const result = await test(withSecret({ organizations: `${emu.orgUrl('fabrikam')}\n${emu.orgUrl('contoso')}` }));
		expect(result.status).toBe('Error');
		expect(result.message).toContain(`1 of 2 organizations failed the test:\n- ${emu.orgUrl('contoso')}: [AZDC-4053]`);
		expect(result.message).toContain(`Working: ${emu.orgUrl('fabrikam')}.`);
		expect(result.message).not.toContain(CANARY);
	});

	it('says why Microsoft Entra ID refused the sign-in, with its AADSTS code, and never the secret', async () => {
		const result = await test(withSecret({ clientSecret: 'canary-wrong-secret-never-print-me' }));
		expect(result.status).toBe('Error');
		expect(result.message).toMatch(/^\[AZDC-4051\].*AADSTS7000215/);
		expect(result.message).not.toMatch(/canary/);
		expect(await test(withCertificate({ ...testCertificate('other'), certificate: testCertificate('other').certificate }))).toMatchObject({
			status: 'Error',
			message: expect.stringContaining('AADSTS700027'),
		});
	});

	it('refuses an Azure DevOps Server collection before signing in', async () => {
		const result = await test(withSecret({ organizations: 'https://tfs.contoso.local/tfs/DefaultCollection' }));
		expect(result).toMatchObject({ status: 'Error', message: expect.stringContaining('[AZDC-4054]') });
		expect(entra.requests).toHaveLength(0);
	});
});

describe('every work-item operation as a service principal', () => {
	it.each([
		['client secret', withSecret],
		['certificate', withCertificate],
	])('with a %s: create, get, update, change state, comment, search, delete — one sign-in for all', async (_how, data) => {
		const created = await run('create', { workItemType: 'Bug', title: 'Badge reader at gate 4', tags: 'service-desk' }, data());
		expect(created.items[0].json.error).toBeUndefined();
		const id = Number(created.items[0].json.id);
		const workItem = { __rl: true, mode: 'id', value: String(id) };

		expect(((await run('get', { workItem }, data())).items[0].json.fields as IDataObject)['System.Title']).toBe('Badge reader at gate 4');
		const updated = await run('update', { workItem, fields: { field: [{ name: 'System.Title', value: 'Badge reader at gate 4 (again)' }] } }, data());
		expect(updated.items[0].json.error).toBeUndefined();
		const moved = await run('changeState', { workItem, state: 'Active' }, data());
		expect((moved.items[0].json.fields as IDataObject)['System.State']).toBe('Active');
		const commented = await run('addComment', { workItem, text: 'On site.', format: 'html' }, data());
		expect(commented.items[0].json).toMatchObject({ workItemId: id, text: 'On site.' });
		const found = await run('search', { searchBy: 'filters', filters: { tag: 'service-desk' }, limit: 10 }, data());
		expect(found.items.map((item) => item.json.id)).toEqual([id]);
		const deleted = await run('delete', { workItem }, data());
		expect(deleted.items[0].json).toMatchObject({ id, deleted: true });

		// Azure DevOps saw the service principal, by name, on every request
		const fabrikam = emu.requests().filter((r) => r.organization === 'fabrikam');
		expect(fabrikam.length).toBeGreaterThan(7);
		expect(fabrikam.every((r) => r.token?.startsWith('fabrikam#sp:'))).toBe(true);
		// one token for seven runs
		expect(entra.issued).toBe(1);
	});

	it('Create From Ticket creates the work item, and a re-run finds it', async () => {
		const credentials = { azureDevOpsServicePrincipalApi: withSecret() };
		const parameters = { connectorSettings: seedSettings(serviceDeskUrl(emu)) };
		const first = await createFromTicket(emu, { tickets: [ticket(5150)], credentials, authentication: 'azureDevOpsServicePrincipalApi', parameters });
		expect(first.error).toBeUndefined();
		expect(first.items[0].json).toMatchObject({ created: true, ticket: { id: '5150' } });
		const again = await createFromTicket(emu, { tickets: [ticket(5150)], credentials, authentication: 'azureDevOpsServicePrincipalApi', parameters });
		expect(again.items[0].json).toMatchObject({ created: false, id: first.items[0].json.id });
		expect(createRequests(emu)).toHaveLength(1);
		expect(createRequests(emu).every(signedInAs(SP))).toBe(true);
	});
});

describe('where the token goes', () => {
	it('a project of an organization the credential does not list: AZDC-4001, nothing sent, not even a sign-in', async () => {
		const result = await run('get', { project: { __rl: true, mode: 'url', value: `${emu.orgUrl('contoso')}/Contoso%20Support` }, workItem: { __rl: true, mode: 'id', value: '1' } });
		expect(JSON.stringify(result.items[0].json.error ?? result.error)).toMatch(/AZDC-4001/);
		expect(emu.requests().filter((r) => r.organization === 'contoso')).toHaveLength(0);
	});

	it('an organization that has not added the service principal: AZDC-4053 after one fresh token, and the secret appears nowhere', async () => {
		const project = { __rl: true, mode: 'url', value: `${emu.orgUrl('contoso')}/Contoso%20Support` };
		const refused = await run('get', { project, workItem: { __rl: true, mode: 'id', value: '1' } }, withSecret({ organizations: emu.orgUrl('contoso') }));
		const text = JSON.stringify(refused.items[0].json);
		expect(text).toMatch(/AZDC-4053/);
		expect(text).toMatch(/Organization settings > Users/);
		expect(JSON.stringify(refused.items)).not.toContain(CANARY);
		expect(entra.issued).toBe(2);
		// the first answer 401, a fresh token, the second 401: two sign-ins, two tries
		expect(emu.requests().filter((r) => r.organization === 'contoso' && r.status === 401)).toHaveLength(2);
	});
});

describe('the token\'s life', () => {
	it('is fetched anew shortly before it expires (the client\'s clock), without a refused request', async () => {
		let now = Date.now();
		const restore = entraTokens.useClock({ now: () => now });
		try {
			await run('create', { workItemType: 'Task', title: 'One' });
			now += 3_599_000 - EXPIRY_MARGIN_MS + 1_000;
			entra.advance(3_599_000 - EXPIRY_MARGIN_MS + 1_000);
			await run('create', { workItemType: 'Task', title: 'Two' });
		} finally {
			restore();
			entra.advance(-(3_599_000 - EXPIRY_MARGIN_MS + 1_000));
		}
		expect(entra.issued).toBe(2);
		expect(emu.requests().filter((r) => r.status === 401)).toHaveLength(0);
	});

	it('refused by Azure DevOps as expired (a clock ahead of ours): one fresh token, the request sent again, done', async () => {
		await run('get', { workItem: { __rl: true, mode: 'id', value: String(emu.createWorkItem('Fabrikam Fiber', 'Task', { 'System.Title': 'x' }).id) } });
		entra.advance(3_600_000);
		try {
			const created = await run('create', { workItemType: 'Task', title: 'After the clock jumped' });
			expect(created.items[0].json.error).toBeUndefined();
		} finally {
			entra.advance(-3_600_000);
		}
		expect(entra.issued).toBe(2);
		const creates = emu.requests().filter((r) => r.method === 'POST' && r.path.includes('/_apis/wit/workitems/$'));
		expect(creates.map((r) => r.status)).toEqual([401, 200]);
	});
});

describe('the trigger as a service principal', () => {
	it('registers its subscription, maps the closing, and removes the subscription', async () => {
		const rig = await triggerRig(emu, {
			parameters: {
				authentication: 'azureDevOpsServicePrincipalApi',
				project: { __rl: true, mode: 'url', value: projectUrl() },
				events: ['workitem.updated'],
				workItemEndState: 'Closed',
				endState: 'Return from DevOps',
			},
			credentials: {
				azureDevOpsServicePrincipalApi: { id: 'sp-1', name: 'Service principal', data: withSecret() },
				azureDevOpsWebhookAuthApi: { id: 'hook-1', name: 'Service hook secret', data: { authType: 'basicAuth', user: HOOK_USER, password: HOOK_CANARY } },
			},
		});
		try {
			expect(await rig.workflow.activate(TRIGGER)).toEqual({ existed: false, created: true });
			const [subscription] = emu.hooks.subscriptions('fabrikam').filter((s) => s.consumerInputs.url === rig.url);
			expect(subscription).toBeDefined();
			const id = (emu.createWorkItem('Fabrikam Fiber', 'Task', { 'System.Title': 'Toner', 'System.Tags': 'Ticket:HD-31' }) as { id: number }).id;
			emu.updateWorkItem(id, { 'System.State': 'Closed' });
			await emu.hooks.flush();
			expect(emitted(rig.results.at(-1)!)).toMatchObject({ workItemId: id, ticket: { id: 'HD-31', state: 'Return from DevOps' } });
		} finally {
			await rig.workflow.deactivate(TRIGGER).catch(() => undefined);
			await rig.close();
		}
		expect(emu.hooks.subscriptions('fabrikam')).toHaveLength(0);
		const hookCalls = emu.requests().filter((r) => r.organization === 'fabrikam' && r.path.includes('/_apis/hooks/'));
		expect(hookCalls.length).toBeGreaterThan(0);
		expect(hookCalls.every(signedInAs(SP))).toBe(true);
	});

	it('a Minimal-details delivery (subscription made by hand) is read back as the service principal', async () => {
		const rig = await triggerRig(emu, {
			parameters: {
				authentication: 'azureDevOpsServicePrincipalApi',
				project: { __rl: true, mode: 'url', value: projectUrl() },
				registerSubscription: false,
				deliveryAuthentication: 'credential',
				workItemEndState: 'Closed',
				endState: 'Return from DevOps',
			},
			credentials: {
				azureDevOpsServicePrincipalApi: { id: 'sp-1', name: 'Service principal', data: withSecret() },
				azureDevOpsWebhookAuthApi: { id: 'hook-1', name: 'Service hook secret', data: { authType: 'basicAuth', user: HOOK_USER, password: HOOK_CANARY } },
			},
		});
		try {
			const projectId = emu.projects('fabrikam').find((p) => p.name === 'Fabrikam Fiber')!.id;
			const made = await fetch(`${emu.orgUrl('fabrikam')}/_apis/hooks/subscriptions?api-version=7.1`, {
				method: 'POST',
				headers: { 'content-type': 'application/json', authorization: basicAuth('', FABRIKAM_TOKEN) },
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
			const id = (emu.createWorkItem('Fabrikam Fiber', 'Task', { 'System.Title': 'Toner', 'System.Tags': 'Ticket:HD-32' }) as { id: number }).id;
			const before = emu.requests().length;
			emu.updateWorkItem(id, { 'System.State': 'Closed' });
			await emu.hooks.flush();
			const reads = emu.requests().slice(before).filter((r) => r.method === 'GET' && r.path.includes(`/workitems/${id}`));
			expect(reads.map((r) => r.token)).toEqual([SP]);
			expect(emitted(rig.results.at(-1)!)).toMatchObject({ workItemId: id, workItemFetched: true, ticket: { id: 'HD-32', state: 'Return from DevOps' } });
		} finally {
			await rig.close();
		}
	});
});

describe('the editor\'s lists with a service principal', () => {
	it('finds projects and work items, and offers types and states', async () => {
		const task = emu.createWorkItem('Fabrikam Fiber', 'Task', { 'System.Title': 'Replace toner' }) as { id: number };
		const wf = new TestWorkflow(
			{
				nodes: [
					{
						name: 'Node',
						type: NODE_TYPE,
						parameters: { authentication: 'azureDevOpsServicePrincipalApi', resource: 'workItem', operation: 'create', project: { __rl: true, mode: 'url', value: projectUrl() } },
						credentials: { azureDevOpsServicePrincipalApi: { id: 'sp-1', name: 'Service principal' } },
					},
				],
				connections: {},
			},
			{
				nodeTypes: { [NODE_TYPE]: new AzureDevOpsConnector() },
				credentialTypes: [new AzureDevOpsServicePrincipalApi()],
				credentials: { azureDevOpsServicePrincipalApi: { id: 'sp-1', name: 'Service principal', data: withSecret() } },
			},
		);
		expect((await wf.listSearch('Node', 'searchProjects')).results.map((p) => p.name)).toEqual(['Fabrikam Fiber', 'Service Desk']);
		expect((await wf.listSearch('Node', 'searchWorkItems', 'toner')).results).toEqual([expect.objectContaining({ value: String(task.id) })]);
		expect((await wf.loadOptions('Node', 'getWorkItemTypes')).map((t) => t.value)).toContain('Task');
		expect(emu.requests().every(signedInAs(SP))).toBe(true);
	});
});
