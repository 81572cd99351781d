// AttributeMap rendering against lodash's `template` on the same map, both compiled once: renders per second of a
// realistic 8-field map with 12 placeholders. Rounds alternate between the two. (Memory per render needs a forced GC
// between rounds, which jest does not give: it is measured in a later benchmark.)
import template from 'lodash/template';

import { compileAttributeMap } from '../nodes/AzureDevOpsConnector/connector/attributeMap';

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

function ticket(n: number) {
	return {
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
	};
}

const ROUNDS = 6;
const PER_ROUND = 20_000;

it('AttributeMap: renders per second versus lodash template on the same map', () => {
	const compiled = compileAttributeMap({ ...MAP, 'System.WorkItemType': 'Task' }, { htmlFields: [] });
	const lodash = Object.entries(MAP).map(([field, text]) => [field, template(text, { interpolate: /\[\$([\s\S]+?)\$\]/g })] as const);
	const tickets = Array.from({ length: 1000 }, (_, n) => ticket(n));

	// Both sides must produce the same text for a plain field, or the comparison means nothing.
	const sample = tickets[7];
	const ours = compiled.render(sample).patch.find((op) => op.path === '/fields/System.Title')?.value;
	expect(ours).toBe(lodash[0][1](sample));

	const oursRate: number[] = [];
	const lodashRate: number[] = [];
	let sink = 0;
	for (let round = 0; round < ROUNDS + 1; round++) {
		let started = process.hrtime.bigint();
		for (let i = 0; i < PER_ROUND; i++) sink += compiled.render(tickets[i % 1000]).patch.length;
		const oursNs = Number(process.hrtime.bigint() - started);
		started = process.hrtime.bigint();
		for (let i = 0; i < PER_ROUND; i++) {
			const data = tickets[i % 1000];
			const patch = [];
			for (const [field, render] of lodash) patch.push({ op: 'add', path: `/fields/${field}`, value: render(data) });
			sink += patch.length;
		}
		const lodashNs = Number(process.hrtime.bigint() - started);
		if (round === 0) continue; // warm-up
		oursRate.push(PER_ROUND / (oursNs / 1e9));
		lodashRate.push(PER_ROUND / (lodashNs / 1e9));
	}
	const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];

	console.log(
		[
			`AttributeMap render (8 fields, 12 placeholders, compiled once): ${Math.round(median(oursRate)).toLocaleString('en')} renders/s`,
			`baseline lodash template (same map, compiled once): ${Math.round(median(lodashRate)).toLocaleString('en')} renders/s`,
			`ratio ours/lodash: ${(median(oursRate) / median(lodashRate)).toFixed(1)}x`,
		].join('\n'),
	);
	expect(sink).toBeGreaterThan(0);
});
