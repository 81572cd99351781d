// Every operation of the action node with each Microsoft Entra credential: a service principal (client secret and
// certificate), a managed identity (metadata service and App Service endpoint) and a person's delegated OAuth 2.0
// sign-in. One parametrised suite, so no operation is left to a PAT alone.
import { createHash, randomBytes } from 'node:crypto';

import type { ICredentialDataDecryptedObject, IDataObject, INodeParameters } from 'n8n-workflow';

import { AzureDevOpsManagedIdentityApi } from '../../credentials/AzureDevOpsManagedIdentityApi.credentials';
import { AzureDevOpsOAuth2Api } from '../../credentials/AzureDevOpsOAuth2Api.credentials';
import { AzureDevOpsServicePrincipalApi } from '../../credentials/AzureDevOpsServicePrincipalApi.credentials';
import { AzureDevOpsConnector } from '../../nodes/AzureDevOpsConnector/AzureDevOpsConnector.node';
import { entraTokens } from '../../nodes/AzureDevOpsConnector/transport/entraToken';
import { startEmulator, type Emulator } from '../emulator';
import { startEntra, testCertificate, type EntraEmulator } from '../emulator/entra';
import { runNode } from '../support/n8n';
import { OAuth2ApiStandIn } from '../support/oauth2-api';
import { seedSettings, serviceDeskUrl, ticket } from './create-from-ticket.support';

const NODE_TYPE = 'n8n-nodes-azure-devops-connector.azureDevOpsConnector';
const TENANT = '1f2e3d4c-0000-4b4b-8a8a-998877665544';
const APP = '2e3d4c5b-0000-4b4b-8a8a-998877665544';
const SIGNING_APP = '3d4c5b6a-0000-4b4b-8a8a-998877665544';
const IDENTITY = '4c5b6a79-0000-4b4b-8a8a-998877665544';
const DELEGATED_APP = '5b6a7988-0000-4b4b-8a8a-998877665544';
const REDIRECT = 'http://127.0.0.1:5678/rest/oauth2-credential/callback';
const CANARY = 'canary-every-op-5d1e-never-print-me';

let entra: EntraEmulator;
let emu: Emulator;

beforeAll(async () => {
	entra = await startEntra({
		apps: [
			{ tenantId: TENANT, clientId: APP, clientSecret: CANARY, name: 'Sync (secret)', organizations: ['fabrikam'] },
			{ tenantId: TENANT, clientId: SIGNING_APP, certificate: testCertificate().certificate, name: 'Sync (certificate)', organizations: ['fabrikam'] },
			{ tenantId: TENANT, clientId: DELEGATED_APP, redirectUris: [REDIRECT] },
		],
		users: [{ tenantId: TENANT, name: 'Ana Agent', organizations: ['fabrikam'] }],
		managedIdentities: [{ tenantId: TENANT, clientId: IDENTITY, systemAssigned: true, name: 'n8n-vm', organizations: ['fabrikam'] }],
	});
	emu = await startEmulator({ bearer: entra.verifier });
});

afterAll(async () => {
	await emu.stop();
	await entra.close();
});

beforeEach(() => {
	emu.reset();
	entraTokens.clear();
});

afterEach(() => {
	expect(emu.specViolations()).toEqual([]);
});

/** n8n's "Connect my account": authorize with a PKCE challenge, redeem the code. */
async function connect(): Promise<IDataObject> {
	const verifier = randomBytes(32).toString('base64url');
	const query = new URLSearchParams({
		client_id: DELEGATED_APP,
		redirect_uri: REDIRECT,
		response_type: 'code',
		scope: '499b84ac-1321-427f-aa17-267ca6975798/user_impersonation offline_access',
		code_challenge: createHash('sha256').update(verifier).digest('base64url'),
		code_challenge_method: 'S256',
	});
	const redirect = await fetch(`${entra.url}/organizations/oauth2/v2.0/authorize?${query.toString()}`, { redirect: 'manual' });
	const code = new URL(redirect.headers.get('location')!).searchParams.get('code')!;
	const token = await fetch(`${entra.url}/organizations/oauth2/v2.0/token`, {
		method: 'POST',
		headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
		body: new URLSearchParams({ grant_type: 'authorization_code', client_id: DELEGATED_APP, code, redirect_uri: REDIRECT, code_verifier: verifier }).toString(),
	});
	return (await token.json()) as IDataObject;
}

interface Case {
	type: string;
	label: () => string;
	data: () => Promise<ICredentialDataDecryptedObject>;
}

