// Issue 8, item 5. Hostile ticket text. Tickets whose titles, messages, ids and variables carry HTML, <script>, JSON
// Patch look-alikes, [$Placeholders$] and WIQL quotes go through Create From Ticket into Azure DevOps and back out
// through Search and the trigger: stored verbatim in plain fields, escaped in HTML fields, never expanded a second time,
// never adding an operation to the create, never breaking or bending a query.
import fc from 'fast-check';
import type { IDataObject } from 'n8n-workflow';

import { AzureDevOpsApi } from '../../credentials/AzureDevOpsApi.credentials';
import { AzureDevOpsConnector } from '../../nodes/AzureDevOpsConnector/AzureDevOpsConnector.node';
import { runNode } from '../support/n8n';
import { BEGIN_STATE, createFromTicket, createRequests, seedSettings, serviceDeskUrl, wiqlRequests } from '../nodes/create-from-ticket.support';
import { TRIGGER, triggerRig } from '../nodes/trigger.support';
import { CANARY_HOOK_BASIC, CANARY_PAT, HEAVY, SEED, canarySuite, subscribeByHand } from './support';

const NODE_TYPE = 'n8n-nodes-azure-devops-connector.azureDevOpsConnector';
const TICKETS = HEAVY ? 1_000 : 120;
const HOOK_USER = 'azure-devops';

/** What an attacker (or an unlucky requester) writes into a ticket. */
const FRAGMENTS = [
	'<b>bold</b>',
	'<script>alert(document.cookie)</script>',
	'<img src=x onerror=alert(1)>',
	'"><svg/onload=alert(1)>',
	'&lt;already escaped&gt; &amp;',
	'{"op":"remove","path":"/fields/System.Title"}',
	'[{"op":"add","path":"/fields/System.AssignedTo","value":"mallory@evil.example"}]',
	'/relations/-',
	'[$TicketID$]',
	'[$Secret$]',
	'[$ticket.requester.name$]',
	'[$$]',
	'[$',
	'$]',
	"O'Brien",
	"'); DROP TABLE WorkItems; --",
	"' OR [System.Id] > 0 OR [System.Title] = '",
	"Ticket:1' OR [System.Tags] CONTAINS 'Ticket:",
	'@project',
	'[System.Id]',
	'\\',
	'"quoted"',
	'Žádost 17',
	'💥 ünïcödé',
	'$500 [approx]',
];
/** Fragments allowed in a ticket id: no ";" (a tag cannot hold it) and no "," (the Search tag filter splits on it). */
const ID_FRAGMENTS = FRAGMENTS.filter((fragment) => !fragment.includes(';') && !fragment.includes(','));

const suite = canarySuite('injection');
const { counts, scanner } = suite;

