// The service's contracts, raw on the wire: paging (x-ms-continuationtoken, continuationToken + nextPage),
// filters on lists, enums by name and by number, revisions and updates, the recycle bin, tags.
import { startEmulator, EMULATOR_PROFILES, FABRIKAM_TOKEN, type Emulator } from './index';
import { call } from './support';

describe('The service\'s contracts', () => {
	let emu: Emulator;
	const org = () => `${emu.url}/fabrikam`;
	const get = (path: string) => call('GET', `${org()}/${path}`, { token: FABRIKAM_TOKEN });
	const newTask = (fields: Record<string, unknown> = {}) => Number(emu.createWorkItem('Fabrikam Fiber', 'Task', { 'System.Title': 'Printer jammed', ...fields }).id);

	beforeAll(async () => {
		emu = await startEmulator();
	});
	afterAll(async () => emu.stop());
	beforeEach(() => emu.reset());
	afterEach(() => expect(emu.specViolations()).toEqual([]));

	it('projects: $top pages and x-ms-continuationtoken says where the next page starts (Projects - List)', async () => {
		const first = await get('_apis/projects?$top=1&api-version=7.1');
		expect([(first.json.value as Array<{ name: string }>).map((p) => p.name), first.headers['x-ms-continuationtoken']]).toEqual([['Fabrikam Fiber'], '1']);
		const next = await get('_apis/projects?$top=1&continuationToken=1&api-version=7.1');
		expect([(next.json.value as Array<{ name: string }>).map((p) => p.name), next.headers['x-ms-continuationtoken']]).toEqual([['Service Desk'], undefined]);
		expect((await get('_apis/projects?stateFilter=deleting&api-version=7.1')).json.count).toBe(0);
	});

	it('comments: $top pages with continuationToken and nextPage; order and $expand by name or number', async () => {
		const id = newTask();
		for (const text of ['one', 'two', 'three']) emu.addComment(id, text);
		const path = `Fabrikam%20Fiber/_apis/wit/workItems/${id}/comments`;
		const page = await get(`${path}?$top=2&order=asc&api-version=7.1-preview.4`);
		expect((page.json.comments as Array<{ text: string }>).map((c) => c.text)).toEqual(['one', 'two']);
		expect(page.json.nextPage).toBe(`${emu.url}/fabrikam/${emu.projects()[0].id}/_apis/wit/workItems/${id}/comments?%24top=2&order=asc&api-version=7.1-preview.4&continuationToken=${String(page.json.continuationToken)}`);
		const rest = await get(`${path}?$top=2&order=1&$expand=0&continuationToken=${String(page.json.continuationToken)}&api-version=7.1-preview.4`);
		expect([(rest.json.comments as Array<{ text: string }>).map((c) => c.text), rest.json.continuationToken, rest.json.nextPage]).toEqual([['three'], undefined, undefined]);
		const desc = await get(`${path}?order=2&api-version=7.1-preview.4`);
		expect((desc.json.comments as Array<{ text: string }>)[0].text).toBe('three');
	});

	it('work items: $expand and errorPolicy by name or by number, in the query and in the batch body', async () => {
		const id = newTask();
		for (const expand of ['all', '4']) {
			const res = await get(`Fabrikam%20Fiber/_apis/wit/workitems/${id}?$expand=${expand}&api-version=7.1`);
			expect(res.json._links).toBeDefined();
		}
		for (const policy of ['omit', '2']) {
			const res = await get(`_apis/wit/workitems?ids=${id},99&errorPolicy=${policy}&api-version=7.1`);
			expect(res.json.value).toEqual([expect.objectContaining({ id }), null]);
		}
		for (const body of [{ ids: [id, 99], errorPolicy: 'omit', $expand: 'fields' }, { ids: [id, 99], errorPolicy: 2, $expand: 2 }]) {
			const res = await call('POST', `${org()}/_apis/wit/workitemsbatch?api-version=7.1`, { token: FABRIKAM_TOKEN, body });
			expect(res.status).toBe(200);
			expect(res.json.value).toEqual([expect.not.objectContaining({ _links: expect.anything() }), null]);
		}
		// A number that is no value of the enum is refused like a wrong name (and recorded as a violation).
		const wrong = await get(`Fabrikam%20Fiber/_apis/wit/workitems/${id}?$expand=9&api-version=7.1`);
		expect(wrong.status).toBe(400);
		expect(emu.specViolations().map((v) => v.kind)).toEqual(['invalid-parameter']);
		emu.reset();
	});

	it('revisions and updates: every revision, what changed in each, $top and $skip', async () => {
		const id = newTask();
		emu.updateWorkItem(id, { 'System.State': 'Active' });
		emu.updateWorkItem(id, { 'System.Title': 'Printer fixed' });
		const revisions = await get(`Fabrikam%20Fiber/_apis/wit/workItems/${id}/revisions?$skip=1&$top=5&api-version=7.1`);
		expect((revisions.json.value as Array<{ rev: number }>).map((r) => r.rev)).toEqual([2, 3]);
		const updates = await get(`Fabrikam%20Fiber/_apis/wit/workItems/${id}/updates?api-version=7.1`);
		const value = updates.json.value as Array<{ rev: number; fields: Record<string, { oldValue?: unknown; newValue?: unknown }> }>;
		expect(value[0].fields['System.Title']).toEqual({ newValue: 'Printer jammed' });
		expect(value[1].fields['System.State']).toEqual({ oldValue: 'New', newValue: 'Active' });
		expect(value[2].fields['System.Title']).toEqual({ oldValue: 'Printer jammed', newValue: 'Printer fixed' });
		expect((await get(`Fabrikam%20Fiber/_apis/wit/workItems/${id}/updates/9?api-version=7.1`)).status).toBe(404);
	});

	it('recycle bin: the list holds the project\'s deleted work items only, as { id, url }', async () => {
		const a = newTask();
		const b = Number(emu.createWorkItem('Service Desk', 'Task', { 'System.Title': 'elsewhere' }).id);
		newTask();
		emu.deleteWorkItem(a);
		emu.deleteWorkItem(b);
		const res = await get('Fabrikam%20Fiber/_apis/wit/recyclebin?api-version=7.1');
		expect(res.json).toEqual({ count: 1, value: [{ id: a, url: `${emu.url}/fabrikam/_apis/wit/recycleBin/${a}` }] });
	});

	it('tags: one definition per name across work items; renaming and deleting change every work item, without a revision', async () => {
		const a = newTask({ 'System.Tags': 'printer; Ticket:1' });
		const b = newTask({ 'System.Tags': 'Printer' });
		const tags = await get('Fabrikam%20Fiber/_apis/wit/tags?api-version=7.1');
		expect((tags.json.value as Array<{ name: string }>).map((t) => t.name)).toEqual(['printer', 'Ticket:1']);
		const rename = await call('PATCH', `${org()}/Fabrikam%20Fiber/_apis/wit/tags/printer?api-version=7.1`, { token: FABRIKAM_TOKEN, body: { name: 'hardware' } });
		expect(rename.json.name).toBe('hardware');
		expect([emu.getWorkItem(a)!.fields, emu.getWorkItem(b)!.fields].map((f) => (f as Record<string, unknown>)['System.Tags'])).toEqual(['hardware; Ticket:1', 'hardware']);
		expect(emu.getWorkItem(a)!.rev).toBe(1);
		const del = await call('DELETE', `${org()}/Fabrikam%20Fiber/_apis/wit/tags/hardware?api-version=7.1`, { token: FABRIKAM_TOKEN });
		expect([del.status, del.text]).toEqual([200, '']);
		expect((emu.getWorkItem(b)!.fields as Record<string, unknown>)['System.Tags']).toBeUndefined();
		expect((await get('Fabrikam%20Fiber/_apis/wit/tags/hardware?api-version=7.1')).status).toBe(404);
	});

	it('Server 2019 comments: the older read-only resource, one comment per revision with History; adding one is not a route there', async () => {
		const p = EMULATOR_PROFILES.find((x) => x.name === 'server2019')!;
		const id = Number(emu.createWorkItem(p.project, 'Task', { 'System.Title': 'Old server' }, { organization: p.organization }).id);
		emu.addComment(id, 'first', { organization: p.organization });
		emu.updateWorkItem(id, { 'System.State': 'Active' }, { organization: p.organization });
		emu.addComment(id, 'second', { organization: p.organization });
		// azure-devops-node-api 15.x has no method for this resource (location 19335ae7…): raw HTTP.
		const base = `${emu.profileUrl('server2019')}/Fabrikam%20Fiber/_apis/wit/workItems/${id}/comments`;
		const list = await call('GET', `${base}?order=desc&api-version=5.0-preview.2`, { token: p.token });
		expect(list.json).toMatchObject({ totalCount: 2, fromRevisionCount: 2, count: 2 });
		expect((list.json.comments as Array<{ revision: number; text: string }>).map((c) => [c.revision, c.text])).toEqual([
			[4, 'second'],
			[2, 'first'],
		]);
		const one = await call('GET', `${base}/2?api-version=5.0-preview.2`, { token: p.token });
		expect(one.json).toMatchObject({ revision: 2, text: 'first' });
		const add = await call('POST', `${base}?api-version=5.0-preview.2`, { token: p.token, body: { text: 'x' } });
		expect([add.status, add.json.typeKey]).toEqual([405, 'HttpException']);
		expect(emu.specViolations().map((v) => v.kind)).toEqual(['unknown-path']);
		emu.reset();
	});

	it('subscriptions: the list honours its filters; answers name the version they speak in Content-Type', async () => {
		const projectId = emu.projects()[0].id;
		emu.allowLocalhostConsumers = false;
		for (const eventType of ['workitem.updated', 'workitem.created']) {
			const res = await call('POST', `${org()}/_apis/hooks/subscriptions?api-version=7.1`, {
				token: FABRIKAM_TOKEN,
				body: { publisherId: 'tfs', eventType, resourceVersion: '1.0', consumerId: 'webHooks', consumerActionId: 'httpRequest', publisherInputs: { projectId }, consumerInputs: { url: 'https://desk.example/hook' } },
			});
			expect(res.headers['content-type']).toBe('application/json; charset=utf-8; api-version=7.1');
		}
		const filtered = await get('_apis/hooks/subscriptions?eventType=workitem.created&consumerId=webHooks&api-version=7.1');
		expect((filtered.json.value as Array<{ eventType: string }>).map((x) => x.eventType)).toEqual(['workitem.created']);
		expect((await get('_apis/hooks/subscriptions?publisherId=tfs&api-version=7.1')).json.count).toBe(2);
		expect((await get('_apis/hooks/subscriptions?consumerId=slack&api-version=7.1')).json.count).toBe(0);
	});
});
