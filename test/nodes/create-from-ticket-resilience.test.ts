// Create From Ticket when runs repeat, fail, get throttled or lose the connection: every ticket ends with exactly
// one work item, and every work item created is reported.
import type { IDataObject } from 'n8n-workflow';

import { useTransportClock } from '../../nodes/AzureDevOpsConnector/transport';
import { startEmulator, type Emulator } from '../emulator';
import {
	createFromTicket,
	createRequests,
	seedSettings,
	serviceDeskUrl,
	ticket,
	wiqlRequests,
} from './create-from-ticket.support';

let emu: Emulator;
const waits: number[] = [];
let restoreClock: () => void;

beforeAll(async () => {
	emu = await startEmulator();
	// Back-off waits run on a fake clock: the test sees what the node would wait, without waiting.
	restoreClock = useTransportClock({
		sleep: async (ms) => {
			waits.push(ms);
		},
		random: () => 0.5,
	});
});

afterAll(async () => {
	restoreClock();
	await emu.stop();
});

beforeEach(() => {
	emu.reset();
	waits.length = 0;
});

afterEach(() => {
	expect(emu.specViolations()).toEqual([]);
});

const ids = (items: Array<{ json: IDataObject }>) => items.map((item) => item.json.id);

/** Work items in the emulator that carry the tag of the given ticket. */
function workItemsOfTicket(id: number, upTo = 400): number[] {
	const found: number[] = [];
	for (let wi = 1; wi <= upTo; wi++) {
		const item = emu.getWorkItem(wi) as { fields: IDataObject } | undefined;
		if (item && String(item.fields['System.Tags'] ?? '').split('; ').includes(`Ticket:${id}`)) found.push(wi);
	}
	return found;
}

describe('Re-running the same tickets', () => {
	it('returns the same work items the second time, created: false, and creates no duplicates', async () => {
		const tickets = [ticket(1), ticket(2), ticket(3)];
		const first = await createFromTicket(emu, { tickets });
		expect(first.items.map((item) => item.json.created)).toEqual([true, true, true]);
		// The organization's API versions (OPTIONS /_apis) and the project's HTML fields (GET _apis/wit/fields), both
		// learnt once per process, then 1 search for existing work items (it found none, so nothing to read back) and
		// 3 creates.
		expect(emu.requests().map((r) => r.method)).toEqual(['OPTIONS', 'GET', 'POST', 'POST', 'POST', 'POST']);

		const before = emu.requests().length;
		const second = await createFromTicket(emu, { tickets });
		expect(second.error).toBeUndefined();
		expect(ids(second.items)).toEqual(ids(first.items));
		expect(second.items.map((item) => item.json.created)).toEqual([false, false, false]);
		expect(second.items[1].json).toMatchObject({
			title: 'Printer 2 is jammed',
			workItemType: 'Task',
			state: 'New',
			ticket: { id: '2', url: 'https://servicedesk.example.com/tickets/2' },
		});
		// The re-run costs one WIQL search and one batch read for all three tickets, no create.
		const rerun = emu.requests().slice(before);
		expect(rerun.map((r) => `${r.method} ${r.path.replace(/^.*\/_apis\//, '')}`)).toEqual([
			'POST wit/wiql',
			'GET wit/workitems',
		]);
		for (const id of [1, 2, 3]) expect(workItemsOfTicket(id)).toHaveLength(1);
	});

	it('creates a ticket given twice in one run only once', async () => {
		const run = await createFromTicket(emu, { tickets: [ticket(9), ticket(9)] });
		expect(run.items.map((item) => item.json.created)).toEqual([true, false]);
		expect(run.items[0].json.id).toBe(run.items[1].json.id);
		expect(createRequests(emu)).toHaveLength(1);
	});

	it('fails an existing ticket with AZDC-5011 when asked to, and creates another when asked to', async () => {
		const first = await createFromTicket(emu, { tickets: [ticket(4)] });
		const failing = await createFromTicket(emu, {
			tickets: [ticket(4)],
			options: { ifExists: 'fail' },
			continueOnFail: true,
		});
		expect(failing.items[0].json.code).toBe('AZDC-5011');
		expect(failing.items[0].json.error).toContain(`work item ${String(first.items[0].json.id)}`);

		const before = emu.requests().length;
		const another = await createFromTicket(emu, { tickets: [ticket(4)], options: { ifExists: 'createAnyway' } });
		expect(another.items[0].json.created).toBe(true);
		expect(another.items[0].json.id).not.toBe(first.items[0].json.id);
		// "Create Another" does not search first.
		expect(emu.requests().length - before).toBe(1);
	});
});

