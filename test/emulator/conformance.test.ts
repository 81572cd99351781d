// Microsoft's own client, every route the emulator serves, on Azure DevOps Services and on each Azure DevOps
// Server release within its version. The client discovers locations with OPTIONS and negotiates the version
// itself, passes enums as numbers, and reads paging headers: if it works here unchanged, the emulator speaks
// Azure DevOps. Each request must also be one the service accepts (no spec violations), and each answer must
// match the requested release's response definitions (test/support/response-guard.ts).
import * as azdev from 'azure-devops-node-api';
import { ClientApiBase } from 'azure-devops-node-api/ClientApiBases';
import type { IRequestHandler } from 'azure-devops-node-api/interfaces/common/VsoBaseInterfaces';
import { Operation, type JsonPatchOperation } from 'azure-devops-node-api/interfaces/common/VSSInterfaces';
import {
	CommentExpandOptions,
	CommentSortOrder,
	WorkItemErrorPolicy,
	WorkItemExpand,
} from 'azure-devops-node-api/interfaces/WorkItemTrackingInterfaces';
import { startEmulator, EMULATOR_PROFILES, type Emulator, type EmulatorProfile } from './index';

const SUBSCRIPTIONS = 'fc50d02a-849f-41fb-8af1-0a5216103269';

/**
 * azure-devops-node-api has no service-hooks client, so these calls are raw HTTP, made through the package's
 * own location discovery, version negotiation and REST stack (ClientApiBase), as a hand-written client would.
 */
class ServiceHooksClient extends ClientApiBase {
	constructor(baseUrl: string, handlers: IRequestHandler[]) {
		super(baseUrl, handlers, 'node-ServiceHooks-api');
	}

	private where(subscriptionId?: string) {
		return this.vsoClient.getVersioningData('7.1', 'hooks', SUBSCRIPTIONS, { subscriptionId });
	}

	async create(body: object): Promise<Record<string, unknown>> {
		const v = await this.where();
		return (await this.rest.create<Record<string, unknown>>(String(v.requestUrl), body, this.createRequestOptions('application/json', v.apiVersion))).result!;
	}

	async list(): Promise<Array<Record<string, unknown>>> {
		const v = await this.where();
		const res = await this.rest.get<{ value: Array<Record<string, unknown>> }>(String(v.requestUrl), this.createRequestOptions('application/json', v.apiVersion));
		return res.result!.value;
	}

	async get(id: string): Promise<Record<string, unknown> | null> {
		const v = await this.where(id);
		return (await this.rest.get<Record<string, unknown>>(String(v.requestUrl), this.createRequestOptions('application/json', v.apiVersion))).result;
	}

	async delete(id: string): Promise<number> {
		const v = await this.where(id);
		return (await this.rest.del(String(v.requestUrl), this.createRequestOptions('application/json', v.apiVersion))).statusCode;
	}
}

let emu: Emulator;
beforeAll(async () => {
	emu = await startEmulator();
});
afterAll(async () => emu.stop());

const add = (path: string, value: unknown): JsonPatchOperation => ({ op: Operation.Add, path, value });

