// Create From Ticket, as a service-desk admin uses it: tickets come in, work items come out, linked and tagged,
// once per ticket, whatever the run throws at it. Runs the node through n8n's engine against the emulator.
import type { IDataObject } from 'n8n-workflow';

import { startEmulator, type Emulator } from '../emulator';
import {
	BEGIN_STATE,
	createFromTicket,
	createRequests,
	seedSettings,
	serviceDeskUrl,
	ticket,
	wiqlRequests,
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
});

afterEach(() => {
	expect(emu.specViolations()).toEqual([]);
});

describe('Create From Ticket with the seed\'s Connector Settings', () => {
	it('creates a Task with the rendered title and description, a link to the ticket and its tag, with token "0"', async () => {
		const run = await createFromTicket(emu, { tickets: [ticket(1234)] });

		expect(run.error).toBeUndefined();
		expect(run.items).toHaveLength(1);
		const out = run.items[0].json;
		expect(out).toMatchObject({
			workItemType: 'Task',
			title: 'Printer 1234 is jammed',
			project: 'Service Desk',
			created: true,
			ticket: { id: '1234', url: 'https://servicedesk.example.com/tickets/1234' },
		});
		expect(run.items[0].pairedItem).toEqual({ item: 0 });
		expect(typeof out.id).toBe('number');
		expect(out.webUrl).toBe(`${serviceDeskUrl(emu)}/_workitems/edit/${String(out.id)}`);

		const stored = emu.getWorkItem(out.id as number) as { fields: IDataObject; relations: IDataObject[] };
		expect(stored.fields['System.Title']).toBe('Printer 1234 is jammed');
		// System.Description is an HTML field: the ticket's text is escaped, not injected as markup.
		expect(stored.fields['System.Description']).toBe('Paper stuck in tray 1234 &lt;again&gt;');
		expect(stored.fields['System.WorkItemType']).toBe('Task');
		expect(stored.fields['System.Tags']).toBe('Ticket:1234');
		expect(stored.relations).toEqual([
			expect.objectContaining({ rel: 'Hyperlink', url: 'https://servicedesk.example.com/tickets/1234' }),
		]);

		// The organization's API versions and the project's HTML fields (both learnt once per process), one search for
		// existing work items, then exactly one create; all with the credential's first token.
		const creates = createRequests(emu);
		expect(creates).toHaveLength(1);
		expect(creates[0].headers['content-type']).toContain('application/json-patch+json');
		expect(emu.requests().map((r) => `${r.method} ${r.token}`)).toEqual(['OPTIONS fabrikam#0', 'GET fabrikam#0', 'POST fabrikam#0', 'POST fabrikam#0']);
	});

	it('reads an AttributeMap given as an object, and extra variables defined on the node', async () => {
		const settings = JSON.parse(seedSettings(serviceDeskUrl(emu))) as IDataObject;
		settings.AttributeMap = {
			'System.Title': '[[$Queue$]] [$TicketTitle$] for [$requester.name$]',
			'System.WorkItemType': 'Bug',
			'Microsoft.VSTS.Common.Priority': '[$Priority$]',
		};
		const run = await createFromTicket(emu, {
			tickets: [ticket(7, { requester: { name: 'Ana' }, Priority: 2 })],
			parameters: {
				connectorSettings: JSON.stringify(settings),
				variables: { variable: [{ name: 'Queue', value: 'Level 2' }] },
			},
		});
		expect(run.error).toBeUndefined();
		const stored = emu.getWorkItem(run.items[0].json.id as number) as { fields: IDataObject };
		expect(stored.fields['System.Title']).toBe('[Level 2] Printer 7 is jammed for Ana');
		expect(stored.fields['System.WorkItemType']).toBe('Bug');
		expect(stored.fields['Microsoft.VSTS.Common.Priority']).toBe(2);
	});
});

describe('Connector Settings from an expression', () => {
	it('uses each ticket\'s own service settings, searching once per project', async () => {
		const fiber = seedSettings(`${emu.orgUrl('fabrikam')}/Fabrikam%20Fiber`);
		const desk = JSON.parse(seedSettings(serviceDeskUrl(emu))) as IDataObject;
		const run = await createFromTicket(emu, {
			tickets: [
				ticket(21, { service: { connectorSettings: fiber } }),
				// A service may store its settings as an object rather than text.
				ticket(22, { service: { connectorSettings: desk } }),
				ticket(23, { service: { connectorSettings: fiber } }),
			],
			parameters: { connectorSettings: '={{ $json.service.connectorSettings }}' },
		});
		expect(run.error).toBeUndefined();
		expect(run.items.map((item) => item.json.project)).toEqual(['Fabrikam Fiber', 'Service Desk', 'Fabrikam Fiber']);
		expect(run.items.map((item) => item.json.created)).toEqual([true, true, true]);
		expect(wiqlRequests(emu).map((r) => decodeURIComponent(r.path))).toEqual([
			expect.stringContaining('/Fabrikam Fiber/'),
			expect.stringContaining('/Service Desk/'),
		]);
		expect(createRequests(emu)).toHaveLength(3);
	});
});