describe('Many tickets', () => {
	it('creates 200 tickets exactly once and in input order while Azure DevOps throttles some of them', async () => {
		emu.faults.add({
			kind: 'status',
			status: 429,
			retryAfterSeconds: 1,
			probability: 0.25,
			match: { method: 'POST', pathIncludes: '/_apis/wit/workitems/$' },
		});
		const tickets = Array.from({ length: 200 }, (_, i) => ticket(1000 + i));
		const run = await createFromTicket(emu, { tickets, options: { concurrency: 8 } });

		expect(run.error).toBeUndefined();
		expect(run.items).toHaveLength(200);
		expect(run.items.map((item) => item.json.ticket)).toEqual(
			tickets.map((t) => ({ id: String(t.TicketID), url: t.TicketUrl })),
		);
		expect(run.items.every((item) => item.json.created === true)).toBe(true);
		expect(run.items.map((item) => item.pairedItem)).toEqual(tickets.map((_, item) => ({ item })));
		expect(new Set(ids(run.items)).size).toBe(200);

		const creates = createRequests(emu);
		const throttled = creates.filter((r) => r.status === 429).length;
		expect(throttled).toBeGreaterThan(20);
		expect(creates.filter((r) => r.status === 200)).toHaveLength(200);
		// The node waited what Retry-After said, once per throttled answer.
		expect(waits.filter((ms) => ms === 1000)).toHaveLength(throttled);
		// Requests per run: one WIQL search for all 200 tickets, then one create per ticket (plus the 429 retries).
		expect(wiqlRequests(emu)).toHaveLength(1);
		expect(emu.requests()).toHaveLength(1 + 200 + throttled);
		for (const id of [1000, 1099, 1199]) expect(workItemsOfTicket(id)).toHaveLength(1);
	});

	it('re-runs 200 tickets with one search and one batch read', async () => {
		const tickets = Array.from({ length: 200 }, (_, i) => ticket(2000 + i));
		await createFromTicket(emu, { tickets });
		const before = emu.requests().length;
		const again = await createFromTicket(emu, { tickets });
		expect(again.items.every((item) => item.json.created === false)).toBe(true);
		expect(emu.requests().length - before).toBe(2);
	});
});

describe('Lost connections', () => {
	it('reports the work item when the connection broke after Azure DevOps created it, and creates no second one', async () => {
		emu.faults.add({ kind: 'dropAfterCommit', times: 1, match: { method: 'POST', pathIncludes: '/_apis/wit/workitems/$' } });
		const run = await createFromTicket(emu, { tickets: [ticket(77)] });

		expect(run.error).toBeUndefined();
		expect(run.items[0].json).toMatchObject({ created: true, title: 'Printer 77 is jammed', ticket: { id: '77' } });
		expect(createRequests(emu).map((r) => r.outcome)).toEqual(['droppedAfterCommit']);
		expect(workItemsOfTicket(77)).toEqual([run.items[0].json.id]);
	});

	it('sends the create once more when the connection broke before Azure DevOps saved anything', async () => {
		emu.faults.add({ kind: 'drop', times: 1, match: { method: 'POST', pathIncludes: '/_apis/wit/workitems/$' } });
		const run = await createFromTicket(emu, { tickets: [ticket(78)] });

		expect(run.error).toBeUndefined();
		expect(run.items[0].json.created).toBe(true);
		expect(createRequests(emu).map((r) => r.outcome)).toEqual(['dropped', 'answered']);
		expect(workItemsOfTicket(78)).toEqual([run.items[0].json.id]);
	});
});

