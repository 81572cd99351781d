// A person signs the integration in through Microsoft Entra ID (delegated OAuth 2.0, authorization code with PKCE).
// n8n's own OAuth2 machinery stores the tokens, signs each request and refreshes the token once on a 401; the node
// sends requests with it only to the organizations the credential lists.
import { createHash, randomBytes } from 'node:crypto';

import type { ICredentialDataDecryptedObject, IDataObject, INodeParameters } from 'n8n-workflow';

import { AzureDevOpsOAuth2Api } from '../../credentials/AzureDevOpsOAuth2Api.credentials';
import { AzureDevOpsConnector } from '../../nodes/AzureDevOpsConnector/AzureDevOpsConnector.node';
import { useTransportClock } from '../../nodes/AzureDevOpsConnector/transport';
import { startEmulator, type Emulator } from '../emulator';
import { startEntra, type EntraEmulator } from '../emulator/entra';
import { runNode } from '../support/n8n';
import { OAuth2ApiStandIn } from '../support/oauth2-api';

const NODE_TYPE = 'n8n-nodes-azure-devops-connector.azureDevOpsConnector';
const TENANT = '6c5b4a39-0000-4e4e-8f8f-0a0b0c0d0e0f';
const APP = '7d6c5b4a-0000-4e4e-8f8f-0a0b0c0d0e0f';
const REDIRECT = 'http://127.0.0.1:5678/rest/oauth2-credential/callback';

let entra: EntraEmulator;
let emu: Emulator;

beforeAll(async () => {
	entra = await startEntra({
		apps: [{ tenantId: TENANT, clientId: APP, redirectUris: [REDIRECT] }],
		users: [{ tenantId: TENANT, name: 'Ana Agent', organizations: ['fabrikam'] }],
	});
	emu = await startEmulator({ bearer: entra.verifier });
});

afterAll(async () => {
	await emu.stop();
	await entra.close();
});

beforeEach(() => {
	emu.reset();
	entra.requests.length = 0;
});

/** What n8n's "Connect my account" does: the authorize redirect with a PKCE challenge, then the code redeemed. */
async function connect(scope = new AzureDevOpsOAuth2Api().properties.find((p) => p.name === 'scope')!.default as string): Promise<IDataObject> {
	const verifier = randomBytes(32).toString('base64url');
	const challenge = createHash('sha256').update(verifier).digest('base64url');
	const authorize = new URL(`${entra.url}/organizations/oauth2/v2.0/authorize`);
	for (const [key, value] of Object.entries({ client_id: APP, redirect_uri: REDIRECT, response_type: 'code', scope, state: 'n8n-state', code_challenge: challenge, code_challenge_method: 'S256', prompt: 'select_account' })) {
		authorize.searchParams.set(key, value);
	}
	const redirect = await fetch(authorize, { redirect: 'manual' });
	expect(redirect.status).toBe(302);
	const back = new URL(redirect.headers.get('location')!);
	expect(back.searchParams.get('state')).toBe('n8n-state');
	const code = back.searchParams.get('code');
	expect(code).toBeTruthy();
	const token = await fetch(`${entra.url}/organizations/oauth2/v2.0/token`, {
		method: 'POST',
		headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
		body: new URLSearchParams({ grant_type: 'authorization_code', client_id: APP, code: code!, redirect_uri: REDIRECT, code_verifier: verifier }).toString(),
	});
	expect(token.status).toBe(200);
	return (await token.json()) as IDataObject;
}

function credential(oauthTokenData: IDataObject | undefined, overrides: IDataObject = {}): ICredentialDataDecryptedObject {
	return {
		clientId: APP,
		clientSecret: '',
		tenantId: 'organizations',
		authorityHost: entra.url,
		accessTokenUrl: `${entra.url}/organizations/oauth2/v2.0/token`,
		authUrl: `${entra.url}/organizations/oauth2/v2.0/authorize`,
		organizations: emu.orgUrl('fabrikam'),
		allowHttp: true,
		...(oauthTokenData ? { oauthTokenData } : {}),
		...overrides,
	} as ICredentialDataDecryptedObject;
}

async function run(operation: string, parameters: INodeParameters, data: ICredentialDataDecryptedObject) {
	return await runNode({
		type: NODE_TYPE,
		nodeTypes: { [NODE_TYPE]: new AzureDevOpsConnector() },
		credentialTypes: [new OAuth2ApiStandIn(), new AzureDevOpsOAuth2Api()],
		credentials: { azureDevOpsOAuth2Api: data } as never,
		parameters: {
			authentication: new AzureDevOpsOAuth2Api().name,
			resource: 'workItem',
			operation,
			project: { __rl: true, mode: 'url', value: `${emu.orgUrl('fabrikam')}/Fabrikam%20Fiber` },
			...parameters,
		},
		continueOnFail: true,
	});
}