describe('Create From Ticket with separate parameters', () => {
	it('takes the AttributeMap as JSON, with System.WorkItemType choosing the type', async () => {
		const run = await createFromTicket(emu, {
			tickets: [ticket(56)],
			parameters: {
				configuration: 'parameters',
				project: { mode: 'url', value: serviceDeskUrl(emu) },
				workItemType: '',
				attributeMapInput: 'json',
				attributeMapJson: JSON.stringify({ 'System.Title': '[$TicketTitle$]', 'System.WorkItemType': 'Bug' }),
			},
		});
		expect(run.error).toBeUndefined();
		expect(run.items[0].json).toMatchObject({ workItemType: 'Bug', title: 'Printer 56 is jammed', created: true });
	});

	it('asks for a work item type before sending anything when neither the parameter nor the fields name one', async () => {
		const run = await createFromTicket(emu, {
			tickets: [ticket(57)],
			parameters: {
				configuration: 'parameters',
				project: { mode: 'url', value: serviceDeskUrl(emu) },
				workItemType: '',
				attributeMapInput: 'rows',
				attributeMapRows: { field: [{ name: 'System.Title', value: '[$TicketTitle$]' }] },
			},
		});
		expect(run.error?.message).toContain('AZDC-1033');
		expect(emu.requests()).toHaveLength(0);
	});

	it('creates the work item in the chosen project and type from field rows', async () => {
		const run = await createFromTicket(emu, {
			tickets: [ticket(55, { status: 'Ready' })],
			parameters: {
				configuration: 'parameters',
				project: { mode: 'url', value: `${emu.orgUrl('fabrikam')}/Fabrikam%20Fiber` },
				workItemType: 'User Story',
				attributeMapInput: 'rows',
				attributeMapRows: {
					field: [
						{ name: 'System.Title', value: 'From ticket [$TicketID$]: [$TicketTitle$]' },
						{ name: 'System.AreaPath', value: 'Fabrikam Fiber\\Service Desk' },
					],
				},
				beginState: 'Ready',
				ticketStateField: 'status',
			},
			options: { ticketReference: 'field', ticketField: 'Custom.TicketId' },
		});
		expect(run.error).toBeUndefined();
		const out = run.items[0].json;
		expect(out).toMatchObject({ workItemType: 'User Story', project: 'Fabrikam Fiber', created: true });
		const stored = emu.getWorkItem(out.id as number) as { fields: IDataObject };
		expect(stored.fields['System.Title']).toBe('From ticket 55: Printer 55 is jammed');
		expect(stored.fields['System.AreaPath']).toBe('Fabrikam Fiber\\Service Desk');
		expect(stored.fields['Custom.TicketId']).toBe('55');
		expect(stored.fields['System.Tags']).toBeUndefined();
	});
});

describe('BeginState', () => {
	it('lets tickets in another state pass through as skipped, and sends nothing for them', async () => {
		const run = await createFromTicket(emu, {
			tickets: [ticket(1, { state: 'New' }), ticket(2), ticket(3, { state: 'Resolved' })],
		});
		expect(run.error).toBeUndefined();
		expect(run.items.map((item) => item.json.created)).toEqual([false, true, false]);
		// The same keys as a created item (one shape for n8n's Table view), the work item's empty.
		expect(run.items[0].json).toEqual({
			id: null,
			url: null,
			webUrl: null,
			rev: null,
			workItemType: null,
			state: null,
			title: null,
			project: 'Service Desk',
			skipped: true,
			existing: false,
			validateOnly: false,
			warnings: [],
			reason: expect.stringContaining(`"New" is not the BeginState "${BEGIN_STATE}"`),
			ticket: { id: '1', url: 'https://servicedesk.example.com/tickets/1' },
			created: false,
		});
		expect(run.items.map((item) => item.pairedItem)).toEqual([{ item: 0 }, { item: 1 }, { item: 2 }]);
		expect(createRequests(emu)).toHaveLength(1);
		// The search only asked about the ticket that is in BeginState.
		expect(JSON.stringify(wiqlRequests(emu)[0].body)).not.toContain('Ticket:1\'');
	});

	it('fails a ticket that has no state to compare with AZDC-5010, naming the field to set', async () => {
		const run = await createFromTicket(emu, {
			tickets: [ticket(5, { state: undefined, status: BEGIN_STATE })],
			continueOnFail: true,
		});
		expect(run.items[0].json.code).toBe('AZDC-5010');
		expect(run.items[0].json.error).toContain('Ticket State Field');
		expect(emu.requests()).toHaveLength(0);
	});

	it('creates every ticket when "Only in BeginState" is off', async () => {
		const run = await createFromTicket(emu, {
			tickets: [ticket(1, { state: 'New' }), ticket(2)],
			options: { onlyInBeginState: false },
		});
		expect(run.items.map((item) => item.json.created)).toEqual([true, true]);
	});
});
