// Update From Ticket, as a service-desk admin uses it: the ticket changes (title, priority, state, a new message) and
// its work item follows, sending only what changed, never overwriting someone else's edit. Runs the node through
// n8n's engine against the emulator.
import type { IDataObject } from 'n8n-workflow';

import { ECHO_MARKER } from '../../nodes/AzureDevOpsConnector/connector/echo';
import { startEmulator, type Emulator } from '../emulator';
import {
	createFromTicket,
	createRequests as allCreates,
	patchRequests as allPatches,
	seedSettings,
	serviceDeskUrl,
	ticket,
	updateFromTicket,
	wiqlRequests as allWiql,
} from './create-from-ticket.support';

let emu: Emulator;

beforeAll(async () => {
	emu = await startEmulator();
});

afterAll(async () => {
	await emu.stop();
});

beforeEach(() => {
	emu.reset();
	mark = 0;
});

afterEach(() => {
	expect(emu.specViolations()).toEqual([]);
});

/** Where the requests of the step under test begin in the emulator's log. */
let mark = 0;
function forget(): void {
	mark = emu.requests().length;
}
function recent() {
	return emu.requests().slice(mark);
}
const createRequests = (e: Emulator) => allCreates(e).filter((r) => recent().includes(r));
const patchRequests = (e: Emulator) => allPatches(e).filter((r) => recent().includes(r));
const wiqlRequests = (e: Emulator) => allWiql(e).filter((r) => recent().includes(r));

/** Creates the work items of these tickets with Create From Ticket, then forgets the requests it made. */
async function synced(...tickets: IDataObject[]): Promise<number[]> {
	const run = await createFromTicket(emu, { tickets });
	expect(run.error).toBeUndefined();
	const ids = run.items.map((item) => item.json.id as number);
	forget();
	return ids;
}

function fieldsOf(id: number): IDataObject {
	return (emu.getWorkItem(id) as { fields: IDataObject }).fields;
}

/** Requests that read work items (the lookup's read and any re-read). */
function readRequests() {
	return recent().filter((r) => r.method === 'GET' && /\/_apis\/wit\/workitems(\/\d+)?$/i.test(r.path));
}

function settingsWith(overrides: IDataObject): string {
	return seedSettings(serviceDeskUrl(emu), overrides);
}

