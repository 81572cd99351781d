// The round trip a user builds, in a real n8n with the built package installed as a community package:
// a ticket becomes a work item (Create From Ticket), the work item is closed in Azure DevOps, the service hook
// reaches the trigger, and n8n records an execution that hands the ticket its new state.
import { FABRIKAM_TOKEN } from '../emulator';
import { example, n8n, startStack, waitForExecutions, type Stack, type StackOptions } from './support';

const TICKET = {
	TicketID: 'HD-42',
	TicketTitle: 'Printer on floor 3 is offline <urgent>',
	LatestImportantMessage: 'Paper jam & toner low',
	TicketUrl: 'https://servicedesk.example.com/tickets/HD-42',
	state: 'Synchronization to DevOps',
};
const TRIGGER_NODE = 'Work item updated';
const RECORD_NODE = 'Ticket update (hand to the service desk here)';

/** The round trip, tests 1-4 of the end-to-end issue, against one n8n set-up (regular or queue mode). */
export function roundTripSuite(title: string, options: StackOptions & { major: 1 | 2 }): void {
	describe(title, () => {
		let stack: Stack;
		let ticketWorkflowId: string;
		let triggerWorkflowId: string;
		let workItemId: number;

		beforeAll(async () => {
			stack = await startStack(options);
			console.log(`n8n ${stack.version} on ${stack.main.url}; emulator on ${stack.emu.url}`);
		}, 300000);

		afterAll(async () => {
			await stack?.stop();
		}, 60000);

		test('the package is loaded as a community package: both nodes and the credentials are known to n8n', async () => {
			// the editor reads node and credential types from these two files
			const headers = stack.rest.headers;
			const types = await n8n.request('GET', `${stack.main.url}/types/nodes.json`, { headers });
			expect(types.status).toBe(200);
			const names = (types.body as Array<{ name: string }>).map((t) => t.name);
			expect(names).toEqual(
				expect.arrayContaining([
					'n8n-nodes-azure-devops-connector.azureDevOpsConnector',
					'n8n-nodes-azure-devops-connector.azureDevOpsConnectorTrigger',
				]),
			);
			const creds = await n8n.request('GET', `${stack.main.url}/types/credentials.json`, { headers });
			expect(creds.status).toBe(200);
			const credNames = (creds.body as Array<{ name: string }>).map((t) => t.name);
			expect(credNames).toEqual(expect.arrayContaining(['azureDevOpsApi', 'azureDevOpsMultiOrgApi', 'azureDevOpsWebhookAuthApi']));
		});

		test('1. a ticket posted to the example workflow becomes one work item with the rendered fields, the link and the tag', async () => {
			ticketWorkflowId = await stack.importWorkflow(example(stack, 'ticket-to-azure-devops.json'));
			await n8n.activateWorkflow(stack.rest, ticketWorkflowId);
			const hook = `${stack.webhookBase}/webhook/ticket`;
			await n8n.waitForWebhook(hook);

			const res = await n8n.request('POST', hook, { body: TICKET });
			expect(res.status).toBe(200);
			// the webhook answers with the last node's output: the work item as Azure DevOps returned it
			workItemId = res.body.id;
			expect(typeof workItemId).toBe('number');

			const wi = stack.emu.getWorkItem(workItemId) as {
				fields: Record<string, unknown>;
				relations?: Array<{ rel: string; url: string }>;
			};
			expect(wi).toBeDefined();
			// plain-text fields verbatim, HTML fields (Description) with the ticket's text escaped
			expect(wi.fields['System.Title']).toBe(TICKET.TicketTitle);
			expect(wi.fields['System.Description']).toBe('Paper jam &amp; toner low');
			expect(wi.fields['System.WorkItemType']).toBe('Task');
			expect(wi.fields['System.TeamProject']).toBe('Service Desk');
			expect(
				String(wi.fields['System.Tags'])
					.split(';')
					.map((t) => t.trim()),
			).toContain('Ticket:HD-42');
			expect(wi.relations).toEqual(expect.arrayContaining([expect.objectContaining({ rel: 'Hyperlink', url: TICKET.TicketUrl })]));

			// exactly one create reached Azure DevOps, and n8n recorded one successful execution
			const creates = stack.emu.requests().filter((r) => r.method === 'POST' && /\/_apis\/wit\/workitems\/\$/i.test(r.path));
			expect(creates).toHaveLength(1);
			const [execution] = await waitForExecutions(stack, ticketWorkflowId, 1);
			expect(execution.status).toBe('success');

			// the same ticket again: the existing work item comes back, nothing new is created
			const again = await n8n.request('POST', hook, { body: TICKET });
			expect(again.status).toBe(200);
			expect(again.body.id).toBe(workItemId);
			expect(stack.emu.requests().filter((r) => r.method === 'POST' && /\/_apis\/wit\/workitems\/\$/i.test(r.path))).toHaveLength(1);
		});

		test('2. the trigger registers its subscription; closing the work item gives an execution with the ticket and "Return from DevOps"', async () => {
			expect(workItemId).toBeDefined();
			triggerWorkflowId = await stack.importWorkflow(example(stack, 'azure-devops-back-to-ticket.json'));
			expect(stack.emu.hooks.subscriptions('fabrikam')).toHaveLength(0);
			await n8n.activateWorkflow(stack.rest, triggerWorkflowId);

			const subs = await n8n.waitFor(
				'the service-hook subscription',
				() => {
					const s = stack.emu.hooks.subscriptions('fabrikam');
					return s.length ? s : undefined;
				},
				30000,
			);
			expect(subs).toHaveLength(1);
			expect(subs[0].eventType).toBe('workitem.updated');
			expect(subs[0].consumerInputs.url).toMatch(new RegExp(`^${stack.webhookBase}/webhook/`));
			// the production webhook must be live before Azure DevOps delivers
			await n8n.waitForWebhook(subs[0].consumerInputs.url);

			// a change that is not a state change is filtered out by the subscription or the trigger: no execution
			stack.emu.updateWorkItem(workItemId, {
				'System.Title': `${TICKET.TicketTitle} (edited)`,
			});
			await stack.emu.hooks.flush();
			// "Closed" in Azure DevOps
			stack.emu.updateWorkItem(workItemId, { 'System.State': 'Closed' }, { by: 'Jamal Hartnett' });
			await stack.emu.hooks.flush();
			const deliveries = stack.emu.hooks.deliveries();
			expect(deliveries.at(-1)?.status).toBe(200);
			expect(JSON.parse(deliveries.at(-1)?.responseBody ?? '{}')).toEqual({
				received: true,
				accepted: true,
			});

			const executions = await waitForExecutions(stack, triggerWorkflowId, 1);
			await n8n.sleep(1500); // nothing else may arrive late
			expect(await n8n.listExecutions(stack.rest, triggerWorkflowId)).toHaveLength(1);
			const [execution] = executions;
			expect(execution.status).toBe('success');
			expect(execution.mode).toBe('webhook');
			const [event] = n8n.nodeOutput(execution, TRIGGER_NODE);
			expect(event.ticket).toEqual(expect.objectContaining({ id: 'HD-42', state: 'Return from DevOps' }));
			expect(event).toEqual(
				expect.objectContaining({
					eventType: 'workitem.updated',
					workItemId,
					state: expect.objectContaining({ new: 'Closed', changed: true }),
				}),
			);
			if (options.queue) {
				// the delivery reached the webhook processor, never the main instance, and a worker ran the execution
				const [main, worker, webhook] = stack.processes;
				expect(webhook.log()).toMatch(/Received webhook "POST" for path "[^"]+\/webhook"/);
				expect(main.log()).not.toMatch(/Received webhook/);
				expect(worker.log()).toContain(`Worker started execution ${execution.id} `);
			}
			const [recorded] = n8n.nodeOutput(execution, RECORD_NODE);
			expect(recorded).toEqual(
				expect.objectContaining({
					TicketID: 'HD-42',
					NewTicketState: 'Return from DevOps',
				}),
			);

			// Azure DevOps retries a delivery it thinks failed: the same notification again gives no second execution
			stack.emu.hooks.redeliver(deliveries.at(-1)!.notificationId);
			await stack.emu.hooks.flush();
			expect(stack.emu.hooks.deliveries().at(-1)?.status).toBe(200);
			expect(JSON.parse(stack.emu.hooks.deliveries().at(-1)?.responseBody ?? '{}')).toEqual(
				expect.objectContaining({ accepted: false, duplicate: true }),
			);
			await n8n.sleep(1500);
			expect(await n8n.listExecutions(stack.rest, triggerWorkflowId)).toHaveLength(1);
		});

		test('4. a delivery with a wrong secret gets 401, a body that is no delivery a 4xx with a code, and n8n records no execution', async () => {
			const [sub] = stack.emu.hooks.subscriptions('fabrikam');
			const url = sub.consumerInputs.url;
			const delivered = stack.emu.hooks.deliveries().at(-1)!;
			const body = {
				...(delivered.payload as Record<string, unknown>),
				notificationId: 9999,
				id: 'a0000000-0000-4000-8000-000000000001',
			};
			const before = (await n8n.listExecutions(stack.rest, triggerWorkflowId)).length;
			const wrong = `Basic ${Buffer.from(`${sub.consumerInputs.basicAuthUsername ?? 'azure-devops'}:not-the-secret`).toString('base64')}`;
			for (const headers of [{ authorization: wrong }, {} as Record<string, string>]) {
				const res = await n8n.request('POST', url, { body, headers });
				expect(res.status).toBe(401);
				expect(res.text).toMatch(/AZDC-3\d{3}/);
			}
			// with the right secret, bodies that are not a delivery get a 4xx with a code, never a 5xx or an execution
			const authorization = Object.entries(delivered.headers).find(([k]) => k.toLowerCase() === 'authorization')?.[1];
			expect(authorization).toMatch(/^Basic /);
			// (JSON that does not parse never reaches a node: n8n's own body parser answers 422 first)
			const cases: Array<[string, string, RegExp]> = [
				['application/json', '{"eventType": "workitem.updated", "resource": ', /Failed to parse request body|AZDC-3\d{3}/],
				['text/plain', 'not a delivery', /AZDC-3\d{3}/],
				['application/xml', '<delivery/>', /AZDC-3\d{3}/],
				['application/json', '[]', /AZDC-3\d{3}/],
				['application/json', '{"eventType":"workitem.updated","resource":{"id":"x"}}', /AZDC-3\d{3}/],
			];
			for (const [contentType, raw, answer] of cases) {
				const res = await n8n.request('POST', url, { raw, headers: { authorization: authorization!, 'content-type': contentType } });
				expect({ raw, status: res.status >= 400 && res.status < 500, text: res.text }).toEqual({
					raw,
					status: true,
					text: expect.stringMatching(answer),
				});
			}
			await n8n.sleep(2000);
			expect(await n8n.listExecutions(stack.rest, triggerWorkflowId)).toHaveLength(before);
		});

		test('3. deactivating the workflow removes its subscription from Azure DevOps', async () => {
			expect(stack.emu.hooks.subscriptions('fabrikam')).toHaveLength(1);
			await n8n.deactivateWorkflow(stack.rest, triggerWorkflowId);
			await n8n.waitFor('the subscription to be deleted', () => stack.emu.hooks.subscriptions('fabrikam').length === 0, 30000);
			const deletes = stack.emu.requests().filter((r) => r.method === 'DELETE' && /\/_apis\/hooks\/subscriptions\//i.test(r.path));
			expect(deletes).toHaveLength(1);
		});

		test('the access token appears in no n8n log line and no execution data', async () => {
			const executions = [
				...(await n8n.listExecutions(stack.rest, ticketWorkflowId)),
				...(await n8n.listExecutions(stack.rest, triggerWorkflowId)),
			];
			expect(executions.length).toBeGreaterThanOrEqual(3);
			const base64 = Buffer.from(`:${FABRIKAM_TOKEN}`).toString('base64');
			for (const e of executions) {
				const full = await stack.rest.raw('GET', `/executions/${e.id}`);
				expect(full.status).toBe(200);
				expect(full.text).not.toContain(FABRIKAM_TOKEN);
				expect(full.text).not.toContain(base64);
			}
			const logs = stack.logs();
			expect(logs.length).toBeGreaterThan(1000); // debug logging was on: there is something to scan
			expect(logs).not.toContain(FABRIKAM_TOKEN);
			expect(logs).not.toContain(base64);
		});
	});
}
