// The round trip in a real n8n with a service principal (Microsoft Entra ID) instead of a PAT: n8n's credential test
// signs in, a ticket becomes a work item, the trigger registers its subscription and maps the closing, all as the
// service principal; n8n's preAuthentication fetched and stored the token, a later execution reuses it, a token
// Azure DevOps finds expired is replaced once, and neither the secret nor any token reaches n8n's logs or executions.
import * as crypto from 'node:crypto';

import { startEntra, type EntraEmulator } from '../emulator/entra';
import { example, majorUnderTest, n8n, startStack, waitForExecutions, type Stack } from './support';

const TENANT = '3f2e1d0c-aaaa-4b4b-9c9c-0a1b2c3d4e5f';
const APP = '7e6d5c4b-bbbb-4c4c-8d8d-5f4e3d2c1b0a';
const IDENTITY = '8f7e6d5c-cccc-4d4d-8e8e-6a5b4c3d2e1f';
const CANARY = `e2ecanary${crypto.randomBytes(12).toString('hex')}`;
const TRIGGER_NODE = 'Work item updated';
const ticket = (id: string) => ({
	TicketID: id,
	TicketTitle: `Badge reader ${id}`,
	LatestImportantMessage: 'Door stays shut',
	TicketUrl: `https://servicedesk.example.com/tickets/${id}`,
	state: 'Synchronization to DevOps',
});

/** An example workflow switched to the service principal credential. */
function withServicePrincipal(stack: Stack, file: string, credentialId: string) {
	const wf = example(stack, file) as { nodes: Array<Record<string, unknown>> };
	for (const node of wf.nodes) {
		const credentials = node.credentials as Record<string, unknown> | undefined;
		if (credentials?.azureDevOpsApi) {
			delete credentials.azureDevOpsApi;
			credentials.azureDevOpsServicePrincipalApi = { id: credentialId, name: 'Service principal (e2e)' };
			(node.parameters as Record<string, unknown>).authentication = 'azureDevOpsServicePrincipalApi';
		}
	}
	return wf;
}

