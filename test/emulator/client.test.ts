// Microsoft's own client talking to the emulator over HTTP: if azure-devops-node-api can use it
// without special cases, the emulator speaks Azure DevOps and not only our idea of it.
import * as azdev from 'azure-devops-node-api';
import { ClientApiBase } from 'azure-devops-node-api/ClientApiBases';
import type { IRequestHandler } from 'azure-devops-node-api/interfaces/common/VsoBaseInterfaces';
import { Operation } from 'azure-devops-node-api/interfaces/common/VSSInterfaces';
import { startEmulator, FABRIKAM_TOKEN, SERVER_TOKEN, type Emulator } from './index';

/** The package has no service-hooks client; this one uses the package's own location discovery and REST stack. */
class HooksClient extends ClientApiBase {
	constructor(baseUrl: string, handlers: IRequestHandler[]) {
		super(baseUrl, handlers, 'node-ServiceHooks-api');
	}

	private async url(subscriptionId?: string) {
		return this.vsoClient.getVersioningData('7.1', 'hooks', 'fc50d02a-849f-41fb-8af1-0a5216103269', { subscriptionId });
	}

	async createSubscription(body: object): Promise<Record<string, unknown>> {
		const v = await this.url();
		return (await this.rest.create<Record<string, unknown>>(String(v.requestUrl), body, this.createRequestOptions('application/json', v.apiVersion))).result!;
	}

	async getSubscription(id: string): Promise<Record<string, unknown> | null> {
		const v = await this.url(id);
		return (await this.rest.get<Record<string, unknown>>(String(v.requestUrl), this.createRequestOptions('application/json', v.apiVersion))).result;
	}

	async deleteSubscription(id: string): Promise<number> {
		const v = await this.url(id);
		return (await this.rest.del(String(v.requestUrl), this.createRequestOptions('application/json', v.apiVersion))).statusCode;
	}
}