describe('Update From Ticket', () => {
	it('sends only the field that changed, guarded by the revision it read: one search, one read, one update', async () => {
		const [id] = await synced(ticket(501));
		const before = emu.getWorkItem(id) as { rev: number };

		const run = await updateFromTicket(emu, { tickets: [ticket(501, { TicketTitle: 'Printer 501 is on fire' })] });

		expect(run.error).toBeUndefined();
		expect(run.items[0].json).toMatchObject({
			id,
			updated: true,
			changedFields: ['System.Title'],
			created: false,
			commented: false,
			title: 'Printer 501 is on fire',
			ticket: { id: '501', url: 'https://servicedesk.example.com/tickets/501' },
		});
		expect(run.items[0].pairedItem).toEqual({ item: 0 });
		const patches = patchRequests(emu);
		expect(patches).toHaveLength(1);
		expect(patches[0].body).toEqual([
			{ op: 'test', path: '/rev', value: before.rev },
			{ op: 'add', path: '/fields/System.Title', value: 'Printer 501 is on fire' },
		]);
		expect(wiqlRequests(emu)).toHaveLength(1);
		expect(readRequests()).toHaveLength(1);
		expect(fieldsOf(id)['System.Title']).toBe('Printer 501 is on fire');
		// The description (an HTML field, escaped on create and on update alike) was equal and not sent.
		expect(fieldsOf(id)['System.Description']).toBe('Paper stuck in tray 501 &lt;again&gt;');
	});

	it('sends nothing at all when the ticket did not change, so a re-run is free', async () => {
		const [id] = await synced(ticket(502));
		const rev = (emu.getWorkItem(id) as { rev: number }).rev;

		const run = await updateFromTicket(emu, { tickets: [ticket(502)] });

		expect(run.error).toBeUndefined();
		expect(run.items[0].json).toMatchObject({ id, updated: false, changedFields: [], rev });
		expect(patchRequests(emu)).toHaveLength(0);
		expect(recent().filter((r) => r.method !== 'GET' || !/fields$/i.test(r.path)).map((r) => r.method)).toEqual([
			'POST',
			'GET',
		]);
	});

	it('finds the work items of a whole batch with one search and one read', async () => {
		const ids = await synced(ticket(511), ticket(512), ticket(513));

		const run = await updateFromTicket(emu, {
			tickets: [ticket(511, { TicketTitle: 'new 511' }), ticket(512), ticket(513, { TicketTitle: 'new 513' })],
		});

		expect(run.error).toBeUndefined();
		expect(run.items.map((item) => [item.json.id, item.json.updated])).toEqual([
			[ids[0], true],
			[ids[1], false],
			[ids[2], true],
		]);
		expect(wiqlRequests(emu)).toHaveLength(1);
		expect(readRequests()).toHaveLength(1);
		expect(patchRequests(emu)).toHaveLength(2);
	});

	it('updates several tickets\' work items in parallel (Concurrency), one ticket\'s items one after the other, in input order', async () => {
		const ids = await synced(ticket(521), ticket(522), ticket(523), ticket(524), ticket(525), ticket(526));
		emu.latencyMs = 40;
		emu.peakInFlight = 0;
		const run = await updateFromTicket(emu, {
			tickets: [
				ticket(521, { TicketTitle: 'new 521' }),
				ticket(522, { TicketTitle: 'new 522' }),
				ticket(523, { TicketTitle: 'new 523' }),
				ticket(521, { TicketTitle: 'newer 521' }),
				ticket(524, { TicketTitle: 'new 524' }),
				ticket(525, { TicketTitle: 'new 525' }),
				ticket(526, { TicketTitle: 'new 526' }),
			],
			options: { concurrency: 3 },
		});
		expect(run.error).toBeUndefined();
		expect(run.items.map((item) => item.json.id)).toEqual([ids[0], ids[1], ids[2], ids[0], ids[3], ids[4], ids[5]]);
		expect(run.items.map((item) => item.pairedItem)).toEqual([0, 1, 2, 3, 4, 5, 6].map((item) => ({ item })));
		// Ticket 521 twice: its second item saw the first one's update (the revision it tested is the one that wrote).
		const of521 = patchRequests(emu).filter((r) => r.path.endsWith(`/${ids[0]}`));
		expect(of521).toHaveLength(2);
		expect((of521[1].body as Array<{ value: unknown }>)[0].value).toBe((of521[0].body as Array<{ value: unknown }>)[0].value as number + 1);
		expect(fieldsOf(ids[0])['System.Title']).toBe('newer 521');
		expect(patchRequests(emu)).toHaveLength(7);
		expect(emu.peakInFlight).toBe(3);
	});

	it('sends one request at a time with Concurrency 1', async () => {
		await synced(ticket(527), ticket(528), ticket(529));
		emu.latencyMs = 20;
		emu.peakInFlight = 0;
		const run = await updateFromTicket(emu, {
			tickets: [ticket(527, { TicketTitle: 'a' }), ticket(528, { TicketTitle: 'b' }), ticket(529, { TicketTitle: 'c' })],
			options: { concurrency: 1 },
		});
		expect(run.items.map((item) => item.json.updated)).toEqual([true, true, true]);
		expect(emu.peakInFlight).toBe(1);
	});

	it('shows an ignored settings key as a warning above the output, as Create From Ticket does', async () => {
		await synced(ticket(530));
		const run = await updateFromTicket(emu, {
			tickets: [ticket(530, { TicketTitle: 'new 530' })],
			parameters: { connectorSettings: settingsWith({ UpdateAtributeMap: { 'System.Title': '[$TicketTitle$]' } }) },
		});
		expect(run.error).toBeUndefined();
		expect(run.runData.Node.at(-1)?.hints ?? []).toEqual([
			{
				message: 'Connector Settings: Unknown setting "UpdateAtributeMap" is ignored. Did you mean "UpdateAttributeMap"?',
				type: 'warning',
				location: 'outputPane',
			},
		]);
	});

	it('renders the UpdateAttributeMap of the settings instead of the AttributeMap, and keeps the ticket tag', async () => {
		const [id] = await synced(ticket(521));
		const settings = settingsWith({
			UpdateAttributeMap: {
				'Microsoft.VSTS.Common.Priority': '[$Priority$]',
				'System.Tags': 'escalated',
			},
		});

		const run = await updateFromTicket(emu, {
			tickets: [ticket(521, { TicketTitle: 'ignored: not in the update map', Priority: 1 })],
			parameters: { connectorSettings: settings },
		});

		expect(run.error).toBeUndefined();
		expect(run.items[0].json.changedFields).toEqual(['Microsoft.VSTS.Common.Priority', 'System.Tags']);
		const fields = fieldsOf(id);
		expect(fields['Microsoft.VSTS.Common.Priority']).toBe(1);
		expect(fields['System.Title']).toBe('Printer 521 is jammed');
		expect(String(fields['System.Tags']).split('; ').sort()).toEqual(['Ticket:521', 'escalated']);

		// Again with the same ticket: the priority as a number equals "1", the tags as a set equal: nothing is sent.
		forget();
		const again = await updateFromTicket(emu, {
			tickets: [ticket(521, { Priority: '1' })],
			parameters: { connectorSettings: settings },
		});
		expect(again.items[0].json).toMatchObject({ updated: false });
		expect(patchRequests(emu)).toHaveLength(0);
	});

	it('moves the work item through the ticket-state map, checked against the type\'s states', async () => {
		const [id] = await synced(ticket(531));
		const stateMap = {
			state: [
				{ ticketState: 'Reopened', workItemState: 'Active' },
				{ ticketState: 'Escalated', workItemState: 'Escalated' },
			],
		};

		const run = await updateFromTicket(emu, { tickets: [ticket(531, { state: 'reopened' })], parameters: { stateMap } });
		expect(run.error).toBeUndefined();
		expect(run.items[0].json).toMatchObject({ state: 'Active', changedFields: ['System.State'] });
		expect(fieldsOf(id)['System.State']).toBe('Active');

		forget();
		const bad = await updateFromTicket(emu, {
			tickets: [ticket(531, { state: 'Escalated' })],
			parameters: { stateMap },
			continueOnFail: true,
		});
		expect(bad.items[0].json.code).toBe('AZDC-5057');
		expect(String(bad.items[0].json.error)).toContain('New, Active, Closed, Removed');
		expect(patchRequests(emu)).toHaveLength(0);
	});

	it('adds the ticket\'s latest message as a comment once; a re-run does not add it again', async () => {
		const [id] = await synced(ticket(541));
		const message = { LatestImportantMessage: 'Still broken <after> the reboot' };

		const first = await updateFromTicket(emu, {
			tickets: [ticket(541, message)],
			parameters: { commentField: 'LatestImportantMessage', connectorSettings: settingsWith({ UpdateAttributeMap: {} }) },
		});
		expect(first.error).toBeUndefined();
		expect(first.items[0].json).toMatchObject({ commented: true, updated: false });
		const second = await updateFromTicket(emu, {
			tickets: [ticket(541, message)],
			parameters: { commentField: 'LatestImportantMessage', connectorSettings: settingsWith({ UpdateAttributeMap: {} }) },
		});
		expect(second.items[0].json).toMatchObject({ commented: false });

		expect(emu.getWorkItem(id)).toBeDefined();
		const stored = recent().filter((r) => r.method === 'POST' && /comments$/i.test(r.path));
		expect(stored).toHaveLength(1);
		// Signed in with a Personal Access Token: the comment carries the connector's invisible marker (no echo loop).
		expect(stored[0].body).toEqual({ text: `Still broken &lt;after&gt; the reboot${ECHO_MARKER}` });
	});

	it('answers a ticket without a work item with AZDC-5100, or creates it when asked', async () => {
		const missing = await updateFromTicket(emu, { tickets: [ticket(551)], continueOnFail: true });
		expect(missing.items[0].json.code).toBe('AZDC-5100');
		expect(createRequests(emu)).toHaveLength(0);

		const created = await updateFromTicket(emu, { tickets: [ticket(551)], options: { ifNoWorkItem: 'create' } });
		expect(created.error).toBeUndefined();
		expect(created.items[0].json).toMatchObject({ created: true, title: 'Printer 551 is jammed', workItemType: 'Task' });
		const fields = fieldsOf(created.items[0].json.id as number);
		expect(fields['System.Tags']).toBe('Ticket:551');
	});

	it('with Continue On Fail, a ticket that fails does not cost the items after it their output', async () => {
		const [first, third] = await synced(ticket(541), ticket(543));
		const run = await updateFromTicket(emu, {
			tickets: [ticket(541, { TicketTitle: 'new 541' }), ticket(542), ticket(543, { TicketTitle: 'new 543' })],
			continueOnFail: true,
		});
		expect(run.items.map((item) => [item.json.id ?? null, item.json.updated ?? null, String(item.json.error ?? '').slice(0, 9) || null])).toEqual([
			[first, true, null],
			[null, null, '[AZDC-510'],
			[third, true, null],
		]);
		expect(run.items.map((item) => item.pairedItem)).toEqual([{ item: 0 }, { item: 1 }, { item: 2 }]);
		expect(fieldsOf(third)['System.Title']).toBe('new 543');
	});

	it('reads the work item again once when someone edits it meanwhile, and keeps their edit', async () => {
		const [id] = await synced(ticket(561));
		emu.faults.add({ kind: 'latency', ms: 300, match: { method: 'PATCH', pathIncludes: '/_apis/wit/workitems/' }, times: 1 });
		const running = updateFromTicket(emu, { tickets: [ticket(561, { TicketTitle: 'ours' })] });
		await editWhenPatched(id, { 'Microsoft.VSTS.Common.Priority': 1 });

		const run = await running;
		expect(run.error).toBeUndefined();
		expect(run.items[0].json).toMatchObject({ updated: true, changedFields: ['System.Title'] });
		expect(patchRequests(emu)).toHaveLength(2);
		expect(readRequests()).toHaveLength(2);
		expect(fieldsOf(id)['System.Title']).toBe('ours');
		expect(fieldsOf(id)['Microsoft.VSTS.Common.Priority']).toBe(1);
	});

	it('fails with AZDC-5101 when the work item changes again after the re-read, overwriting nothing', async () => {
		const [id] = await synced(ticket(571));
		emu.faults.add({ kind: 'latency', ms: 300, match: { method: 'PATCH', pathIncludes: '/_apis/wit/workitems/' }, times: 2 });
		const running = updateFromTicket(emu, { tickets: [ticket(571, { TicketTitle: 'ours' })], continueOnFail: true });
		await editWhenPatched(id, { 'System.Title': 'theirs 1' });
		await editWhenPatched(id, { 'System.Title': 'theirs 2' }, 2);

		const run = await running;
		expect(run.items[0].json.code).toBe('AZDC-5101');
		expect(fieldsOf(id)['System.Title']).toBe('theirs 2');
	});

	it('moves the work item into the current iteration when the map says "@currentIteration", once', async () => {
		const [id] = await synced(ticket(591));
		const parameters = { connectorSettings: settingsWith({ UpdateAttributeMap: { 'System.IterationPath': '@currentIteration' } }) };
		const run = await updateFromTicket(emu, { tickets: [ticket(591)], parameters });
		expect(run.items[0].json).toMatchObject({ updated: true, changedFields: ['System.IterationPath'] });
		expect(fieldsOf(id)['System.IterationPath']).toBe('Service Desk\\Sprint 2');
		const again = await updateFromTicket(emu, { tickets: [ticket(591)], parameters });
		expect(again.items[0].json).toMatchObject({ updated: false });
	});

	it('fails the whole configuration before any request when the UpdateAttributeMap is faulty', async () => {
		const run = await updateFromTicket(emu, {
			tickets: [ticket(581)],
			parameters: { connectorSettings: settingsWith({ UpdateAttributeMap: { Title: '[$TicketTitle$]' } }) },
			continueOnFail: true,
		});
		expect(String(run.items[0].json.error)).toContain('UpdateAttributeMap');
		expect(wiqlRequests(emu)).toHaveLength(0);
		expect(patchRequests(emu)).toHaveLength(0);
	});
});

