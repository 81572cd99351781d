// AttributeMap rendering against lodash's `template` on the same map, both compiled once: renders per second of a
// realistic 8-field map with 12 placeholders, and bytes allocated per render. Both sides build the same JSON Patch
// (the lodash side with its field paths prepared once, as ours are), rounds alternate after a warm-up, and the
// tickets are parsed from JSON text, as n8n's items are. Ours is called as Create From Ticket calls it: with the
// node's variables, here none (`{}`).
import template from 'lodash/template';

import { compileAttributeMap } from '../nodes/AzureDevOpsConnector/connector/attributeMap';
import type { JsonPatchOperation } from '../nodes/AzureDevOpsConnector/connector/types';
import { allocationPerCall, alternatingRates, count, median } from './measure';

const MAP: Record<string, string> = {
	'System.Title': '[$TicketID$]: [$TicketTitle$]',
	'System.Description': '<p>[$LatestImportantMessage$]</p><p>Requested by [$TicketRequesterName$] ([$ticket.requester.email$])</p>',
	'System.Tags': 'service-desk; [$ticket.category$]; [$TicketID$]',
	'Microsoft.VSTS.Common.Priority': '[$ticket.priority$]',
	'System.AreaPath': 'Fabrikam\\[$ticket.team$]',
	'Custom.TicketUrl': '[$TicketUrl$]',
	'Custom.Requester': '[$TicketRequesterName$]',
	'Microsoft.VSTS.Common.AcceptanceCriteria': 'Closed in [$ticket.service$] when the requester confirms',
};

function ticket(n: number): Record<string, unknown> {
	const json = JSON.stringify({
		TicketID: `HD-${n}`,
		TicketTitle: `Printer ${n} on floor 3 is offline`,
		LatestImportantMessage: `Paper jam again, tray ${n % 4}`,
		TicketRequesterName: 'Jamal Hartnett',
		TicketUrl: `https://servicedesk.example.com/tickets/HD-${n}`,
		ticket: {
			requester: { email: 'jamal@fabrikam.example' },
			category: 'Hardware',
			priority: 2,
			team: 'Workplace',
			service: 'Printing',
		},
	});
	return JSON.parse(json) as Record<string, unknown>;
}

const ROUNDS = 15;
// Under jest every read of a global such as `Array` goes through the vm context's interceptor (hundreds of ns), so
// both sides take the constructor from a module constant, as attributeMap.ts does.
const NewArray = Array;
const TICKETS = 1000;

it('AttributeMap: renders per second and bytes per render versus lodash template on the same map', async () => {
	const compiled = compileAttributeMap({ ...MAP, 'System.WorkItemType': 'Task' }, { htmlFields: [] });
	const lodash = Object.entries(MAP).map(
		([field, text]) => [`/fields/${field}`, template(text, { interpolate: /\[\$([\s\S]+?)\$\]/g })] as const,
	);
	const tickets = Array.from({ length: TICKETS }, (_, n) => ticket(n));
	const noVariables = {};
	// The last results stay reachable, so no allocation can be optimised away on either side.
	const kept: unknown[] = new Array<unknown>(16);

	const renderOurs = (times: number) => {
		for (let i = 0; i < times; i++) kept[i & 15] = compiled.render(tickets[i % TICKETS], noVariables);
		return kept[0];
	};
	const renderLodash = (times: number) => {
		for (let i = 0; i < times; i++) {
			const data = tickets[i % TICKETS];
			// Sized exactly, like ours, so the memory figures compare templating rather than array growth.
			const patch = new NewArray<JsonPatchOperation>(lodash.length);
			for (let f = 0; f < lodash.length; f++) patch[f] = { op: 'add', path: lodash[f][0], value: lodash[f][1](data) };
			kept[i & 15] = { workItemType: 'Task', patch };
		}
		return kept[0];
	};

	// Both sides must produce the same text, or the comparison means nothing. (No value of these tickets needs HTML
	// escaping, and the priority is the one typed value: ours sends the number 2, lodash the text "2".)
	for (const sample of [tickets[0], tickets[7], tickets[999]]) {
		const ours = compiled.render(sample, noVariables).patch.map((op) => String(op.value));
		expect(ours).toEqual(lodash.map(([, render]) => render(sample)));
	}

	const rates = alternatingRates(
		[
			{ name: 'ours', run: renderOurs, perRound: 50_000 },
			{ name: 'lodash', run: renderLodash, perRound: 10_000 },
		],
		ROUNDS,
	);
	const [oursRate, lodashRate] = rates.cpu.map(median);
	const ratio = median(rates.ratios);
	const spread = [...rates.ratios].sort((a, b) => a - b);
	const wallRatio = median(rates.wall[0]) / median(rates.wall[1]);

	const oursBytes = await allocationPerCall(renderOurs, 4000);
	const lodashBytes = await allocationPerCall(renderLodash, 1000);

	console.log(
		[
			`AttributeMap render (8 fields, 12 placeholders, compiled once): ${count(oursRate)} renders/s`,
			`baseline lodash template (same map, compiled once, same patch): ${count(lodashRate)} renders/s`,
			`ratio ours/lodash: ${ratio.toFixed(1)}x (goal 10x; median of ${ROUNDS} alternating rounds, CPU time; ` +
				`rounds ${spread[0].toFixed(1)}–${spread[spread.length - 1].toFixed(1)}x; wall time ${wallRatio.toFixed(1)}x)`,
			`memory per render: ${count(oursBytes.bytesPerCall)} bytes allocated (median of ${oursBytes.samples} samples without GC)`,
			`baseline lodash: ${count(lodashBytes.bytesPerCall)} bytes allocated (median of ${lodashBytes.samples} samples)`,
			`ratio lodash/ours: ${(lodashBytes.bytesPerCall / oursBytes.bytesPerCall).toFixed(2)} (above 1: ours allocates less)`,
		].join('\n'),
	);
	expect(oursBytes.samples).toBeGreaterThan(0);
	expect(lodashBytes.samples).toBeGreaterThan(0);
});