describe(`A service principal, in a real n8n ${majorUnderTest()}.x`, () => {
	let entra: EntraEmulator;
	let stack: Stack;
	let credentialId: string;
	let data: Record<string, unknown>;
	const workflowIds: string[] = [];

	beforeAll(async () => {
		entra = await startEntra({
			apps: [{ tenantId: TENANT, clientId: APP, clientSecret: CANARY, name: 'Service Desk Sync', organizations: ['fabrikam'] }],
			managedIdentities: [{ tenantId: TENANT, clientId: IDENTITY, systemAssigned: true, name: 'n8n-vm', organizations: ['fabrikam'] }],
		});
		stack = await startStack({ major: majorUnderTest(), emulator: { bearer: entra.verifier } });
		data = {
			tenantId: TENANT,
			clientId: APP,
			authMethod: 'clientSecret',
			clientSecret: CANARY,
			organizations: stack.emu.orgUrl('fabrikam'),
			authorityHost: entra.url,
			allowHttp: true,
		};
		const credential = (await stack.rest('POST', '/credentials', { name: 'Service principal (e2e)', type: 'azureDevOpsServicePrincipalApi', data })) as { id: string | number };
		credentialId = String(credential.id);
	}, 300000);

	afterAll(async () => {
		await stack?.stop();
		await entra?.close();
	}, 60000);

	test('n8n knows the credential type, and its test signs in and names the organizations', async () => {
		const creds = await n8n.request('GET', `${stack.main.url}/types/credentials.json`, { headers: stack.rest.headers });
		expect((creds.body as Array<{ name: string }>).map((t) => t.name)).toEqual(
			expect.arrayContaining(['azureDevOpsServicePrincipalApi', 'azureDevOpsManagedIdentityApi', 'azureDevOpsOAuth2Api']),
		);
		const ok = (await stack.rest('POST', '/credentials/test', { credentials: { id: credentialId, name: 'Service principal (e2e)', type: 'azureDevOpsServicePrincipalApi', data } })) as { status: string; message: string };
		expect(ok).toEqual({ status: 'OK', message: expect.stringContaining('all 1 organization(s) accepted the service principal') });
		const refused = (await stack.rest('POST', '/credentials/test', {
			credentials: { id: credentialId, name: 'Service principal (e2e)', type: 'azureDevOpsServicePrincipalApi', data: { ...data, organizations: `${stack.emu.orgUrl('fabrikam')}\n${stack.emu.orgUrl('contoso')}` } },
		})) as { status: string; message: string };
		expect(refused.status).toBe('Error');
		expect(refused.message).toContain(`${stack.emu.orgUrl('contoso')}: [AZDC-4053]`);
	});

	test('ticket -> work item -> closed -> "Return from DevOps", every Azure DevOps request signed in as the service principal', async () => {
		const issuedBefore = entra.issued;
		const stored = async () => ((await stack.rest('GET', `/credentials/${credentialId}`)) as { updatedAt: string }).updatedAt;
		const savedAt = await stored();
		const ticketWorkflowId = await stack.importWorkflow(withServicePrincipal(stack, 'ticket-to-azure-devops.json', credentialId));
		workflowIds.push(ticketWorkflowId);
		await n8n.activateWorkflow(stack.rest, ticketWorkflowId);
		const hook = `${stack.webhookBase}/webhook/ticket`;
		await n8n.waitForWebhook(hook);
		const res = await n8n.request('POST', hook, { body: ticket('HD-71') });
		expect(res.status).toBe(200);
		const workItemId = Number(res.body.id);
		expect(workItemId).toBeGreaterThan(0);

		const triggerWorkflowId = await stack.importWorkflow(withServicePrincipal(stack, 'azure-devops-back-to-ticket.json', credentialId));
		workflowIds.push(triggerWorkflowId);
		await n8n.activateWorkflow(stack.rest, triggerWorkflowId);
		const [subscription] = await n8n.waitFor('the subscription', () => {
			const subs = stack.emu.hooks.subscriptions('fabrikam');
			return subs.length ? subs : undefined;
		}, 30000);
		await n8n.waitForWebhook(subscription.consumerInputs.url);
		stack.emu.updateWorkItem(workItemId, { 'System.State': 'Closed' });
		await stack.emu.hooks.flush();
		const [execution] = await waitForExecutions(stack, triggerWorkflowId, 1);
		expect(execution.status).toBe('success');
		expect(n8n.nodeOutput(execution, TRIGGER_NODE)[0]).toEqual(expect.objectContaining({ workItemId, ticket: expect.objectContaining({ id: 'HD-71', state: 'Return from DevOps' }) }));

		const fabrikam = stack.emu.requests().filter((r) => r.organization === 'fabrikam');
		expect(fabrikam.length).toBeGreaterThan(3);
		expect(fabrikam.filter((r) => r.token !== `fabrikam#sp:${APP}`).map((r) => `${r.method} ${r.path} ${r.token}`)).toEqual([]);
		// one sign-in served the ticket, the registration and the trigger's reads; n8n's preAuthentication saved the
		// fetched token into the credential (its expirable field), so the credential was updated
		expect(entra.issued - issuedBefore).toBe(1);
		expect(await stored()).not.toBe(savedAt);

		// a later ticket reuses the token n8n stored (no new sign-in)
		const second = await n8n.request('POST', hook, { body: ticket('HD-72') });
		expect(second.status).toBe(200);
		expect(entra.issued - issuedBefore).toBe(1);

		// Azure DevOps finds the token expired (its clock an hour ahead): the next request (the lookup for an existing work
		// item) gets 401, one new sign-in, the request sent again, and the ticket is created once
		const before = stack.emu.requests().length;
		entra.advance(3_600_000);
		try {
			const third = await n8n.request('POST', hook, { body: ticket('HD-73') });
			expect(third.status).toBe(200);
			expect(Number(third.body.id)).toBeGreaterThan(0);
		} finally {
			entra.advance(-3_600_000);
		}
		expect(entra.issued - issuedBefore).toBe(2);
		const creates = stack.emu.requests().filter((r) => r.method === 'POST' && /\/_apis\/wit\/workitems\/\$/i.test(r.path));
		expect(creates.map((r) => r.status)).toEqual([200, 200, 200]);
		expect(stack.emu.requests().slice(before).filter((r) => r.status === 401)).toHaveLength(1);

		await n8n.deactivateWorkflow(stack.rest, triggerWorkflowId);
		await n8n.waitFor('the subscription to be deleted', () => stack.emu.hooks.subscriptions('fabrikam').length === 0, 30000);
		await n8n.deactivateWorkflow(stack.rest, ticketWorkflowId);
	});

	test('a managed identity (the metadata service, here the emulator\'s): credential test and a ticket as the identity', async () => {
		const identity = { source: 'imds', clientId: '', imdsEndpoint: entra.imdsEndpoint, organizations: stack.emu.orgUrl('fabrikam'), allowHttp: true };
		const created = (await stack.rest('POST', '/credentials', { name: 'Managed identity (e2e)', type: 'azureDevOpsManagedIdentityApi', data: identity })) as { id: string | number };
		const tested = (await stack.rest('POST', '/credentials/test', {
			credentials: { id: String(created.id), name: 'Managed identity (e2e)', type: 'azureDevOpsManagedIdentityApi', data: identity },
		})) as { status: string; message: string };
		expect(tested).toEqual({ status: 'OK', message: expect.stringContaining('accepted the managed identity') });
		const wf = example(stack, 'ticket-to-azure-devops.json') as { nodes: Array<Record<string, unknown>> };
		for (const node of wf.nodes) {
			const credentials = node.credentials as Record<string, unknown> | undefined;
			if (credentials?.azureDevOpsApi) {
				delete credentials.azureDevOpsApi;
				credentials.azureDevOpsManagedIdentityApi = { id: String(created.id), name: 'Managed identity (e2e)' };
				(node.parameters as Record<string, unknown>).authentication = 'azureDevOpsManagedIdentityApi';
			}
		}
		const workflowId = await stack.importWorkflow(wf);
		workflowIds.push(workflowId);
		await n8n.activateWorkflow(stack.rest, workflowId);
		const hook = `${stack.webhookBase}/webhook/ticket`;
		await n8n.waitForWebhook(hook);
		const before = stack.emu.requests().length;
		const res = await n8n.request('POST', hook, { body: ticket('HD-91') });
		expect(res.status).toBe(200);
		expect(Number(res.body.id)).toBeGreaterThan(0);
		const mine = stack.emu.requests().slice(before);
		expect(mine.length).toBeGreaterThan(0);
		expect(mine.every((r) => r.token === `fabrikam#sp:${IDENTITY}`)).toBe(true);
		await n8n.deactivateWorkflow(stack.rest, workflowId);
	});

	test('neither the client secret nor any issued token is in n8n\'s logs or executions', async () => {
		const logs = stack.logs();
		expect(logs.length).toBeGreaterThan(1000);
		for (const secret of [CANARY, ...entra.tokens()]) expect(logs.includes(secret)).toBe(false);
		expect(workflowIds).toHaveLength(3);
		const executions: unknown[] = [];
		for (const id of workflowIds) {
			for (const summary of await n8n.listExecutions(stack.rest, id)) executions.push(await n8n.getExecution(stack.rest, stack.major, summary.id));
		}
		expect(executions.length).toBeGreaterThanOrEqual(4);
		const text = JSON.stringify(executions);
		for (const secret of [CANARY, ...entra.tokens()]) expect(text.includes(secret)).toBe(false);
	});
});
