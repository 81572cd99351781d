// The round trip on every Azure DevOps Server release, in one real n8n: for each collection of the emulator (Server
// 2019 / REST 5.0, 2020 / 6.0, 2022 / 7.0, 2022.1 / 7.1) a credential, the two example workflows pointed at it, a
// ticket that becomes a work item at the version that server speaks, and its closing that reaches the ticket as
// "Return from DevOps". (Azure DevOps Services runs the full round trip in roundtrip.e2e.test.ts.)
import * as crypto from 'crypto';

import { EMULATOR_PROFILES } from '../emulator';
import { example, majorUnderTest, n8n, startStack, waitForExecutions, type Stack } from './support';

const TRIGGER_NODE = 'Work item updated';
const SERVERS = EMULATOR_PROFILES.filter((profile) => profile.hosting === 'server');

/** An example workflow for one collection: its own credential, project and webhook paths, so copies do not clash. */
function forCollection(stack: Stack, file: string, credentialId: string, projectUrl: string, suffix: string) {
	const wf = example(stack, file) as { name?: string; nodes: Array<Record<string, unknown>> };
	wf.name = `${String(wf.name ?? file)} (${suffix})`;
	const exampleProject = stack.projectUrl;
	for (const node of wf.nodes) {
		if (typeof node.webhookId === 'string') node.webhookId = crypto.randomUUID();
		for (const cred of Object.values((node.credentials ?? {}) as Record<string, { id: string }>)) cred.id = credentialId;
		const p = node.parameters as Record<string, unknown>;
		if (p.path === 'ticket') p.path = `ticket-${suffix}`;
		if (typeof p.connectorSettings === 'string') p.connectorSettings = p.connectorSettings.split(exampleProject).join(projectUrl);
		const project = p.project as { value?: string } | undefined;
		if (project?.value === exampleProject) project.value = projectUrl;
	}
	return wf;
}

describe(`Azure DevOps Server collections, in a real n8n ${majorUnderTest()}.x`, () => {
	let stack: Stack;

	beforeAll(async () => {
		stack = await startStack({ major: majorUnderTest() });
	}, 300000);

	afterAll(async () => {
		await stack?.stop();
	}, 60000);

	test.each(SERVERS.map((profile) => [profile.serverVersion, profile] as const))(
		'%s: ticket -> work item at its REST version -> closed -> "Return from DevOps"; deactivation removes the subscription',
		async (_name, profile) => {
			const orgUrl = stack.emu.profileUrl(profile.name);
			const projectUrl = `${orgUrl}/${encodeURIComponent(profile.project)}`;
			const credential = (await stack.rest('POST', '/credentials', {
				name: `${profile.serverVersion} (e2e)`,
				type: 'azureDevOpsApi',
				data: { organizationUrl: orgUrl, accessToken: profile.token, allowHttp: true },
			})) as { id: string | number };
			const suffix = profile.name.replace('.', '-');

			const ticketWorkflowId = await stack.importWorkflow(forCollection(stack, 'ticket-to-azure-devops.json', String(credential.id), projectUrl, suffix));
			await n8n.activateWorkflow(stack.rest, ticketWorkflowId);
			const hook = `${stack.webhookBase}/webhook/ticket-${suffix}`;
			await n8n.waitForWebhook(hook);
			const ticketId = `HD-${suffix}`;
			const res = await n8n.request('POST', hook, {
				body: { TicketID: ticketId, TicketTitle: `Printer (${profile.serverVersion})`, LatestImportantMessage: 'Paper jam', TicketUrl: `https://servicedesk.example.com/tickets/${ticketId}`, state: 'Synchronization to DevOps' },
			});
			expect(res.status).toBe(200);
			const workItemId = Number(res.body.id);
			const creates = stack.emu.requests().filter((r) => r.organization === profile.organization && r.method === 'POST' && /\/_apis\/wit\/workitems\/\$/i.test(r.path));
			expect(creates.map((r) => [r.status, r.query['api-version']])).toEqual([[200, profile.maxApiVersion]]);

			const triggerWorkflowId = await stack.importWorkflow(forCollection(stack, 'azure-devops-back-to-ticket.json', String(credential.id), projectUrl, suffix));
			await n8n.activateWorkflow(stack.rest, triggerWorkflowId);
			const [subscription] = await n8n.waitFor(
				'the subscription in the collection',
				() => {
					const subs = stack.emu.hooks.subscriptions(profile.organization);
					return subs.length ? subs : undefined;
				},
				30000,
			);
			await n8n.waitForWebhook(subscription.consumerInputs.url);
			stack.emu.updateWorkItem(workItemId, { 'System.State': 'Closed' }, { organization: profile.organization });
			await stack.emu.hooks.flush();
			const [execution] = await waitForExecutions(stack, triggerWorkflowId, 1);
			expect(execution.status).toBe('success');
			const [event] = n8n.nodeOutput(execution, TRIGGER_NODE);
			expect(event).toEqual(expect.objectContaining({ workItemId, ticket: expect.objectContaining({ id: ticketId, state: 'Return from DevOps' }) }));

			await n8n.deactivateWorkflow(stack.rest, triggerWorkflowId);
			await n8n.waitFor('the subscription to be deleted', () => stack.emu.hooks.subscriptions(profile.organization).length === 0, 30000);
			await n8n.deactivateWorkflow(stack.rest, ticketWorkflowId);
			// nothing this collection was asked was refused for its version
			const refused = stack.emu.requests().filter((r) => r.organization === profile.organization && (r.status ?? 0) === 400);
			expect(refused.map((r) => `${r.method} ${r.path}`)).toEqual([]);
		},
		120000,
	);
});
