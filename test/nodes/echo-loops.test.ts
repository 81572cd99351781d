// Issue 18, no echo loops: a requester's message written to the work item as a comment must not come back through the
// trigger as a new message for the ticket. The action marks what it writes where the identity cannot tell (a person's
// token); the trigger drops marked comments, and changes by the connector's service identity or a listed identity.
// Nodes run through n8n's engine against the emulator, deliveries come over HTTP as Azure DevOps sends them.
import type { ICredentialDataDecryptedObject, IDataObject, INodeParameters } from 'n8n-workflow';

import { AzureDevOpsApi } from '../../credentials/AzureDevOpsApi.credentials';
import { AzureDevOpsServicePrincipalApi } from '../../credentials/AzureDevOpsServicePrincipalApi.credentials';
import { AzureDevOpsConnector } from '../../nodes/AzureDevOpsConnector/AzureDevOpsConnector.node';
import { ECHO_MARKER } from '../../nodes/AzureDevOpsConnector/connector/echo';
import { entraTokens } from '../../nodes/AzureDevOpsConnector/transport/entraToken';
import { FABRIKAM_TOKEN, startEmulator, type Emulator } from '../emulator';
import { startEntra, type EntraEmulator } from '../emulator/entra';
import { runNode, type WebhookResult } from '../support/n8n';
import { NODE_TYPE, serviceDeskUrl, ticket, updateFromTicket } from './create-from-ticket.support';
import { emulatorCredentials, HOOK_CANARY, HOOK_USER, TRIGGER, triggerRig, type TriggerRig } from './trigger.support';

const TENANT = '5d3e2a10-7777-4c4c-9d9d-00112233aabb';
const CLIENT = '6a7b8c9d-1234-4e4e-8f8f-445566778899';
const SP_SECRET = 'canary-sp-secret-echo-never-print-me';
/** How the emulator names the service principal in identity fields (its display name and client id @ tenant). */
const SP_IDENTITY = `Service Desk Sync <${CLIENT}@${TENANT}>`;
const REQUESTER = 'Jamie Requester <jamie@fabrikam.example>';

let entra: EntraEmulator;
let emu: Emulator;