describe('Value maps in Create From Ticket and Update From Ticket', () => {
	const PRIORITY = 'Microsoft.VSTS.Common.Priority';

	it('the settings\' ValueMap turns the ticket\'s "High" into priority 1 on create, and a change to "Normal" into 2 on update', async () => {
		const settings = settingsWith({
			AttributeMap: { 'System.Title': '[$TicketTitle$]', 'System.WorkItemType': 'Task', [PRIORITY]: '[$Priority$]' },
			ValueMap: { [PRIORITY]: { High: 1, Normal: 2, '*': 3 } },
		});
		const created = await createFromTicket(emu, { tickets: [ticket(601, { Priority: 'High' })], parameters: { connectorSettings: settings } });
		expect(created.error).toBeUndefined();
		const id = created.items[0].json.id as number;
		expect(fieldsOf(id)[PRIORITY]).toBe(1);

		forget();
		const same = await updateFromTicket(emu, { tickets: [ticket(601, { Priority: 'high' })], parameters: { connectorSettings: settings } });
		expect(same.items[0].json).toMatchObject({ updated: false });
		const lower = await updateFromTicket(emu, { tickets: [ticket(601, { Priority: 'Normal' })], parameters: { connectorSettings: settings } });
		expect(lower.items[0].json).toMatchObject({ updated: true, changedFields: [PRIORITY] });
		expect(fieldsOf(id)[PRIORITY]).toBe(2);
		expect(patchRequests(emu)).toHaveLength(1);
	});

	it('a value with no row and no "*" fails the item with AZDC-5131, listing the values Azure DevOps allows; nothing is created', async () => {
		const settings = settingsWith({
			AttributeMap: { 'System.Title': '[$TicketTitle$]', 'System.WorkItemType': 'Bug', [PRIORITY]: '[$Priority$]' },
		});
		const run = await createFromTicket(emu, {
			tickets: [ticket(602, { Priority: 'Urgent' })],
			parameters: { connectorSettings: settings, valueMap: { row: [{ field: PRIORITY, from: 'High', to: '1' }] } },
			continueOnFail: true,
		});
		expect(run.items[0].json.code).toBe('AZDC-5131');
		expect(String(run.items[0].json.error)).toContain('"Urgent" has no row in the value map of Microsoft.VSTS.Common.Priority');
		expect(String(run.items[0].json.error)).toContain('Azure DevOps allows: 1, 2, 3, 4');
		expect(createRequests(emu)).toHaveLength(0);
	});

	it('the node\'s Value Map rows work in Update From Ticket with separate parameters too', async () => {
		const [id] = await synced(ticket(603));
		const run = await updateFromTicket(emu, {
			tickets: [ticket(603, { Priority: 'Low' })],
			parameters: {
				configuration: 'parameters',
				project: { __rl: true, mode: 'url', value: serviceDeskUrl(emu) },
				attributeMapInput: 'rows',
				attributeMapRows: { field: [{ name: PRIORITY, value: '[$Priority$]' }] },
				valueMap: { row: [{ field: PRIORITY, from: 'Low', to: '4' }, { field: PRIORITY, from: '*', to: '2' }] },
			},
		});
		expect(run.error).toBeUndefined();
		expect(run.items[0].json).toMatchObject({ updated: true, changedFields: [PRIORITY] });
		expect(fieldsOf(id)[PRIORITY]).toBe(4);
	});
});