const common = () => ({ organizations: emu.orgUrl('fabrikam'), allowHttp: true });
const CASES: Array<[string, Case]> = [
	['service principal, client secret', { type: 'azureDevOpsServicePrincipalApi', label: () => `fabrikam#sp:${APP}`, data: async () => ({ tenantId: TENANT, clientId: APP, authMethod: 'clientSecret', clientSecret: CANARY, authorityHost: entra.url, ...common() }) }],
	['service principal, certificate', { type: 'azureDevOpsServicePrincipalApi', label: () => `fabrikam#sp:${SIGNING_APP}`, data: async () => ({ tenantId: TENANT, clientId: SIGNING_APP, authMethod: 'certificate', ...testCertificate(), authorityHost: entra.url, ...common() }) }],
	['managed identity, metadata service', { type: 'azureDevOpsManagedIdentityApi', label: () => `fabrikam#sp:${IDENTITY}`, data: async () => ({ source: 'imds', imdsEndpoint: entra.imdsEndpoint, ...common() }) }],
	['managed identity, App Service', { type: 'azureDevOpsManagedIdentityApi', label: () => `fabrikam#sp:${IDENTITY}`, data: async () => ({ source: 'appService', identityEndpoint: entra.identityEndpoint, identityHeader: entra.identityHeader, ...common() }) }],
	['delegated OAuth 2.0', { type: 'azureDevOpsOAuth2Api', label: () => 'fabrikam#user:Ana Agent', data: async () => ({ clientId: DELEGATED_APP, clientSecret: '', accessTokenUrl: `${entra.url}/organizations/oauth2/v2.0/token`, oauthTokenData: await connect(), ...common() }) }],
];

const CREDENTIAL_TYPES = () => [new OAuth2ApiStandIn(), new AzureDevOpsServicePrincipalApi(), new AzureDevOpsManagedIdentityApi(), new AzureDevOpsOAuth2Api()];

describe.each(CASES)('with a %s', (_name, c) => {
	it('every operation: Create From Ticket (and its re-run), create, get, update, change state, comment, search, delete', async () => {
		const data = await c.data();
		const credentials = { [c.type]: data };
		const run = async (operation: string, parameters: INodeParameters) =>
			await runNode({
				type: NODE_TYPE,
				nodeTypes: { [NODE_TYPE]: new AzureDevOpsConnector() },
				credentialTypes: CREDENTIAL_TYPES(),
				credentials: credentials as never,
				parameters: {
					authentication: c.type,
					resource: 'workItem',
					operation,
					project: { __rl: true, mode: 'url', value: `${emu.orgUrl('fabrikam')}/Fabrikam%20Fiber` },
					...parameters,
				},
				continueOnFail: true,
			});

		const fromTicket = async () =>
			await runNode({
				type: NODE_TYPE,
				nodeTypes: { [NODE_TYPE]: new AzureDevOpsConnector() },
				credentialTypes: CREDENTIAL_TYPES(),
				credentials: credentials as never,
				parameters: { authentication: c.type, resource: 'workItem', operation: 'createFromTicket', configuration: 'settingsJson', connectorSettings: seedSettings(serviceDeskUrl(emu)), options: {} },
				inputItems: [ticket(6001)],
			});
		const first = await fromTicket();
		expect(first.error).toBeUndefined();
		expect(first.items[0].json).toMatchObject({ created: true });
		expect((await fromTicket()).items[0].json).toMatchObject({ created: false, id: first.items[0].json.id });

		const created = await run('create', { workItemType: 'Bug', title: 'Badge reader', tags: 'entra' });
		expect(created.items[0].json.error).toBeUndefined();
		const id = Number(created.items[0].json.id);
		const workItem = { __rl: true, mode: 'id', value: String(id) };
		expect((await run('get', { workItem })).items[0].json.id).toBe(id);
		expect((await run('update', { workItem, fields: { field: [{ name: 'System.Title', value: 'Badge reader (2)' }] } })).items[0].json.error).toBeUndefined();
		expect(((await run('changeState', { workItem, state: 'Active' })).items[0].json.fields as IDataObject)['System.State']).toBe('Active');
		expect((await run('addComment', { workItem, text: 'On site.', format: 'html' })).items[0].json).toMatchObject({ workItemId: id });
		expect((await run('search', { searchBy: 'filters', filters: { tag: 'entra' }, limit: 5 })).items.map((i) => i.json.id)).toEqual([id]);
		expect((await run('delete', { workItem })).items[0].json).toMatchObject({ id, deleted: true });

		const fabrikam = emu.requests().filter((r) => r.organization === 'fabrikam');
		expect(fabrikam.length).toBeGreaterThan(8);
		expect(fabrikam.filter((r) => r.token !== c.label()).map((r) => `${r.method} ${r.path}`)).toEqual([]);
	});
});