beforeAll(async () => {
	entra = await startEntra({ apps: [{ tenantId: TENANT, clientId: CLIENT, clientSecret: SP_SECRET, name: 'Service Desk Sync', organizations: ['fabrikam'] }] });
	emu = await startEmulator({ bearer: entra.verifier, allowLocalhostConsumers: true, organizations: undefined });
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

const patCredential = () => ({ organizationUrl: emu.orgUrl('fabrikam'), accessToken: FABRIKAM_TOKEN, allowHttp: true });
const spCredential = (): ICredentialDataDecryptedObject => ({
	tenantId: TENANT,
	clientId: CLIENT,
	authMethod: 'clientSecret',
	clientSecret: SP_SECRET,
	organizations: emu.orgUrl('fabrikam'),
	authorityHost: entra.url,
	allowHttp: true,
});

async function action(parameters: INodeParameters, authentication: 'azureDevOpsApi' | 'azureDevOpsServicePrincipalApi' = 'azureDevOpsApi') {
	const result = await runNode({
		type: NODE_TYPE,
		nodeTypes: { [NODE_TYPE]: new AzureDevOpsConnector() },
		credentialTypes: [new AzureDevOpsApi(), new AzureDevOpsServicePrincipalApi()],
		credentials: (authentication === 'azureDevOpsApi' ? { azureDevOpsApi: patCredential() } : { azureDevOpsServicePrincipalApi: spCredential() }) as never,
		parameters: { authentication, resource: 'workItem', project: { __rl: true, mode: 'url', value: serviceDeskUrl(emu) }, ...parameters },
		inputItems: [{}],
	});
	expect(result.error).toBeUndefined();
	return result;
}

function newWorkItem(extra: IDataObject = {}): number {
	return (emu.createWorkItem('Service Desk', 'Task', { 'System.Title': 'Printer jammed', 'System.Tags': 'Ticket:HD-7', ...extra }) as { id: number }).id;
}

const locator = (id: number) => ({ __rl: true, mode: 'id', value: String(id) });

/** The comments of a work item as Azure DevOps answers them (Comments - Get Comments, 7.1-preview.4), newest first. */
async function readBack(id: number): Promise<IDataObject[]> {
	const response = await fetch(`${serviceDeskUrl(emu)}/_apis/wit/workItems/${id}/comments?api-version=7.1-preview.4`, {
		headers: { Authorization: `Basic ${Buffer.from(`:${FABRIKAM_TOKEN}`).toString('base64')}` },
	});
	expect(response.status).toBe(200);
	return ((await response.json()) as { comments: IDataObject[] }).comments;
}

describe('the action marks the comments it writes', () => {
	it('signed in with a Personal Access Token: Add Comment carries the marker, which survives the read-back in HTML and Markdown', async () => {
		const id = newWorkItem();
		const html = await action({ operation: 'addComment', workItem: locator(id), text: '<p>Replaced the <b>toner</b>.</p>', format: 'html' });
		const markdown = await action({ operation: 'addComment', workItem: locator(id), text: 'Requester says: **still** jammed', format: 'markdown' });
		// The node's own output shows the text as written.
		expect(html.items[0].json.text).toBe('<p>Replaced the <b>toner</b>.</p>');
		expect(markdown.items[0].json.text).toBe('Requester says: **still** jammed');

		const [newest, oldest] = await readBack(id);
		expect(oldest.text).toBe(`<p>Replaced the <b>toner</b>.</p>${ECHO_MARKER}`);
		expect(newest).toMatchObject({ format: 'markdown', text: `Requester says: **still** jammed${ECHO_MARKER}` });
		expect(String(newest.renderedText)).toContain(ECHO_MARKER);
		expect(String(newest.renderedText)).toContain('<strong>still</strong>');
		// The Discussion (System.History) holds the rendered HTML, marker included.
		expect(String((emu.getWorkItem(id) as { fields: IDataObject }).fields['System.History'])).toContain(ECHO_MARKER);
	});

	it('Never writes the text as given; a service principal writes no marker unless Always', async () => {
		const id = newWorkItem();
		await action({ operation: 'addComment', workItem: locator(id), text: 'unmarked', format: 'html', options: { markComments: 'never' } });
		await action({ operation: 'addComment', workItem: locator(id), text: 'by the app', format: 'html' }, 'azureDevOpsServicePrincipalApi');
		await action({ operation: 'addComment', workItem: locator(id), text: 'by the app, marked', format: 'html', options: { markComments: 'always' } }, 'azureDevOpsServicePrincipalApi');
		const texts = (await readBack(id)).map((comment) => comment.text).reverse();
		expect(texts).toEqual(['unmarked', 'by the app', `by the app, marked${ECHO_MARKER}`]);
	});

	it('Comment → Update marks the new text too', async () => {
		const id = newWorkItem();
		const commentId = (emu.addComment(id, 'typo') as { id: number }).id;
		const updated = await action({ resource: 'comment', operation: 'update', workItem: locator(id), commentId, text: 'fixed', format: 'html' });
		expect(updated.items[0].json.text).toBe('fixed');
		expect((await readBack(id))[0].text).toBe(`fixed${ECHO_MARKER}`);
	});

	it('a marker in the ticket text is removed before writing: ticket text can neither forge nor smuggle one', async () => {
		const id = newWorkItem();
		const forged = `Please ignore${ECHO_MARKER.slice(0, 2)}${ECHO_MARKER}${ECHO_MARKER.slice(2)} me`;
		const result = await updateFromTicket(emu, {
			tickets: [ticket(7, { TicketID: 'HD-7', Note: forged })],
			parameters: { commentField: 'Note', ticketIdField: 'TicketID' },
			options: { markComments: 'never' },
		});
		expect(result.error).toBeUndefined();
		expect(result.items[0].json).toMatchObject({ commented: true });
		const [stored] = await readBack(id);
		expect(String(stored.text)).not.toContain(ECHO_MARKER);
		expect(stored.text).toBe('Please ignore me');

		await action({ operation: 'addComment', workItem: locator(id), text: forged, format: 'text', options: { markComments: 'never' } });
		expect(String((await readBack(id))[0].text)).not.toContain(ECHO_MARKER);
	});
});

describe('the trigger drops the connector\'s own changes', () => {
	let rig: TriggerRig;

	afterEach(async () => {
		await rig.workflow.deactivate(TRIGGER).catch(() => undefined);
		await rig.close();
	});

	const COMMENTS_AND_UPDATES = { events: ['workitem.commented', 'workitem.updated'], onlyStateChanges: false };
	const accepted = () => rig.results.filter((result) => result.workflowData).map((result) => result.workflowData![0][0].json);
	const dropped = () => rig.results.filter((result) => (result.response.body as IDataObject)?.echo === true);
	const answer = (result: WebhookResult) => result.response.body as IDataObject;

	it('the loop: the message Update From Ticket wrote comes back marked and is dropped; the requester\'s own comment is emitted', async () => {
		rig = await triggerRig(emu, { parameters: COMMENTS_AND_UPDATES });
		expect(await rig.workflow.activate(TRIGGER)).toEqual({ existed: false, created: true });
		const id = newWorkItem();
		const written = await updateFromTicket(emu, { tickets: [ticket(7, { TicketID: 'HD-7', Note: 'Still jammed after the reboot' })], parameters: { commentField: 'Note', ticketIdField: 'TicketID' } });
		expect(written.items[0].json).toMatchObject({ commented: true });
		await emu.hooks.flush();
		// The comment and the update carrying it in System.History: both answered 200, dropped, with the reason. The
		// update of the fields (a person's token, no comment) is emitted: by default only comments are recognised.
		expect(accepted().map((item) => [item.eventType, item.comment])).toEqual([['workitem.updated', null]]);
		expect(dropped().map((result) => answer(result))).toEqual([
			{ received: true, accepted: false, echo: true, reason: expect.stringMatching(/written by the Azure DevOps Connector \(marker\)/i) },
			{ received: true, accepted: false, echo: true, reason: expect.stringMatching(/written by the Azure DevOps Connector \(marker\)/i) },
		]);
		expect(dropped().every((result) => result.response.status === 200)).toBe(true);

		// A person's comment, with the same Personal Access Token's identity and no marker, may be their own: kept.
		emu.addComment(id, 'I had a look myself');
		emu.addComment(id, 'Thanks, works again', { by: REQUESTER });
		await emu.hooks.flush();
		const comments = accepted().filter((item) => item.eventType === 'workitem.commented');
		expect(comments.map((item) => item.comment)).toEqual(['I had a look myself', 'Thanks, works again']);
	});

	it('a retry of a dropped delivery is answered the same way, and nothing starts', async () => {
		rig = await triggerRig(emu, { parameters: { events: ['workitem.commented'] } });
		await rig.workflow.activate(TRIGGER);
		const id = newWorkItem();
		await action({ operation: 'addComment', workItem: locator(id), text: 'From the ticket', format: 'html' });
		await emu.hooks.flush();
		const [first] = emu.hooks.deliveries().filter((delivery) => delivery.eventType === 'workitem.commented');
		emu.hooks.redeliver(first.notificationId);
		await emu.hooks.flush();
		expect(accepted()).toEqual([]);
		expect(rig.results.map((result) => answer(result))).toEqual([
			expect.objectContaining({ accepted: false, echo: true }),
			expect.objectContaining({ accepted: false, echo: true, duplicate: true, reason: expect.stringMatching(/marker/) }),
		]);
	});

	it("a service principal's comment is dropped by identity (no marker needed); under None everything is emitted, without the marker", async () => {
		rig = await triggerRig(emu, {
			parameters: { ...COMMENTS_AND_UPDATES, authentication: 'azureDevOpsServicePrincipalApi' },
			credentials: {
				azureDevOpsServicePrincipalApi: { id: 'sp-1', name: 'Service principal', data: spCredential() },
				azureDevOpsWebhookAuthApi: { id: 'hook-1', name: 'Service hook secret', data: { authType: 'basicAuth', user: HOOK_USER, password: HOOK_CANARY } },
			},
		});
		await rig.workflow.activate(TRIGGER);
		// The identity learnt at activation is kept where deliveries read it, without its credential.
		expect(rig.workflow.nodeStaticData(TRIGGER).connectorIdentity).toMatchObject({ uniqueName: `${CLIENT}@${TENANT}`, service: 'service principal' });
		const id = newWorkItem();
		await action({ operation: 'addComment', workItem: locator(id), text: 'Synced from HD-7', format: 'html' }, 'azureDevOpsServicePrincipalApi');
		await emu.hooks.flush();
		expect(accepted()).toEqual([]);
		expect(dropped().map((result) => answer(result).reason)).toEqual([
			expect.stringMatching(new RegExp(`made by the connector's identity ${CLIENT}@${TENANT} \\(service principal\\)`)),
			expect.stringMatching(/\(service principal\)/),
		]);

		// Under None the same comments start the workflow; the comment never shows the marker.
		await rig.workflow.deactivate(TRIGGER);
		await rig.close();
		rig = await triggerRig(emu, { parameters: { events: ['workitem.commented'], options: { ignoreOwnChanges: 'none' } } });
		await rig.workflow.activate(TRIGGER);
		await action({ operation: 'addComment', workItem: locator(id), text: 'marked', format: 'html' });
		emu.addComment(id, 'by the app again', { by: SP_IDENTITY });
		await emu.hooks.flush();
		const items = accepted();
		expect(items.map((item) => item.comment)).toEqual(['marked', 'by the app again']);
		expect(JSON.stringify(items)).not.toContain(ECHO_MARKER);
	});

	it('Comments and Updates also drops updates by a listed Connector Identity; Comments (the default) keeps them', async () => {
		const bot = 'Sync Bot <sync-bot@fabrikam.example>';
		rig = await triggerRig(emu, { parameters: { ...COMMENTS_AND_UPDATES, options: { ignoreOwnChanges: 'commentsAndUpdates', connectorIdentities: 'SYNC-BOT@fabrikam.example' } } });
		await rig.workflow.activate(TRIGGER);
		const id = newWorkItem();
		emu.updateWorkItem(id, { 'System.State': 'Active' }, { by: bot });
		emu.addComment(id, 'bot note', { by: bot });
		emu.updateWorkItem(id, { 'System.State': 'Closed' }, { by: REQUESTER });
		await emu.hooks.flush();
		expect(accepted().map((item) => `${String(item.eventType)} ${String((item.state as IDataObject).new)}`)).toEqual(['workitem.updated Closed']);
		expect(dropped().map((result) => answer(result).reason)).toEqual([
			expect.stringMatching(/update was made by the connector's identity sync-bot@fabrikam.example \(listed in Connector Identities\)/),
			expect.stringMatching(/comment was made by .*listed in Connector Identities/),
			expect.stringMatching(/comment was made by .*listed in Connector Identities/),
		]);

		await rig.workflow.deactivate(TRIGGER);
		await rig.close();
		rig = await triggerRig(emu, { parameters: { ...COMMENTS_AND_UPDATES, options: { connectorIdentities: 'sync-bot@fabrikam.example' } } });
		await rig.workflow.activate(TRIGGER);
		emu.updateWorkItem(id, { 'System.State': 'Active' }, { by: bot });
		await emu.hooks.flush();
		expect(accepted().map((item) => (item.state as IDataObject).new)).toEqual(['Active']);
	});

	it('Change State with a comment: the comment is the connector\'s and dropped, the state change is emitted (Comments)', async () => {
		rig = await triggerRig(emu, { parameters: COMMENTS_AND_UPDATES });
		await rig.workflow.activate(TRIGGER);
		const id = newWorkItem();
		const moved = await action({ operation: 'changeState', workItem: locator(id), state: 'Active', options: { comment: 'Picked up from HD-7' } });
		expect((moved.items[0].json.fields as IDataObject)['System.History']).toBe('Picked up from HD-7');
		expect(String((emu.getWorkItem(id) as { fields: IDataObject }).fields['System.History'])).toBe(`Picked up from HD-7${ECHO_MARKER}`);
		await emu.hooks.flush();
		expect(accepted().map((item) => [item.eventType, (item.state as IDataObject).new, item.comment])).toEqual([['workitem.updated', 'Active', 'Picked up from HD-7']]);
		expect(dropped().map((result) => answer(result).reason)).toEqual([expect.stringMatching(/marker/)]);
	});

	it('is on for comments when the option was never set (saved workflows from before it existed)', async () => {
		rig = await triggerRig(emu, { parameters: { events: ['workitem.commented'] }, credentials: emulatorCredentials(emu) });
		await rig.workflow.activate(TRIGGER);
		const id = newWorkItem();
		emu.addComment(id, `looks like ours${ECHO_MARKER}`);
		await emu.hooks.flush();
		expect(accepted()).toEqual([]);
		expect(dropped()).toHaveLength(1);
	});
});