describe('Attachments in Create From Ticket and Update From Ticket', () => {
	const file = (name: string, size: number) => ({
		data: Buffer.from(Array.from({ length: size }, (_, n) => (n * 5 + 1) % 256)).toString('base64'),
		mimeType: 'image/png',
		fileName: name,
	});
	const withFiles = (json: IDataObject, binary: Record<string, ReturnType<typeof file>>) => ({ json, binary });

	it('uploads the ticket\'s files and attaches them in the create itself; an update sends only files not attached yet', async () => {
		const created = await createFromTicket(emu, {
			tickets: [withFiles(ticket(701), { data: file('screenshot.png', 300) }) as never],
			options: { attachmentFields: '*' },
		});
		expect(created.error).toBeUndefined();
		const id = created.items[0].json.id as number;
		const creates = createRequests(emu);
		expect(creates).toHaveLength(1);
		expect((creates[0].body as IDataObject[]).filter((op) => (op.value as IDataObject | undefined)?.rel === 'AttachedFile')).toHaveLength(1);
		const relations = () => ((emu.getWorkItem(id) as { relations: Array<{ rel: string }> }).relations ?? []).filter((r) => r.rel === 'AttachedFile');
		expect(relations()).toHaveLength(1);

		forget();
		const same = await updateFromTicket(emu, {
			tickets: [withFiles(ticket(701), { data: file('screenshot.png', 300) }) as never],
			options: { attachmentFields: 'data' },
		});
		expect(same.items[0].json).toMatchObject({ updated: false, attachedFiles: [] });
		expect(patchRequests(emu)).toHaveLength(0);
		expect(recent().filter((r) => /attachments/i.test(r.path))).toHaveLength(0);

		const more = await updateFromTicket(emu, {
			tickets: [withFiles(ticket(701), { data: file('screenshot.png', 300), log: file('trace.log', 50) }) as never],
			options: { attachmentFields: 'data, log' },
		});
		expect(more.items[0].json).toMatchObject({ updated: true, attachedFiles: ['trace.log'] });
		expect(patchRequests(emu)).toHaveLength(1);
		expect(relations()).toHaveLength(2);
	});

	it('an update whose answer is lost after Azure DevOps saved it: the file is linked once and the item succeeds', async () => {
		const created = await createFromTicket(emu, { tickets: [ticket(703)] });
		const id = created.items[0].json.id as number;
		emu.faults.add({ kind: 'dropAfterCommit', times: 1, match: { method: 'PATCH', pathIncludes: '/_apis/wit/workitems/' } });
		const run = await updateFromTicket(emu, {
			tickets: [withFiles(ticket(703), { log: file('trace.log', 80) }) as never],
			options: { attachmentFields: 'log' },
			continueOnFail: true,
		});
		expect(run.items[0].json.error).toBeUndefined();
		expect(run.items[0].json).toMatchObject({ id, attachedFiles: ['trace.log'] });
		const linked = ((emu.getWorkItem(id) as { relations?: Array<{ rel: string }> }).relations ?? []).filter((r) => r.rel === 'AttachedFile');
		expect(linked).toHaveLength(1);
	});

	it('a file over the limit fails the ticket before anything is sent (AZDC-5150)', async () => {
		const run = await createFromTicket(emu, {
			tickets: [withFiles(ticket(702), { data: file('huge.bin', 2 * 1024 * 1024) }) as never],
			options: { attachmentFields: 'data', maxFileSizeMb: 1 },
			continueOnFail: true,
		});
		expect(run.items[0].json.code).toBe('AZDC-5150');
		expect(emu.requests().filter((r) => r.method === 'POST')).toHaveLength(0);
	});
});

/** Waits until the node's `count`-th update reached the emulator (it is held by a latency fault), then edits. */
async function editWhenPatched(id: number, fields: IDataObject, count = 1): Promise<void> {
	for (let waited = 0; waited < 5000; waited += 10) {
		if (patchRequests(emu).length >= count) {
			emu.updateWorkItem(id, fields, { by: 'Jamal Hartnett' });
			return;
		}
		await new Promise((resolve) => setTimeout(resolve, 10));
	}
	throw new Error('the node sent no update');
}