describe('Failures', () => {
	const settingsWithArea = (emuUrl: string) =>
		seedSettings(emuUrl, {
			URL: `${emuUrl.replace(/\/Service%20Desk$/, '')}/Fabrikam%20Fiber`,
			AttributeMap: {
				'System.Title': '[$TicketTitle$]',
				'System.AreaPath': '[$Area$]',
				'System.WorkItemType': 'Task',
			},
		});

	it('with Continue On Fail gives every ticket its own result: work item or coded error', async () => {
		const area = 'Fabrikam Fiber\\Service Desk';
		const run = await createFromTicket(emu, {
			tickets: [
				ticket(1, { Area: area }),
				ticket(2, { Area: area, TicketTitle: undefined }),
				ticket(3, { Area: 'Fabrikam Fiber\\Nowhere' }),
				ticket(4, { Area: area }),
			],
			parameters: { connectorSettings: settingsWithArea(serviceDeskUrl(emu)) },
			continueOnFail: true,
		});
		expect(run.error).toBeUndefined();
		expect(run.items).toHaveLength(4);
		expect(run.items.map((item) => item.pairedItem)).toEqual([{ item: 0 }, { item: 1 }, { item: 2 }, { item: 3 }]);
		expect(run.items[0].json.created).toBe(true);
		expect(run.items[3].json.created).toBe(true);
		// The ticket without a title: the variable, the field and the item are named; nothing was sent for it.
		expect(run.items[1].json.code).toBe('AZDC-2001');
		expect(run.items[1].json.error).toContain('TicketTitle');
		expect(run.items[1].json.error).toContain('System.Title');
		expect(run.items[1].json.error).toContain('input item 1');
		// The area Azure DevOps does not know: its own message, the field, our code.
		expect(run.items[2].json.code).toBe('AZDC-4010');
		expect(run.items[2].json.error).toContain('TF401347');
		expect(run.items[2].json.error).toContain('System.AreaPath');
		expect(createRequests(emu).filter((r) => r.status === 200)).toHaveLength(2);
	});

	it('without Continue On Fail stops at the failing ticket and names the work items already created', async () => {
		const area = 'Fabrikam Fiber\\Service Desk';
		const run = await createFromTicket(emu, {
			tickets: [ticket(11, { Area: area }), ticket(12, { Area: 'Fabrikam Fiber\\Nowhere' }), ticket(13, { Area: area })],
			parameters: { connectorSettings: settingsWithArea(serviceDeskUrl(emu)) },
			options: { concurrency: 1 },
		});
		expect(run.error).toBeDefined();
		const created = workItemsOfTicket(11);
		expect(created).toHaveLength(1);
		expect(run.error?.message).toContain('AZDC-4010');
		expect(run.error?.message).toContain(`Already created in this run and kept: work item ${created[0]} (ticket 11)`);
		// Nothing after the failure was sent.
		expect(workItemsOfTicket(13)).toHaveLength(0);
	});

	it('reports every fault of invalid settings before sending a single request', async () => {
		const run = await createFromTicket(emu, {
			tickets: [ticket(1), ticket(2)],
			parameters: {
				connectorSettings: JSON.stringify({
					ConnectorType: 'Jira',
					URL: 'ftp://dev.azure.com/fabrikam',
					AccessToken: 'first',
					AttributeMap: '{"System.Title": "[$TicketTitle"}',
					BeginState: 'Synchronization to DevOps',
				}),
			},
		});
		expect(run.error).toBeDefined();
		// Every fault at once: connector type, URL, token index, the unclosed placeholder, the missing type; the message
		// is their headline, the description lists each.
		const error = run.error as unknown as { message: string; description: string; context: { codes: string[] } };
		expect(error.message).toBe('5 problems in the Connector Settings (input item 0)');
		expect(error.context.codes).toEqual(['AZDC-1004', 'AZDC-1013', 'AZDC-1020', 'AZDC-2002', 'AZDC-1033']);
		expect(error.description.split('How to fix:')[0].match(/AZDC-\d{4}/g)).toEqual(error.context.codes);
		expect(emu.requests()).toHaveLength(0);
	});

	it('checks the settings with Validate Only and creates nothing', async () => {
		const run = await createFromTicket(emu, { tickets: [ticket(31), ticket(32)], options: { validateOnly: true } });
		expect(run.error).toBeUndefined();
		expect(run.items.map((item) => item.json)).toEqual([
			expect.objectContaining({ validateOnly: true, created: false, id: null, title: 'Printer 31 is jammed' }),
			expect.objectContaining({ validateOnly: true, created: false, title: 'Printer 32 is jammed' }),
		]);
		expect(createRequests(emu).every((r) => r.query.validateOnly === 'true')).toBe(true);
		expect(workItemsOfTicket(31)).toHaveLength(0);
		expect(workItemsOfTicket(32)).toHaveLength(0);
	});
});