/** HTML escaping as the README states it, written out independently: & < > " ' as entities, line breaks as <br>. */
function escapedForHtml(text: string): string {
	return text
		.replace(/&/g, '&amp;')
		.replace(/</g, '&lt;')
		.replace(/>/g, '&gt;')
		.replace(/"/g, '&quot;')
		.replace(/'/g, '&#39;')
		.replace(/\r\n|\r|\n/g, '<br>');
}

const hostileText = (maxFragments: number) =>
	fc
		.array(fc.oneof(fc.constantFrom(...FRAGMENTS), fc.string({ unit: 'grapheme', maxLength: 12 })), { minLength: 1, maxLength: maxFragments })
		.map((parts) => parts.join(' '));

const hostileTicket = fc.record({
	id: fc.array(fc.constantFrom(...ID_FRAGMENTS), { minLength: 1, maxLength: 2 }).map((parts) => parts.join(' ').trim()),
	title: hostileText(4).map((text) => text.replace(/\p{Cc}/gu, ' ').trim()).filter((text) => text !== ''),
	message: fc.array(hostileText(3), { minLength: 1, maxLength: 3 }).map((lines) => lines.join('\r\n')),
	note: hostileText(3),
});

const ATTRIBUTE_MAP = {
	'System.Title': '[$TicketTitle$]',
	'System.Description': '<p>[$LatestImportantMessage$]</p><p>[$Note$]</p>',
	'Custom.TicketId': '[$Extra$]',
	'System.WorkItemType': 'Task',
};
/** A node variable whose value looks like placeholders: it must arrive as written. */
const EXTRA = 'see [$TicketTitle$] and [$Secret$] {"op":"remove"}';

describe(`${TICKETS} tickets full of markup, patch look-alikes, placeholders and quotes (seed ${SEED})`, () => {
	const tickets = fc.sample(hostileTicket, { seed: SEED, numRuns: TICKETS }).map((t, i) => ({
		TicketID: `INJ-${i} ${t.id}`,
		TicketTitle: t.title,
		LatestImportantMessage: t.message,
		Note: t.note,
		TicketUrl: `https://servicedesk.example.com/tickets/${i}?q=${encodeURIComponent(t.id)}`,
		state: BEGIN_STATE,
	}));
	let ids: number[] = [];

	const run = async () =>
		await createFromTicket(suite.emu, {
			tickets,
			continueOnFail: true,
			credentials: { azureDevOpsApi: { organizationUrl: suite.emu.orgUrl('fabrikam'), accessToken: CANARY_PAT, allowHttp: true } },
			parameters: {
				connectorSettings: seedSettings(serviceDeskUrl(suite.emu), { AttributeMap: ATTRIBUTE_MAP }),
				variables: { variable: [{ name: 'Extra', value: EXTRA }] },
			},
		});

	afterEach(() => {
		expect(suite.emu.specViolations()).toEqual([]);
	});

	it('stores plain fields verbatim, escapes HTML fields, expands nothing twice, sends exactly the planned patch', async () => {
		suite.emu.reset();
		const result = await run();
		scanner.scan('output', result.items);
		counts.add('itemsSent', tickets.length);
		expect(result.items.map((item) => item.json.error)).toEqual(tickets.map(() => undefined));
		ids = result.items.map((item) => item.json.id as number);
		expect(new Set(ids).size).toBe(tickets.length);

		const creates = createRequests(suite.emu);
		expect(creates).toHaveLength(tickets.length);
		for (const [index, ticket] of tickets.entries()) {
			const stored = suite.emu.getWorkItem(ids[index]) as { fields: IDataObject; relations?: Array<{ url: string }> };
			counts.add('fieldsChecked', 4);
			expect(stored.fields['System.Title']).toBe(ticket.TicketTitle);
			expect(stored.fields['System.Description']).toBe(`<p>${escapedForHtml(ticket.LatestImportantMessage)}</p><p>${escapedForHtml(ticket.Note)}</p>`);
			expect(stored.fields['Custom.TicketId']).toBe(EXTRA);
			expect(String(stored.fields['System.Tags']).split('; ')).toEqual([`Ticket:${ticket.TicketID}`]);
			expect(stored.relations?.map((relation) => relation.url)).toEqual([ticket.TicketUrl]);
		}
		// Every create carried the same five operations, whatever the ticket said.
		for (const create of creates) {
			const operations = (create.body as Array<{ op: string; path: string }>).map((operation) => `${operation.op} ${operation.path}`);
			expect(operations.sort()).toEqual(
				['add /fields/Custom.TicketId', 'add /fields/System.Description', 'add /fields/System.Tags', 'add /fields/System.Title', 'add /relations/-'].sort(),
			);
		}
		// The HTML field holds no markup of the ticket's own: only our <p> and the <br> for line breaks.
		for (const id of ids) {
			const description = String((suite.emu.getWorkItem(id) as { fields: IDataObject }).fields['System.Description']);
			expect(description.replace(/<\/?p>|<br>/g, '')).not.toMatch(/[<>"']/);
		}
	});

	it('a re-run finds every ticket by its quoted id (no query broken, none matched by another) and creates nothing', async () => {
		const before = suite.emu.requests().length;
		const result = await run();
		scanner.scan('output', result.items);
		counts.add('itemsSent', tickets.length);
		expect(result.items.map((item) => item.json.id)).toEqual(ids);
		expect(result.items.every((item) => item.json.created === false)).toBe(true);
		const rerun = suite.emu.requests().slice(before);
		expect(rerun.every((request) => request.status === 200)).toBe(true);
		expect(rerun.filter((request) => /\/workitems\/\$/i.test(request.path))).toHaveLength(0);
		counts.add('queriesRun', wiqlRequests(suite.emu).length);
	});

	it('Search with hostile filters finds exactly the work items whose title contains the text, or that carry the tag', async () => {
		const search = async (filters: Record<string, string>) => {
			const result = await runNode({
				type: NODE_TYPE,
				nodeTypes: { [NODE_TYPE]: new AzureDevOpsConnector() },
				credentialTypes: [new AzureDevOpsApi()],
				credentials: { azureDevOpsApi: { organizationUrl: suite.emu.orgUrl('fabrikam'), accessToken: CANARY_PAT, allowHttp: true } },
				parameters: { resource: 'workItem', operation: 'search', project: { __rl: true, mode: 'url', value: serviceDeskUrl(suite.emu) }, searchBy: 'filters', filters, returnAll: true },
			});
			counts.add('queriesRun');
			expect(result.error).toBeUndefined();
			scanner.scan('search', result.items);
			return result.items.map((item) => item.json.id as number).sort((a, b) => a - b);
		};
		for (const fragment of FRAGMENTS.filter((f) => f.trim() !== '' && !f.includes(','))) {
			const expected = tickets
				.map((ticket, index) => ({ ticket, id: ids[index] }))
				.filter(({ ticket }) => ticket.TicketTitle.toLowerCase().includes(fragment.trim().toLowerCase()))
				.map(({ id }) => id)
				.sort((a, b) => a - b);
			expect({ fragment, found: await search({ titleContains: fragment }) }).toEqual({ fragment, found: expected });
		}
		for (const index of [0, 1, 2, Math.floor(tickets.length / 2), tickets.length - 1]) {
			expect(await search({ tag: `Ticket:${tickets[index].TicketID}` })).toEqual([ids[index]]);
		}
	});

	it('the trigger reads the hostile ticket ids back exactly', async () => {
		const rig = await triggerRig(suite.emu, {
			parameters: { registerSubscription: false, deliveryAuthentication: 'credential', workItemEndState: 'Closed', endState: 'Return from DevOps' },
			credentials: {
				azureDevOpsApi: { id: 'ado', name: 'Fabrikam', data: { organizationUrl: suite.emu.orgUrl('fabrikam'), accessToken: CANARY_PAT, allowHttp: true } },
				azureDevOpsWebhookAuthApi: { id: 'hook', name: 'Hook', data: { authType: 'basicAuth', user: HOOK_USER, password: CANARY_HOOK_BASIC } },
			},
		});
		try {
			await subscribeByHand(suite.emu, rig.url, { basicAuthUsername: HOOK_USER, basicAuthPassword: CANARY_HOOK_BASIC });
			const sample = [0, 1, 2, 3, 4].map((n) => Math.floor((n * tickets.length) / 5));
			for (const index of sample) suite.emu.updateWorkItem(ids[index], { 'System.State': 'Closed' });
			await suite.emu.hooks.flush();
			const emitted = rig.results.filter((result) => result.workflowData).map((result) => result.workflowData![0][0].json);
			counts.add('deliveriesTried', rig.results.length);
			scanner.scan('trigger', emitted);
			expect(emitted.map((item) => (item.ticket as IDataObject).id)).toEqual(sample.map((index) => tickets[index].TicketID));
			expect(emitted.map((item) => (item.fields as IDataObject)['System.Title'])).toEqual(sample.map((index) => tickets[index].TicketTitle));
			expect(rig.workflow.nodeStaticData(TRIGGER).dedup).toBeDefined();
		} finally {
			await rig.close();
		}
	});
});

describe('at the end', () => {
	it('n8n logged nothing that carries a secret', () => {
		scanner.scanLogs('log', suite.logs.lines);
		expect(scanner.leaks).toEqual([]);
	});
});
