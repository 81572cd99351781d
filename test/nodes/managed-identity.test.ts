// n8n running on Azure signs in to Azure DevOps as the managed identity of its VM, container or app: no secret at all.
// The token comes from the instance metadata service or from App Service's identity endpoint (both faked by the
// emulator's Entra ID), is reused while fresh, and goes only to the organizations the credential lists.
import type { ICredentialDataDecryptedObject, IDataObject, INodeParameters } from 'n8n-workflow';

import { AzureDevOpsManagedIdentityApi } from '../../credentials/AzureDevOpsManagedIdentityApi.credentials';
import { AzureDevOpsConnector } from '../../nodes/AzureDevOpsConnector/AzureDevOpsConnector.node';
import { entraTokens } from '../../nodes/AzureDevOpsConnector/transport/entraToken';
import { startEmulator, type Emulator } from '../emulator';
import { startEntra, type EntraEmulator } from '../emulator/entra';
import { runNode, testCredential } from '../support/n8n';
import { emitted, HOOK_CANARY, HOOK_USER, TRIGGER, triggerRig } from './trigger.support';
import { AzureDevOpsConnectorTrigger } from '../../nodes/AzureDevOpsConnector/AzureDevOpsConnectorTrigger.node';

const NODE_TYPE = 'n8n-nodes-azure-devops-connector.azureDevOpsConnector';
const TENANT = '2b3c4d5e-0000-4a4a-9b9b-111122223333';
const SYSTEM = '3c4d5e6f-0000-4a4a-9b9b-111122223333';
const USER_ASSIGNED = '4d5e6f70-0000-4a4a-9b9b-111122223333';

let entra: EntraEmulator;
let emu: Emulator;