describe.each(EMULATOR_PROFILES)('azure-devops-node-api on $serverVersion ($maxApiVersion)', (p: EmulatorProfile) => {
	let conn: azdev.WebApi;
	const project = p.project;
	/** Whether the release has REST version `v` (Services: 7.2). */
	const has = (v: number) => Number(p.maxApiVersion) >= v;
	const newTask = async (title: string, extra: JsonPatchOperation[] = []) => {
		const wit = await conn.getWorkItemTrackingApi();
		return wit.createWorkItem(null, [add('/fields/System.Title', title), ...extra], project, 'Task', false, false, false, WorkItemExpand.All);
	};

	beforeEach(() => {
		emu.reset();
		conn = new azdev.WebApi(emu.profileUrl(p.name), azdev.getPersonalAccessTokenHandler(p.token));
	});
	afterEach(() => {
		expect(emu.specViolations()).toEqual([]);
		// Every request authenticated with this profile's token, against this profile's collection.
		expect(emu.requests().every((r) => r.organization === p.organization)).toBe(true);
	});

	it('connects, reads resource areas and locations, and lists projects a page at a time', async () => {
		const data = await conn.connect();
		expect(data.deploymentType).toBe(p.hosting === 'services' ? 'hosted' : 'onPremises');
		const locations = await conn.getLocationsApi();
		const areas = await locations.getResourceAreas();
		if (p.hosting === 'services') expect(areas.map((a) => a.name)).toEqual(expect.arrayContaining(['wit', 'core', 'hooks']));
		const viaLocations = await locations.getConnectionData();
		expect(viaLocations.instanceId).toBe(data.instanceId);
		const core = await conn.getCoreApi();
		const all = await core.getProjects();
		expect(all.map((x) => x.name)).toEqual(['Fabrikam Fiber', 'Service Desk']);
		// The client (15.1.3) does not read the x-ms-continuationtoken header back (contracts.test.ts checks it
		// raw); the token it sends is the number of projects already read.
		expect((await core.getProjects('wellFormed', 1)).map((x) => x.name)).toEqual(['Fabrikam Fiber']);
		expect((await core.getProjects('wellFormed', 1, undefined, 1)).map((x) => x.name)).toEqual(['Service Desk']);
		expect((await core.getProjects('wellFormed', 10, 1)).map((x) => x.name)).toEqual(['Service Desk']);
		expect((await core.getProject(project)).id).toBe(all[0].id);
	});

	it('reads work item types and their states', async () => {
		const wit = await conn.getWorkItemTrackingApi();
		expect((await wit.getWorkItemTypes(project)).map((t) => t.name)).toEqual(['Task', 'Bug', 'User Story', 'Epic']);
		expect((await wit.getWorkItemType(project, 'Bug')).states?.map((s) => s.name)).toEqual(['New', 'Active', 'Resolved', 'Closed']);
		expect((await wit.getWorkItemTypeStates(project, 'User Story')).map((s) => s.category)).toContain('Completed');
	});

	it('lists the organization\'s link types and reads one, and adds and removes a link', async () => {
		const wit = await conn.getWorkItemTrackingApi();
		const types = await wit.getRelationTypes();
		expect(types.map((t) => t.referenceName)).toEqual(expect.arrayContaining(['System.LinkTypes.Hierarchy-Reverse', 'System.LinkTypes.Related', 'Hyperlink']));
		expect((await wit.getRelationType('System.LinkTypes.Related')).name).toBe('Related');
		const a = await wit.createWorkItem(null, [{ op: 'add', path: '/fields/System.Title', value: 'A' }] as never, project, 'Task');
		const b = await wit.createWorkItem(null, [{ op: 'add', path: '/fields/System.Title', value: 'B' }] as never, project, 'Task');
		await wit.updateWorkItem(null, [{ op: 'add', path: '/relations/-', value: { rel: 'System.LinkTypes.Related', url: b.url } }] as never, a.id!, project);
		const linked = await wit.getWorkItem(a.id!, undefined, undefined, 1 as never, project);
		expect(linked.relations?.map((r) => r.rel)).toEqual(['System.LinkTypes.Related']);
		await wit.updateWorkItem(null, [{ op: 'remove', path: '/relations/0' }] as never, a.id!, project);
		const unlinked = await wit.getWorkItem(a.id!, undefined, undefined, 1 as never, project);
		expect(unlinked.relations ?? []).toEqual([]);
	});

	it('reads the area and iteration trees (root nodes with depth)', async () => {
		const wit = await conn.getWorkItemTrackingApi();
		const roots = await wit.getRootNodes(project, 2);
		expect(roots.map((root) => root.name)).toEqual([project, project]);
		const iterations = roots.find((root) => String(root.structureType) === '1' || String(root.structureType) === 'iteration')!;
		expect(iterations.children?.map((child) => child.name)).toEqual(['Sprint 1', 'Sprint 2']);
		expect(iterations.children?.[1].attributes?.startDate).toBeDefined();
	});

	it('lists the project\'s teams and reads a team\'s iterations, all and the current one', async () => {
		const core = await conn.getCoreApi();
		const teams = await core.getTeams(project);
		expect(teams.map((team) => team.name)).toEqual([`${project} Team`]);
		const work = await conn.getWorkApi();
		const all = await work.getTeamIterations({ project, team: teams[0].name });
		expect(all.map((it) => it.path)).toEqual([`${project}\\Sprint 1`, `${project}\\Sprint 2`]);
		const current = await work.getTeamIterations({ project, team: teams[0].name }, 'current');
		expect(current.map((it) => it.path)).toEqual([`${project}\\Sprint 2`]);
		expect(String(current[0].attributes?.timeFrame)).toMatch(/^(current|1)$/);
	});

	it('creates, validates, updates and reads work items, one and many, with enums as numbers', async () => {
		const wit = await conn.getWorkItemTrackingApi();
		const dryRun = await wit.createWorkItem(null, [add('/fields/System.Title', 'dry run')], project, 'Task', true);
		expect(dryRun.id).toBe(0);
		const created = await newTask('Printer on floor 3 is jammed', [add('/relations/-', { rel: 'Hyperlink', url: 'https://desk.example/tickets/42' })]);
		expect(created).toMatchObject({ id: 1, rev: 1 });
		const updated = await wit.updateWorkItem(
			null,
			[{ op: Operation.Test, path: '/rev', value: 1 }, { op: Operation.Replace, path: '/fields/System.State', value: 'Active' }, add('/fields/System.AssignedTo', 'Jamal Hartnett')],
			created.id!,
			project,
			false,
			false,
			false,
			WorkItemExpand.Fields,
		);
		expect(updated.fields?.['System.State']).toBe('Active');
		expect(updated.fields?.['System.AssignedTo']).toMatchObject({ displayName: 'Jamal Hartnett' });
		const one = await wit.getWorkItem(created.id!, undefined, undefined, WorkItemExpand.Relations, project);
		expect(one.relations?.[0].rel).toBe('Hyperlink');
		const titles = await wit.getWorkItem(created.id!, ['System.Title'], undefined, undefined, project);
		expect(Object.keys(titles.fields ?? {})).toEqual(['System.Title']);
		const many = await wit.getWorkItems([created.id!, 999], ['System.Title'], undefined, undefined, WorkItemErrorPolicy.Omit, project);
		expect(many.map((w) => w?.id ?? null)).toEqual([1, null]);
		const batch = await wit.getWorkItemsBatch({ ids: [created.id!, 999], fields: ['System.Title', 'System.State'], errorPolicy: WorkItemErrorPolicy.Omit } as never, project);
		expect(batch.map((w) => w?.fields?.['System.State'] ?? null)).toEqual(['Active', null]);
		const queries = emu.requests().filter((r) => r.method === 'GET' && /workitems$/i.test(r.path));
		expect(queries[0].query).toMatchObject({ errorPolicy: '2' });
	});

	it('lists revisions and updates of a work item', async () => {
		const wit = await conn.getWorkItemTrackingApi();
		const item = await newTask('Toner low');
		await wit.updateWorkItem(null, [add('/fields/System.Title', 'Toner empty')], item.id!, project);
		const revisions = await wit.getRevisions(item.id!, undefined, undefined, WorkItemExpand.None, project);
		expect(revisions.map((r) => [r.rev, r.fields?.['System.Title']])).toEqual([
			[1, 'Toner low'],
			[2, 'Toner empty'],
		]);
		expect((await wit.getRevision(item.id!, 1, undefined, project)).fields?.['System.Title']).toBe('Toner low');
		const updates = await wit.getUpdates(item.id!, undefined, undefined, project);
		expect(updates[1].fields?.['System.Title']).toEqual({ oldValue: 'Toner low', newValue: 'Toner empty' });
		expect((await wit.getUpdate(item.id!, 2, project)).rev).toBe(2);
		expect((await wit.getUpdates(item.id!, 1, 1, project)).map((u) => u.rev)).toEqual([2]);
	});

	it('queries with WIQL within a project and a team', async () => {
		const wit = await conn.getWorkItemTrackingApi();
		await newTask('a');
		await newTask('b');
		const result = await wit.queryByWiql({ query: "SELECT [System.Id] FROM WorkItems WHERE [System.TeamProject] = @project AND [System.State] = 'New' ORDER BY [System.Id] DESC" }, { project }, false, 1);
		expect(result.workItems?.map((w) => w.id)).toEqual([2]);
		const team = await wit.queryByWiql({ query: 'SELECT [System.Id] FROM WorkItems' }, { project, team: `${project} Team` });
		expect(team.workItems).toHaveLength(2);
	});

	it('adds, pages, reads, edits and deletes comments (Server 2020 and later: not on Server 2019)', async () => {
		const wit = await conn.getWorkItemTrackingApi();
		const item = await newTask('Paper jam');
		if (!has(6.0)) {
			await expect(wit.addComment({ text: 'x' }, project, item.id!)).rejects.toThrow(/608aac0a-32e1-4493-a863-b9cf4566d257/);
			return;
		}
		for (const text of ['first', 'second', 'third']) await wit.addComment({ text }, project, item.id!);
		const page1 = await wit.getComments(project, item.id!, 2, undefined, false, CommentExpandOptions.None, CommentSortOrder.Asc);
		expect([page1.totalCount, page1.comments?.map((c) => c.text)]).toEqual([3, ['first', 'second']]);
		expect(page1.nextPage).toContain(`continuationToken=${page1.continuationToken}`);
		const page2 = await wit.getComments(project, item.id!, 2, page1.continuationToken, false, CommentExpandOptions.None, CommentSortOrder.Asc);
		expect([page2.comments?.map((c) => c.text), page2.continuationToken]).toEqual([['third'], undefined]);
		const [newest] = (await wit.getComments(project, item.id!, 1, undefined, false, undefined, CommentSortOrder.Desc)).comments!;
		expect(newest.text).toBe('third');
		expect((await wit.getComment(project, item.id!, newest.id!)).text).toBe('third');
		expect((await wit.updateComment({ text: 'third (edited)' }, project, item.id!, newest.id!)).version).toBe(2);
		await wit.deleteComment(project, item.id!, newest.id!);
		expect((await wit.getComments(project, item.id!)).totalCount).toBe(2);
		expect((await wit.getCommentsBatch(project, item.id!, [newest.id!], true)).comments?.[0].isDeleted).toBe(true);
	});

	it('lists, renames and deletes tags (Server 2020 and later: not on Server 2019)', async () => {
		const wit = await conn.getWorkItemTrackingApi();
		const item = await newTask('Tagged', [add('/fields/System.Tags', 'Ticket:42; printer')]);
		if (!has(6.0)) {
			await expect(wit.getTags(project)).rejects.toThrow(/bc15bc60-e7a8-43cb-ab01-2106be3983a1/);
			return;
		}
		const tags = await wit.getTags(project);
		expect(tags.map((t) => t.name)).toEqual(['printer', 'Ticket:42']);
		const printer = await wit.getTag(project, 'printer');
		expect(printer.id).toBe(tags[0].id);
		expect((await wit.updateTag({ name: 'hardware' } as never, project, printer.id!)).name).toBe('hardware');
		expect((await wit.getWorkItem(item.id!, ['System.Tags'], undefined, undefined, project)).fields?.['System.Tags']).toBe('Ticket:42; hardware');
		await wit.deleteTag(project, 'Ticket:42');
		expect((await wit.getTags(project)).map((t) => t.name)).toEqual(['hardware']);
	});

	it('deletes to the recycle bin, lists it, restores, and destroys', async () => {
		const wit = await conn.getWorkItemTrackingApi();
		const item = await newTask('Old request');
		const deleted = await wit.deleteWorkItem(item.id!, project);
		expect(deleted).toMatchObject({ id: item.id, name: 'Old request' });
		expect((await wit.getDeletedWorkItemShallowReferences(project)).map((r) => r.id)).toEqual([item.id]);
		expect((await wit.getDeletedWorkItem(item.id!, project)).resource?.fields?.['System.Title']).toBe('Old request');
		await wit.restoreWorkItem({ isDeleted: false }, item.id!, project);
		expect((await wit.getDeletedWorkItemShallowReferences(project))).toEqual([]);
		await wit.deleteWorkItem(item.id!, project);
		await wit.destroyWorkItem(item.id!, project);
		expect(emu.getWorkItem(item.id!, p.organization)).toBeUndefined();
	});

	it('creates, lists, reads and deletes a service-hook subscription (raw HTTP: the client has no hooks API)', async () => {
		const core = await conn.getCoreApi();
		const projectId = (await core.getProject(project)).id!;
		const hooks = new ServiceHooksClient(emu.profileUrl(p.name), [azdev.getPersonalAccessTokenHandler(p.token)]);
		const created = await hooks.create({
			publisherId: 'tfs',
			eventType: 'workitem.updated',
			resourceVersion: '1.0',
			consumerId: 'webHooks',
			consumerActionId: 'httpRequest',
			publisherInputs: { projectId, changedFields: 'System.State' },
			consumerInputs: { url: 'https://desk.example/azdo-hook', basicAuthUsername: 'n8n', basicAuthPassword: 's3cret' },
		});
		expect(created.consumerInputs).toMatchObject({ basicAuthPassword: '********' });
		expect((await hooks.list()).map((s) => s.id)).toEqual([created.id]);
		expect((await hooks.get(String(created.id)))?.eventType).toBe('workitem.updated');
		expect(await hooks.delete(String(created.id))).toBe(204);
	});
});