describe('delegated sign-in through Microsoft Entra ID', () => {
	it('the emulator\'s Entra ID refuses a sign-in without PKCE and a code redeemed with the wrong verifier', async () => {
		const noPkce = await fetch(`${entra.url}/organizations/oauth2/v2.0/authorize?client_id=${APP}&redirect_uri=${encodeURIComponent(REDIRECT)}&response_type=code&scope=499b84ac-1321-427f-aa17-267ca6975798/user_impersonation`, { redirect: 'manual' });
		expect(new URL(noPkce.headers.get('location')!).searchParams.get('error')).toBe('invalid_request');
		const authorize = `${entra.url}/organizations/oauth2/v2.0/authorize?client_id=${APP}&redirect_uri=${encodeURIComponent(REDIRECT)}&response_type=code&scope=499b84ac-1321-427f-aa17-267ca6975798/user_impersonation&code_challenge=${createHash('sha256').update('right').digest('base64url')}&code_challenge_method=S256`;
		const code = new URL((await fetch(authorize, { redirect: 'manual' })).headers.get('location')!).searchParams.get('code')!;
		const wrong = await fetch(`${entra.url}/organizations/oauth2/v2.0/token`, {
			method: 'POST',
			headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
			body: new URLSearchParams({ grant_type: 'authorization_code', client_id: APP, code, redirect_uri: REDIRECT, code_verifier: 'wrong' }).toString(),
		});
		expect(await wrong.json()).toMatchObject({ error: 'invalid_grant', error_codes: [50148] });
	});

	it('operations run as the signed-in user: create, get, comment, search, delete', async () => {
		const data = credential(await connect());
		const created = await run('create', { workItemType: 'Task', title: 'Laptop for Ana', tags: 'oauth' }, data);
		expect(created.items[0].json.error).toBeUndefined();
		const workItem = { __rl: true, mode: 'id', value: String(created.items[0].json.id) };
		expect((await run('get', { workItem }, data)).items[0].json.id).toBe(created.items[0].json.id);
		expect((await run('addComment', { workItem, text: 'Ordered.', format: 'html' }, data)).items[0].json).toMatchObject({ text: 'Ordered.' });
		expect((await run('search', { searchBy: 'filters', filters: { tag: 'oauth' }, limit: 5 }, data)).items.map((i) => i.json.id)).toEqual([created.items[0].json.id]);
		expect((await run('delete', { workItem }, data)).items[0].json).toMatchObject({ deleted: true });
		expect(emu.requests().every((r) => r.token === 'fabrikam#user:Ana Agent')).toBe(true);
	});

	it('Azure DevOps\' own refusals keep their codes with OAuth2 (status errors are thrown for n8n\'s refresh, and read back)', async () => {
		const data = credential(await connect());
		const missing = await run('get', { workItem: { __rl: true, mode: 'id', value: '999999' } }, data);
		const error = JSON.stringify(missing.items[0].json.error);
		expect(error).toMatch(/AZDC-4016/);
		expect(error).toMatch(/TF401232|does not exist/);
		expect(emu.requests().filter((r) => r.path.includes('/workitems/999999'))).toHaveLength(1);
	});

	it('429 with Retry-After is waited out with OAuth2 too (the thrown answer keeps its headers), and the create lands once', async () => {
		const data = credential(await connect());
		const restore = useTransportClock({ sleep: async () => {}, random: () => 0.5 });
		emu.faults.add({ kind: 'status', status: 429, retryAfterSeconds: 1, times: 2, match: { method: 'POST', pathIncludes: '/workitems/$' } });
		try {
			const created = await run('create', { workItemType: 'Task', title: 'Throttled' }, data);
			expect(created.items[0].json.error).toBeUndefined();
		} finally {
			restore();
			emu.faults.clear();
		}
		const creates = emu.requests().filter((r) => r.method === 'POST' && r.path.includes('/_apis/wit/workitems/$'));
		expect(creates.map((r) => r.status)).toEqual([429, 429, 200]);
	});

	it('an expired access token: n8n refreshes it once with the refresh token and the request goes through', async () => {
		const data = credential(await connect());
		entra.requests.length = 0;
		entra.advance(3_600_000);
		try {
			const created = await run('create', { workItemType: 'Task', title: 'After an hour' }, data);
			expect(created.items[0].json.error).toBeUndefined();
		} finally {
			entra.advance(-3_600_000);
		}
		expect(entra.requests.map((r) => [r.method, r.status])).toEqual([['refresh', 200]]);
		const creates = emu.requests().filter((r) => r.method === 'POST' && r.path.includes('/_apis/wit/workitems/$'));
		// the create was refused once (401), n8n refreshed, the create went again: one work item
		expect(creates.map((r) => r.status)).toEqual([401, 200]);
		expect(emu.requests().filter((r) => r.status === 401)).toHaveLength(1);
	});

	it('a revoked refresh token: AZDC-4051, reconnect', async () => {
		const data = credential(await connect());
		entra.revokeRefreshTokens();
		entra.advance(3_600_000);
		try {
			const result = await run('get', { workItem: { __rl: true, mode: 'id', value: '1' } }, data);
			expect(JSON.stringify(result.items[0].json.error)).toMatch(/AZDC-4051/);
		} finally {
			entra.advance(-3_600_000);
		}
	});

	it('not connected yet: AZDC-4050 and nothing sent; another organization: AZDC-4001 and nothing sent', async () => {
		const notConnected = await run('get', { workItem: { __rl: true, mode: 'id', value: '1' } }, credential(undefined));
		expect(JSON.stringify(notConnected.items[0].json.error)).toMatch(/AZDC-4050/);
		const foreign = await run(
			'get',
			{ project: { __rl: true, mode: 'url', value: `${emu.orgUrl('contoso')}/Contoso%20Support` }, workItem: { __rl: true, mode: 'id', value: '1' } },
			credential(await connect()),
		);
		expect(JSON.stringify(foreign.items[0].json.error)).toMatch(/AZDC-4001/);
		expect(emu.requests()).toHaveLength(0);
	});
});