beforeAll(async () => {
	entra = await startEntra({
		managedIdentities: [
			{ tenantId: TENANT, clientId: SYSTEM, systemAssigned: true, name: 'n8n-vm', organizations: ['fabrikam'] },
			{ tenantId: TENANT, clientId: USER_ASSIGNED, name: 'service-desk-identity', organizations: ['fabrikam', 'contoso'] },
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

const imds = (overrides: IDataObject = {}): ICredentialDataDecryptedObject => ({
	source: 'imds',
	clientId: '',
	imdsEndpoint: entra.imdsEndpoint,
	organizations: emu.orgUrl('fabrikam'),
	allowHttp: true,
	...overrides,
});
const appService = (overrides: IDataObject = {}): ICredentialDataDecryptedObject => ({
	source: 'appService',
	clientId: '',
	identityEndpoint: entra.identityEndpoint,
	identityHeader: entra.identityHeader,
	organizations: emu.orgUrl('fabrikam'),
	allowHttp: true,
	...overrides,
});

const test = async (data: ICredentialDataDecryptedObject) =>
	await testCredential({
		type: 'azureDevOpsManagedIdentityApi',
		data,
		credentialTypes: [new AzureDevOpsManagedIdentityApi()],
		nodeTypes: { [NODE_TYPE]: new AzureDevOpsConnector() },
	});

async function run(operation: string, parameters: INodeParameters, data = imds()) {
	return await runNode({
		type: NODE_TYPE,
		nodeTypes: { [NODE_TYPE]: new AzureDevOpsConnector() },
		credentialTypes: [new AzureDevOpsManagedIdentityApi()],
		credentials: { azureDevOpsManagedIdentityApi: data } as never,
		parameters: {
			authentication: 'azureDevOpsManagedIdentityApi',
			resource: 'workItem',
			operation,
			project: { __rl: true, mode: 'url', value: `${emu.orgUrl('fabrikam')}/Fabrikam%20Fiber` },
			...parameters,
		},
		continueOnFail: true,
	});
}

describe('the credential test', () => {
	it('gets a token from the metadata service for the system-assigned identity and checks the organizations', async () => {
		expect(await test(imds())).toEqual({
			status: 'OK',
			message: 'Got a token for the managed identity. Connection successful: all 1 organization(s) accepted the managed identity.',
		});
		expect(entra.requests).toEqual([expect.objectContaining({ method: 'imds', clientId: '', status: 200 })]);
	});

	it('a user-assigned identity by its client ID, through App Service\'s identity endpoint, for two organizations', async () => {
		expect(await test(appService({ clientId: USER_ASSIGNED, organizations: `${emu.orgUrl('fabrikam')}\n${emu.orgUrl('contoso')}` }))).toMatchObject({
			status: 'OK',
			message: expect.stringContaining('all 2 organization(s)'),
		});
		expect(entra.requests).toEqual([expect.objectContaining({ method: 'appService', clientId: USER_ASSIGNED, status: 200 })]);
	});

	it('names the organization that has not added the identity', async () => {
		const result = await test(imds({ organizations: `${emu.orgUrl('fabrikam')}\n${emu.orgUrl('contoso')}` }));
		expect(result.status).toBe('Error');
		expect(result.message).toContain(`${emu.orgUrl('contoso')}: [AZDC-4053]`);
	});

	it('says what the identity endpoint refused: an unknown identity, a wrong identity header; and an unreachable endpoint', async () => {
		expect(await test(imds({ clientId: '99999999-0000-4a4a-9b9b-111122223333' }))).toMatchObject({ status: 'Error', message: expect.stringMatching(/^\[AZDC-4051\].*Identity not found/) });
		expect(await test(appService({ identityHeader: 'stale' }))).toMatchObject({ status: 'Error', message: expect.stringMatching(/^\[AZDC-4051\].*401/) });
		expect(await test(imds({ imdsEndpoint: 'http://127.0.0.1:9/metadata/identity/oauth2/token' }))).toMatchObject({
			status: 'Error',
			message: expect.stringMatching(/^\[AZDC-4052\].*only for n8n running on Azure/),
		});
	});

	it('refuses a plain-http endpoint that is neither the metadata service nor loopback, and Server collections', async () => {
		expect(await test(imds({ imdsEndpoint: 'http://identity.example/token' }))).toMatchObject({ message: expect.stringContaining('[AZDC-1011]') });
		expect(await test(imds({ organizations: 'https://tfs.contoso.local/tfs/DefaultCollection' }))).toMatchObject({ message: expect.stringContaining('[AZDC-4054]') });
		expect(entra.requests).toHaveLength(0);
	});
});

describe('operations as the managed identity', () => {
	it('create, get, update, comment, search, delete with one token, every request signed in as the identity', async () => {
		const created = await run('create', { workItemType: 'Task', title: 'Printer toner', tags: 'mi' });
		expect(created.items[0].json.error).toBeUndefined();
		const workItem = { __rl: true, mode: 'id', value: String(created.items[0].json.id) };
		expect((await run('get', { workItem })).items[0].json.id).toBe(created.items[0].json.id);
		expect((await run('update', { workItem, fields: { field: [{ name: 'System.Title', value: 'Printer toner (2)' }] } })).items[0].json.error).toBeUndefined();
		expect((await run('addComment', { workItem, text: 'Ordered.', format: 'html' })).items[0].json).toMatchObject({ text: 'Ordered.' });
		expect((await run('search', { searchBy: 'filters', filters: { tag: 'mi' }, limit: 5 })).items.map((i) => i.json.id)).toEqual([created.items[0].json.id]);
		expect((await run('delete', { workItem })).items[0].json).toMatchObject({ deleted: true });
		expect(emu.requests().every((r) => r.token === `fabrikam#sp:${SYSTEM}`)).toBe(true);
		expect(entra.issued).toBe(1);
	});

	it('the trigger registers its subscription and maps the closing as the identity (App Service endpoint)', async () => {
		const rig = await triggerRig(emu, {
			parameters: {
				authentication: 'azureDevOpsManagedIdentityApi',
				project: { __rl: true, mode: 'url', value: `${emu.orgUrl('fabrikam')}/Fabrikam%20Fiber` },
				events: ['workitem.updated'],
				workItemEndState: 'Closed',
				endState: 'Return from DevOps',
			},
			credentials: {
				azureDevOpsManagedIdentityApi: { id: 'mi-1', name: 'Managed identity', data: appService({ clientId: USER_ASSIGNED }) },
				azureDevOpsWebhookAuthApi: { id: 'hook-1', name: 'Service hook secret', data: { authType: 'basicAuth', user: HOOK_USER, password: HOOK_CANARY } },
			},
		});
		try {
			expect(await rig.workflow.activate(TRIGGER)).toEqual({ existed: false, created: true });
			const id = (emu.createWorkItem('Fabrikam Fiber', 'Task', { 'System.Title': 'Toner', 'System.Tags': 'Ticket:HD-77' }) as { id: number }).id;
			emu.updateWorkItem(id, { 'System.State': 'Closed' });
			await emu.hooks.flush();
			expect(emitted(rig.results.at(-1)!)).toMatchObject({ workItemId: id, ticket: { id: 'HD-77', state: 'Return from DevOps' } });
		} finally {
			await rig.workflow.deactivate(TRIGGER).catch(() => undefined);
			await rig.close();
		}
		expect(emu.hooks.subscriptions('fabrikam')).toHaveLength(0);
		const hookCalls = emu.requests().filter((r) => r.path.includes('/_apis/hooks/'));
		expect(hookCalls.length).toBeGreaterThan(0);
		expect(hookCalls.every((r) => r.token === `fabrikam#sp:${USER_ASSIGNED}`)).toBe(true);
		expect(new AzureDevOpsConnectorTrigger().description.credentials?.map((c) => c.name)).toContain('azureDevOpsManagedIdentityApi');
	});
});