describe('Microsoft azure-devops-node-api against the emulator', () => {
	let emu: Emulator;
	let conn: azdev.WebApi;
	const project = 'Fabrikam Fiber';
	const titleOps = (title: string) => [{ op: Operation.Add, path: '/fields/System.Title', value: title }];

	beforeAll(async () => {
		emu = await startEmulator({ allowLocalhostConsumers: true });
	});
	afterAll(async () => emu.stop());
	beforeEach(() => {
		emu.reset();
		conn = new azdev.WebApi(`${emu.url}/fabrikam`, azdev.getPersonalAccessTokenHandler(FABRIKAM_TOKEN));
	});
	afterEach(() => {
		// Every call the client made must be one the real service accepts.
		expect(emu.specViolations()).toEqual([]);
	});

	it('connects, lists projects, and discovers resource locations', async () => {
		const data = await conn.connect();
		expect(data.authenticatedUser?.providerDisplayName).toBe('Jamal Hartnett');
		expect(data.instanceId).toMatch(/^[0-9a-f-]{36}$/);
		const core = await conn.getCoreApi();
		const projects = await core.getProjects();
		expect(projects.map((p) => p.name).sort()).toEqual(['Fabrikam Fiber', 'Service Desk']);
		const one = await core.getProject('Service Desk');
		expect(one.id).toBe(projects.find((p) => p.name === 'Service Desk')!.id);
		const options = emu.requests().filter((r) => r.method === 'OPTIONS').map((r) => r.path);
		expect(options).toEqual(expect.arrayContaining(['/fabrikam/_apis/Location', '/fabrikam/_apis/core']));
		expect(emu.requests().every((r) => r.token === undefined || r.token === 'fabrikam#0')).toBe(true);
	});

	it('reads work item types and their states', async () => {
		const wit = await conn.getWorkItemTrackingApi();
		const types = await wit.getWorkItemTypes(project);
		expect(types.map((t) => t.name)).toEqual(['Task', 'Bug', 'User Story', 'Epic']);
		const states = await wit.getWorkItemTypeStates(project, 'Bug');
		expect(states.map((s) => s.name)).toEqual(['New', 'Active', 'Resolved', 'Closed']);
		const story = await wit.getWorkItemType(project, 'User Story');
		expect(story.states?.map((s) => s.name)).toContain('Removed');
	});

	it('creates, reads and updates a work item', async () => {
		const wit = await conn.getWorkItemTrackingApi();
		const created = await wit.createWorkItem(null, [...titleOps('Printer on floor 3 is jammed'), { op: Operation.Add, path: '/fields/System.Tags', value: 'ticket-42' }], project, 'Task');
		expect(created.id).toBe(1);
		expect(created.rev).toBe(1);
		expect(created.fields?.['System.State']).toBe('New');
		expect(created.fields?.['System.TeamProject']).toBe(project);
		expect(created.fields?.['System.CreatedBy']?.displayName).toBe('Jamal Hartnett');
		expect(created._links?.html?.href).toBe(`${emu.url}/fabrikam/Fabrikam%20Fiber/_workitems/edit/1`);
		// The create call sends api-version in the Accept header and the type as `$Task`.
		const post = emu.requests().find((r) => r.method === 'POST')!;
		expect(post.path).toBe('/fabrikam/Fabrikam%20Fiber/_apis/wit/workitems/$Task');
		expect(post.headers.accept).toContain('api-version=7.1-preview.3');

		const updated = await wit.updateWorkItem(null, [{ op: Operation.Add, path: '/fields/System.State', value: 'Active' }], 1);
		expect(updated.rev).toBe(2);
		expect(updated.fields?.['System.Reason']).toBe('Implementation started');
		const read = await wit.getWorkItem(1, ['System.Title', 'System.State']);
		expect(read.fields).toEqual({ 'System.Title': 'Printer on floor 3 is jammed', 'System.State': 'Active' });
		await wit.createWorkItem(null, titleOps('Second'), project, 'Bug');
		const many = await wit.getWorkItems([1, 2], ['System.Id', 'System.WorkItemType']);
		expect(many.map((w) => w.fields?.['System.WorkItemType'])).toEqual(['Task', 'Bug']);
		const batch = await wit.getWorkItemsBatch({ ids: [2, 1], fields: ['System.Title'] } as never);
		expect(batch.map((w) => w.id)).toEqual([2, 1]);
	});

	it('queries with WIQL in a project context', async () => {
		const wit = await conn.getWorkItemTrackingApi();
		await wit.createWorkItem(null, [...titleOps('VPN down'), { op: Operation.Add, path: '/fields/System.Tags', value: 'ticket-7; vpn' }], project, 'Task');
		await wit.createWorkItem(null, titleOps('Other project item'), 'Service Desk', 'Task');
		const result = await wit.queryByWiql(
			{ query: "SELECT [System.Id] FROM WorkItems WHERE [System.TeamProject] = @project AND [System.Tags] CONTAINS 'TICKET-7' ORDER BY [System.Id]" },
			{ project } as never,
		);
		expect(result.workItems?.map((w) => w.id)).toEqual([1]);
		expect(result.columns?.[0].referenceName).toBe('System.Id');
	});

	it('adds and lists comments (preview resource), and deletes and restores through the recycle bin', async () => {
		const wit = await conn.getWorkItemTrackingApi();
		await wit.createWorkItem(null, titleOps('Laptop battery'), project, 'Task');
		const comment = await wit.addComment({ text: 'Customer called back' }, project, 1);
		expect(comment.text).toBe('Customer called back');
		const list = await wit.getComments(project, 1);
		expect(list.comments?.map((c) => c.text)).toEqual(['Customer called back']);
		expect(emu.getWorkItem(1)?.rev).toBe(2);

		const deleted = await wit.deleteWorkItem(1, project);
		expect(deleted.id).toBe(1);
		// typed-rest-client turns a 404 into null; the emulator answered the service's 404.
		expect(await wit.getWorkItem(1)).toBeNull();
		expect(emu.requests().at(-1)?.status).toBe(404);
		const inBin = await wit.getDeletedWorkItem(1, project);
		expect(inBin.name).toBe('Laptop battery');
		await wit.restoreWorkItem({ isDeleted: false }, 1, project);
		expect((await wit.getWorkItem(1)).fields?.['System.Title']).toBe('Laptop battery');
	});

	it('creates, reads and deletes a service-hook subscription with secrets masked', async () => {
		const hooks = new HooksClient(`${emu.url}/fabrikam`, [azdev.getPersonalAccessTokenHandler(FABRIKAM_TOKEN)]);
		const created = await hooks.createSubscription({
			publisherId: 'tfs',
			eventType: 'workitem.updated',
			resourceVersion: '1.0',
			consumerId: 'webHooks',
			consumerActionId: 'httpRequest',
			publisherInputs: { projectId: emu.projects()[0].id, changedFields: 'System.State' },
			consumerInputs: { url: 'http://127.0.0.1:9/hook', basicAuthUsername: 'n8n', basicAuthPassword: 's3cret' },
		});
		const id = String(created.id);
		const read = await hooks.getSubscription(id);
		expect((read?.consumerInputs as Record<string, string>).basicAuthPassword).toBe('********');
		expect(await hooks.deleteSubscription(id)).toBe(204);
		expect(await hooks.getSubscription(id)).toBeNull();
	});

	it('works against an Azure DevOps Server collection under /tfs/', async () => {
		const server = new azdev.WebApi(`${emu.url}/tfs/DefaultCollection`, azdev.getPersonalAccessTokenHandler(SERVER_TOKEN));
		const projects = await (await server.getCoreApi()).getProjects();
		expect(projects.map((p) => p.name)).toEqual(['Fabrikam Fiber']);
		const wit = await server.getWorkItemTrackingApi();
		const created = await wit.createWorkItem(null, titleOps('On-prem item'), 'Fabrikam Fiber', 'Bug');
		expect(created.url).toBe(`${emu.url}/tfs/DefaultCollection/_apis/wit/workItems/1`);
		// Server 7.1 has no 7.2: the client falls back to what the location service offers.
		const projectCall = emu.requests().find((r) => r.path.endsWith('/_apis/projects'))!;
		expect(projectCall.headers.accept).toContain('api-version=7.1');
	});
});
