// Requests per ticket of Create From Ticket: the node run through n8n-core's engine against the Azure DevOps emulator,
// as the tests in test/nodes run it, counting what the emulator receives. Goal: exactly 1 create per ticket and at most
// 1 search per batch. The idempotency check ("If a Work Item Exists": Return the Existing One, the default) is the one
// search; "Create Another" turns it off. A count, not a time: the figures do not depend on the machine.
import type { IDataObject } from 'n8n-workflow';

import { buildTicketLookupQueries } from '../nodes/AzureDevOpsConnector/connector/wiql';
import { startEmulator, type Emulator, type RequestRecord } from '../test/emulator';
import { createFromTicket, ticket } from '../test/nodes/create-from-ticket.support';
import { count } from './measure';

interface Scenario {
	label: string;
	tickets: number;
	options: IDataObject;
	/** Run the same tickets once before, so that every one of them already has its work item. */
	rerun?: boolean;
	/** Searches the goal allows: 1 with the idempotency check, 0 without. */
	searchesAllowed: number;
	/** Creates the goal expects. */
	createsExpected: (tickets: number) => number;
	/** Batch reads that confirm the search's hits (200 ids each); only a re-run has hits. */
	readsExpected?: (tickets: number) => number;
}

const CHECK_ON = {};
const CHECK_OFF = { ifExists: 'createAnyway' };
const FIELD_REFERENCE = { ticketReference: 'field', ticketField: 'Custom.TicketId' };

const SCENARIOS: Scenario[] = [
	{ label: '1 ticket, check on', tickets: 1, options: CHECK_ON, searchesAllowed: 1, createsExpected: (n) => n },
	{ label: '1 ticket, check off', tickets: 1, options: CHECK_OFF, searchesAllowed: 0, createsExpected: (n) => n },
	{ label: '1,000 tickets, check on', tickets: 1000, options: CHECK_ON, searchesAllowed: 1, createsExpected: (n) => n },
	{ label: '1,000 tickets, check off', tickets: 1000, options: CHECK_OFF, searchesAllowed: 0, createsExpected: (n) => n },
	{
		label: '1,000 tickets, check on, reference in a field',
		tickets: 1000,
		options: FIELD_REFERENCE,
		searchesAllowed: 1,
		createsExpected: (n) => n,
	},
	{
		label: '1,000 tickets run again, check on (all exist)',
		tickets: 1000,
		options: CHECK_ON,
		rerun: true,
		searchesAllowed: 1,
		createsExpected: () => 0,
		readsExpected: (n) => Math.ceil(n / 200),
	},
];

function kindOf(request: RequestRecord): 'create' | 'search' | 'read' | 'discovery' | 'other' {
	// What the organization speaks (OPTIONS /_apis) and which of the project's fields are HTML (GET _apis/wit/fields):
	// each at most once per organization (and project) and process.
	if (request.method === 'OPTIONS' || (request.method === 'GET' && /\/_apis\/wit\/fields$/i.test(request.path))) return 'discovery';
	if (request.method === 'POST' && /\/_apis\/wit\/workitems\/\$/i.test(request.path)) return 'create';
	if (request.method === 'POST' && /\/_apis\/wit\/wiql/i.test(request.path)) return 'search';
	if (request.method === 'GET' && /\/_apis\/wit\/workitems/i.test(request.path)) return 'read';
	return 'other';
}

/** The largest batch of ticket ids 10000, 10001, ... that one WIQL search covers. */
function ticketsPerSearch(options: Parameters<typeof buildTicketLookupQueries>[1]): number {
	const ids = (n: number) => Array.from({ length: n }, (_, i) => 10_000 + i);
	let low = 1;
	let high = 50_000;
	while (low < high) {
		const middle = Math.ceil((low + high) / 2);
		if (buildTicketLookupQueries(ids(middle), options).length === 1) low = middle;
		else high = middle - 1;
	}
	return low;
}

let emu: Emulator;

beforeAll(async () => {
	emu = await startEmulator();
});

afterAll(async () => {
	await emu.stop();
});

it('Create From Ticket: requests per ticket, 1 and 1,000 tickets, idempotency check on and off', async () => {
	const lines: string[] = [];
	// Discovery requests over the whole process (one organization, one project): the goal is at most 2 (versions, fields).
	let discoveries = 0;
	for (const scenario of SCENARIOS) {
		emu.reset();
		const tickets = Array.from({ length: scenario.tickets }, (_, i) => ticket(10_000 + i));
		const options = { ...scenario.options, concurrency: 8 };
		if (scenario.rerun) await createFromTicket(emu, { tickets, options });
		const before = emu.requests().length;
		const run = await createFromTicket(emu, { tickets, options });
		const requests = emu.requests().slice(before);

		expect(run.error).toBeUndefined();
		expect(run.items).toHaveLength(scenario.tickets);
		expect(emu.specViolations()).toEqual([]);

		const by = { create: 0, search: 0, read: 0, discovery: 0, other: 0 };
		for (const request of requests) by[kindOf(request)]++;
		const creates = scenario.createsExpected(scenario.tickets);
		const reads = scenario.readsExpected?.(scenario.tickets) ?? 0;
		discoveries += by.discovery;
		const goal = creates + scenario.searchesAllowed + reads + by.discovery;
		const met = by.create === creates && by.search <= scenario.searchesAllowed && by.read <= reads && by.other === 0 && discoveries <= 2;
		lines.push(
			`${scenario.label}: ${count(requests.length)} requests, ${(requests.length / scenario.tickets).toFixed(3)} per ticket ` +
				`(creates ${count(by.create)}, searches ${by.search}, reads ${by.read}, discovery ${by.discovery}, other ${by.other}); ` +
				`baseline (goal) ${count(goal)} (creates ${count(creates)}, searches ≤ ${scenario.searchesAllowed}` +
				`${reads > 0 ? `, reads ${reads}` : ''}); ratio ${(requests.length / goal).toFixed(3)}; ` +
				`${met ? 'goal met' : 'goal NOT met'}`,
		);
	}
	// Why a big batch can need a second search: Azure DevOps refuses WIQL longer than 32,000 characters.
	lines.push(
		`one search covers at most ${count(ticketsPerSearch({}))} tickets with tags like "Ticket:10000", ` +
			`${count(ticketsPerSearch({ mode: 'field', field: 'Custom.TicketId' }))} with the reference in a field ` +
			'(WIQL limit: 32,000 characters)',
	);
	lines.push(`discovery (API versions, HTML field types): ${discoveries} request(s) for 1 organization and project over all ${SCENARIOS.length} runs (goal ≤ 2)`);
	console.log(lines.join('\n'));
});
