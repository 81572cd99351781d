// Delegated OAuth 2.0 in a real n8n: "Connect my account" as the editor does it (n8n builds the Microsoft Entra
// authorize URL with PKCE from the credential, the fake Entra ID signs the user in and redirects to n8n's callback, n8n
// redeems the code and stores the tokens), then a ticket becomes a work item as that user, and after an hour n8n
// refreshes the token once and the next ticket goes through.
import { AzureDevOpsOAuth2Api } from '../../credentials/AzureDevOpsOAuth2Api.credentials';
import { startEntra, type EntraEmulator } from '../emulator/entra';
import { example, majorUnderTest, n8n, startStack, type Stack } from './support';

const CREDENTIAL_TYPE = new AzureDevOpsOAuth2Api().name;
const TENANT = '8a7b6c5d-0000-4f4f-9e9e-0a1b2c3d4e5f';
const APP = '9b8c7d6e-0000-4f4f-9e9e-0a1b2c3d4e5f';
const ticket = (id: string) => ({
	TicketID: id,
	TicketTitle: `Monitor ${id}`,
	LatestImportantMessage: 'Flickers',
	TicketUrl: `https://servicedesk.example.com/tickets/${id}`,
	state: 'Synchronization to DevOps',
});

describe(`Delegated OAuth 2.0 (Microsoft Entra ID), in a real n8n ${majorUnderTest()}.x`, () => {
	let entra: EntraEmulator;
	let stack: Stack;

	beforeAll(async () => {
		entra = await startEntra({
			apps: [{ tenantId: TENANT, clientId: APP, redirectUris: ['http://127.0.0.1:*'] }],
			users: [{ tenantId: TENANT, name: 'Ana Agent', organizations: ['fabrikam'] }],
		});
		stack = await startStack({ major: majorUnderTest(), emulator: { bearer: entra.verifier } });
	}, 300000);

	afterAll(async () => {
		await stack?.stop();
		await entra?.close();
	}, 60000);

	test('connect the account through n8n, then ticket -> work item as the user; an hour later n8n refreshes once', async () => {
		const credential = (await stack.rest('POST', '/credentials', {
			name: 'Ana (OAuth2, e2e)',
			type: CREDENTIAL_TYPE,
			data: { clientId: APP, clientSecret: '', tenantId: TENANT, authorityHost: entra.url, organizations: stack.emu.orgUrl('fabrikam'), allowHttp: true },
		})) as { id: string | number };
		const credentialId = String(credential.id);

		// "Connect my account": n8n builds the authorize URL from the credential's hidden fields (with PKCE)
		const authUrl = String(await stack.rest('GET', `/oauth2-credential/auth?id=${credentialId}`));
		const authorize = new URL(authUrl);
		expect(`${authorize.origin}${authorize.pathname}`).toBe(`${entra.url}/${TENANT}/oauth2/v2.0/authorize`);
		expect(authorize.searchParams.get('code_challenge_method')).toBe('S256');
		expect(authorize.searchParams.get('scope')).toBe('499b84ac-1321-427f-aa17-267ca6975798/user_impersonation offline_access');
		const signedIn = await fetch(authorize, { redirect: 'manual' });
		expect(signedIn.status).toBe(302);
		const callback = signedIn.headers.get('location')!;
		expect(new URL(callback).searchParams.get('code')).toBeTruthy();
		const done = await n8n.request('GET', callback, { headers: stack.rest.headers });
		expect(done.status).toBe(200);
		expect(entra.requests.map((r) => [r.method, r.status])).toEqual([['authorize', 302], ['pkce', 200]]);

		const wf = example(stack, 'ticket-to-azure-devops.json') as { nodes: Array<Record<string, unknown>> };
		for (const node of wf.nodes) {
			const credentials = node.credentials as Record<string, unknown> | undefined;
			if (credentials?.azureDevOpsApi) {
				delete credentials.azureDevOpsApi;
				credentials[CREDENTIAL_TYPE] = { id: credentialId, name: 'Ana (OAuth2, e2e)' };
				(node.parameters as Record<string, unknown>).authentication = CREDENTIAL_TYPE;
			}
		}
		const workflowId = await stack.importWorkflow(wf);
		await n8n.activateWorkflow(stack.rest, workflowId);
		const hook = `${stack.webhookBase}/webhook/ticket`;
		await n8n.waitForWebhook(hook);
		const first = await n8n.request('POST', hook, { body: ticket('HD-81') });
		expect(first.status).toBe(200);
		expect(Number(first.body.id)).toBeGreaterThan(0);
		const fabrikam = () => stack.emu.requests().filter((r) => r.organization === 'fabrikam');
		expect(fabrikam().every((r) => r.token === 'fabrikam#user:Ana Agent')).toBe(true);

		entra.advance(3_600_000);
		try {
			const second = await n8n.request('POST', hook, { body: ticket('HD-82') });
			expect(second.status).toBe(200);
			expect(Number(second.body.id)).toBeGreaterThan(Number(first.body.id));
		} finally {
			entra.advance(-3_600_000);
		}
		expect(entra.requests.filter((r) => r.method === 'refresh').map((r) => r.status)).toEqual([200]);
		expect(fabrikam().filter((r) => r.status === 401)).toHaveLength(1);
		const creates = fabrikam().filter((r) => r.method === 'POST' && /\/_apis\/wit\/workitems\/\$/i.test(r.path));
		expect(creates.filter((r) => r.status === 200)).toHaveLength(2);
		await n8n.deactivateWorkflow(stack.rest, workflowId);
	});
});
