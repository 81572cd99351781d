import * as fs from 'fs';
import * as path from 'path';

import { parseServiceHookDelivery } from '../../nodes/AzureDevOpsConnector/connector/delivery';
import { ConnectorError } from '../../nodes/AzureDevOpsConnector/connector/errors';
import {
	planTicketReference,
	readTicketReference,
	ticketReferenceIds,
	ticketReferencePatch,
	ticketTag,
	workItemBelongsToTicket,
	type TicketReferenceOptions,
} from '../../nodes/AzureDevOpsConnector/connector/ticketReference';
import type { JsonPatchOperation, WorkItemRelation } from '../../nodes/AzureDevOpsConnector/connector/types';

/** The coded error a call fails with; fails the test when it throws anything else, or nothing. */
function failure(fn: () => unknown): ConnectorError {
	let caught: unknown;
	try {
		fn();
	} catch (error) {
		caught = error;
	}
	expect(caught).toBeInstanceOf(ConnectorError);
	return caught as ConnectorError;
}

/** What Azure DevOps stores when it applies a create patch: fields by path, relations appended, tags normalised. */
function applyCreatePatch(patch: readonly JsonPatchOperation[]): {
	fields: Record<string, unknown>;
	relations: WorkItemRelation[];
} {
	const fields: Record<string, unknown> = {};
	const relations: WorkItemRelation[] = [];
	for (const operation of patch) {
		if (operation.path === '/relations/-') relations.push(operation.value as WorkItemRelation);
		else if (operation.path.startsWith('/fields/')) fields[operation.path.slice('/fields/'.length)] = operation.value;
	}
	if (typeof fields['System.Tags'] === 'string') {
		fields['System.Tags'] = fields['System.Tags']
			.split(';')
			.map((tag) => tag.trim())
			.filter(Boolean)
			.join('; ');
	}
	return { fields, relations };
}

const ATTRIBUTE_MAP_PATCH: JsonPatchOperation[] = [
	{ op: 'add', path: '/fields/System.Title', value: 'ERP: new VAT rate' },
	{ op: 'add', path: '/fields/System.Description', value: 'Please add the 12% rate.' },
];
const TICKET = { id: '1234', url: 'https://servicedesk.example.com/Ticket/1234' };

describe('Create From Ticket marks the work item with its ticket (default: tag + hyperlink)', () => {
	it('adds the tag and a hyperlink to the AttributeMap patch, without changing the patch it was given', () => {
		const before = JSON.parse(JSON.stringify(ATTRIBUTE_MAP_PATCH)) as JsonPatchOperation[];
		const patch = ticketReferencePatch(TICKET, {}, ATTRIBUTE_MAP_PATCH);
		expect(ATTRIBUTE_MAP_PATCH).toEqual(before);
		expect(patch.slice(0, 2)).toEqual(ATTRIBUTE_MAP_PATCH);
		expect(patch).toContainEqual({ op: 'add', path: '/fields/System.Tags', value: 'Ticket:1234' });
		expect(patch).toContainEqual({
			op: 'add',
			path: '/relations/-',
			value: { rel: 'Hyperlink', url: TICKET.url, attributes: { comment: 'Service desk ticket 1234' } },
		});
		expect(patch).toHaveLength(4);
	});

	it('reads the same ticket back from the created work item', () => {
		const workItem = applyCreatePatch(ticketReferencePatch(TICKET, {}, ATTRIBUTE_MAP_PATCH));
		expect(readTicketReference(workItem)).toEqual({ id: '1234', url: TICKET.url, source: 'tag' });
		expect(workItemBelongsToTicket(workItem, '1234')).toBe(true);
	});

	it('merges the tag into tags the AttributeMap already sets, without duplicates', () => {
		const patch = ticketReferencePatch(TICKET, {}, [
			...ATTRIBUTE_MAP_PATCH,
			{ op: 'add', path: '/fields/System.Tags', value: 'ERP;Urgent ; erp' },
		]);
		const tagOps = patch.filter((operation) => operation.path === '/fields/System.Tags');
		expect(tagOps).toEqual([{ op: 'add', path: '/fields/System.Tags', value: 'ERP; Urgent; Ticket:1234' }]);
	});

	it('does not add the tag again when the AttributeMap already has it in another case', () => {
		const patch = ticketReferencePatch(TICKET, {}, [{ op: 'add', path: '/fields/system.tags', value: 'ticket:1234' }]);
		expect(patch.filter((operation) => /tags$/i.test(operation.path))).toEqual([
			{ op: 'add', path: '/fields/system.tags', value: 'ticket:1234' },
		]);
	});

	it('does not link the same URL twice', () => {
		const once = ticketReferencePatch(TICKET, {}, ATTRIBUTE_MAP_PATCH);
		const twice = ticketReferencePatch(TICKET, {}, once);
		expect(twice).toEqual(once);
	});

	it('adds no hyperlink without a URL, or when hyperlinks are off', () => {
		const withoutUrl = ticketReferencePatch({ id: '1234' }, {}, []);
		const switchedOff = ticketReferencePatch(TICKET, { hyperlink: false }, []);
		for (const patch of [withoutUrl, switchedOff]) {
			expect(patch).toEqual([{ op: 'add', path: '/fields/System.Tags', value: 'Ticket:1234' }]);
		}
	});

	it.each([
		'INC 0042 / Printer',
		'Žádost č. 17',
		'チケット-9',
		"O'Brien-7",
		'ALVAO#2024-000123',
	])('keeps ticket id %j intact through the round trip', (id) => {
		const workItem = applyCreatePatch(ticketReferencePatch({ id, url: TICKET.url }, {}, []));
		expect(readTicketReference(workItem).id).toBe(id);
	});

	it('accepts a numeric ticket id as the service desk sends it, and trims spaces around ids', () => {
		expect(ticketTag(' 1234 ')).toBe('Ticket:1234');
		const patch = ticketReferencePatch({ id: 1234 }, {}, []);
		expect(patch).toEqual([{ op: 'add', path: '/fields/System.Tags', value: 'Ticket:1234' }]);
	});

	it('uses a custom tag prefix', () => {
		const options = { tagPrefix: 'ALVAO-' };
		const workItem = applyCreatePatch(ticketReferencePatch(TICKET, options, []));
		expect(workItem.fields['System.Tags']).toBe('ALVAO-1234');
		expect(readTicketReference(workItem, options)).toMatchObject({ id: '1234', source: 'tag' });
		expect(readTicketReference(workItem)).toMatchObject({ source: 'hyperlink' });
	});
});

describe('keeping the ticket id in a custom field', () => {
	const options: TicketReferenceOptions = { mode: 'field', field: 'Custom.TicketId' };

	it('sets the field and reads it back', () => {
		const patch = ticketReferencePatch(TICKET, options, ATTRIBUTE_MAP_PATCH);
		expect(patch).toContainEqual({ op: 'add', path: '/fields/Custom.TicketId', value: '1234' });
		expect(patch.some((operation) => operation.path === '/fields/System.Tags')).toBe(false);
		expect(readTicketReference(applyCreatePatch(patch), options)).toEqual({ id: '1234', url: TICKET.url, source: 'field' });
	});

	it('allows ";" in the id, which a tag cannot hold', () => {
		const patch = ticketReferencePatch({ id: 'A;B' }, options, []);
		expect(readTicketReference(applyCreatePatch(patch), options).id).toBe('A;B');
	});

	it('accepts the AttributeMap setting the same field to the same id', () => {
		const existing: JsonPatchOperation[] = [{ op: 'add', path: '/fields/Custom.TicketId', value: '1234' }];
		expect(ticketReferencePatch({ id: '1234' }, options, existing)).toEqual(existing);
	});

	it('refuses the AttributeMap setting the field to another value (AZDC-1066)', () => {
		const existing: JsonPatchOperation[] = [{ op: 'add', path: '/fields/custom.ticketid', value: '999' }];
		expect(failure(() => ticketReferencePatch({ id: '1234' }, options, existing)).code).toBe('AZDC-1066');
	});

	it('finds the field whatever the case of its name in the work item', () => {
		expect(readTicketReference({ fields: { 'custom.ticketid': 77 } }, options)).toEqual({
			id: '77',
			url: null,
			source: 'field',
		});
	});
});

describe('reading the reference back', () => {
	it('matches the tag prefix case-insensitively, as Azure DevOps treats tags', () => {
		const workItem = { fields: { 'System.Tags': 'ERP; ticket:1234' } };
		expect(readTicketReference(workItem)).toEqual({ id: '1234', url: null, source: 'tag' });
		expect(workItemBelongsToTicket(workItem, '1234')).toBe(true);
	});

	it('falls back to the hyperlink when someone removed the tag', () => {
		const workItem = applyCreatePatch(ticketReferencePatch(TICKET, {}, []));
		delete workItem.fields['System.Tags'];
		expect(readTicketReference(workItem)).toEqual({ id: '1234', url: TICKET.url, source: 'hyperlink' });
	});

	it('ignores hyperlinks that are not ticket links', () => {
		const workItem = {
			relations: [
				{ rel: 'Hyperlink', url: 'https://wiki.example.com/ERP', attributes: { comment: 'Design notes' } },
				{ rel: 'System.LinkTypes.Related', url: 'https://dev.azure.com/o/_apis/wit/workItems/9', attributes: { comment: 'Service desk ticket 5' } },
			],
		};
		expect(readTicketReference(workItem)).toEqual({ id: null, url: null, source: null });
	});

	it('reads a parsed service-hook delivery', () => {
		const body = JSON.parse(
			fs.readFileSync(path.join(__dirname, '..', 'fixtures', 'service-hooks', 'workitem.updated.json'), 'utf8'),
		) as { resource: { revision: { fields: Record<string, unknown>; relations?: unknown[] } } };
		body.resource.revision.fields['System.Tags'] = 'Urgent; Ticket:INC 0042';
		body.resource.revision.relations = [
			{ rel: 'Hyperlink', url: 'https://desk.example.com/t/42', attributes: { comment: 'Service desk ticket INC 0042' } },
		];
		const delivery = parseServiceHookDelivery(body);
		expect(readTicketReference(delivery)).toEqual({ id: 'INC 0042', url: 'https://desk.example.com/t/42', source: 'tag' });
	});

	it('finds nothing on a delivery whose work item has no ticket', () => {
		const body: unknown = JSON.parse(
			fs.readFileSync(path.join(__dirname, '..', 'fixtures', 'service-hooks', 'workitem.created.json'), 'utf8'),
		);
		expect(readTicketReference(parseServiceHookDelivery(body))).toEqual({ id: null, url: null, source: null });
	});

	it.each([
		{ name: 'nothing', workItem: null },
		{ name: 'fields as a list', workItem: { fields: [] as unknown as Record<string, unknown> } },
		{ name: 'tags as a number', workItem: { fields: { 'System.Tags': 5 } } },
		{ name: 'relations as text', workItem: { relations: 'x' as unknown as unknown[] } },
		{ name: 'a bare prefix tag', workItem: { fields: { 'System.Tags': 'Ticket:' } } },
	])('does not fail on a work item with $name', ({ workItem }) => {
		expect(readTicketReference(workItem)).toEqual({ id: null, url: null, source: null });
	});

	it('confirms search hits: Ticket:123 does not belong to ticket 12', () => {
		const workItem = { fields: { 'System.Tags': 'Ticket:123' } };
		expect(workItemBelongsToTicket(workItem, '12')).toBe(false);
		expect(workItemBelongsToTicket(workItem, '123')).toBe(true);
		expect(workItemBelongsToTicket({ fields: { 'Custom.TicketId': 'abc' } }, 'ABC', { mode: 'field', field: 'Custom.TicketId' })).toBe(false);
	});
});

describe('bad ticket ids, URLs and options get a coded error', () => {
	it.each([
		{ name: 'an empty id', call: () => ticketReferencePatch({ id: '' }, {}, []), code: 'AZDC-1060' },
		{ name: 'an id of spaces', call: () => ticketReferencePatch({ id: '   ' }, {}, []), code: 'AZDC-1060' },
		{ name: 'an id that is an object', call: () => ticketReferencePatch({ id: {} as unknown as string }, {}, []), code: 'AZDC-1060' },
		{ name: 'an id with ";" in tag mode', call: () => ticketReferencePatch({ id: 'A;B' }, {}, []), code: 'AZDC-1061' },
		{ name: 'a javascript: URL', call: () => ticketReferencePatch({ id: '1', url: 'javascript:alert(1)' }, {}, []), code: 'AZDC-1062' },
		{ name: 'an ftp URL', call: () => ticketReferencePatch({ id: '1', url: 'ftp://desk.example.com/1' }, {}, []), code: 'AZDC-1062' },
		{ name: 'a URL with a password', call: () => ticketReferencePatch({ id: '1', url: 'https://u:p@desk.example.com/1' }, {}, []), code: 'AZDC-1062' },
		{ name: 'a relative URL', call: () => ticketReferencePatch({ id: '1', url: '/Ticket/1' }, {}, []), code: 'AZDC-1062' },
		{ name: 'field mode without a field', call: () => ticketReferencePatch(TICKET, { mode: 'field' }, []), code: 'AZDC-1063' },
		{ name: 'a field name with spaces', call: () => ticketReferencePatch(TICKET, { mode: 'field', field: 'Ticket Id' }, []), code: 'AZDC-1063' },
		{ name: 'a field name that is a path', call: () => ticketReferencePatch(TICKET, { mode: 'field', field: 'Custom.Id/../x' }, []), code: 'AZDC-1063' },
		{ name: 'an unknown mode', call: () => ticketReferencePatch(TICKET, { mode: 'label' }, []), code: 'AZDC-1064' },
		{ name: 'an empty tag prefix', call: () => ticketReferencePatch(TICKET, { tagPrefix: ' ' }, []), code: 'AZDC-1065' },
		{ name: 'a tag prefix with ";"', call: () => readTicketReference({}, { tagPrefix: 'T;' }), code: 'AZDC-1065' },
	])('$name → $code', ({ call, code }) => {
		expect(failure(call).code).toBe(code);
	});
});

describe('one work item, one ticket (issue 15, class 1)', () => {
	const rendered = (tags: string): JsonPatchOperation[] => [{ op: 'add', path: '/fields/System.Tags', value: tags }];

	it('tags of the rendered text that name another ticket are left out, with a coded warning', () => {
		const plan = planTicketReference({ id: '12' }, {}, rendered('VIP; Ticket:99; ticket: 100 ;Printer; TICKET:12'));
		expect(plan.patch).toEqual([{ op: 'add', path: '/fields/System.Tags', value: 'VIP; Printer; TICKET:12' }]);
		expect(plan.warnings).toHaveLength(1);
		expect(plan.warnings[0]).toMatch(/^\[AZDC-1092\] System\.Tags: The rendered tags held 2 tags naming another ticket \("Ticket:99", "ticket: 100"\)/);
		expect(ticketReferenceIds({ fields: { 'System.Tags': String(plan.patch[0].value) } })).toEqual(['12']);
	});

	it('the warning stays short whatever the text holds: ten tags, clipped, then how many more', () => {
		const many = Array.from({ length: 5_000 }, (_, i) => `Ticket:${i}${'x'.repeat(100)}`).join(';');
		const plan = planTicketReference({ id: 'own' }, {}, rendered(many));
		expect(plan.patch[0].value).toBe('Ticket:own');
		expect(plan.warnings[0]).toContain('and 4990 more');
		expect(plan.warnings[0].length).toBeLessThan(1_500);
	});

	it('a custom prefix is what counts; field mode leaves tags alone', () => {
		expect(planTicketReference({ id: '1' }, { tagPrefix: 'SD#' }, rendered('Ticket:2; sd#3')).patch[0].value).toBe('Ticket:2; SD#1');
		const field = planTicketReference({ id: '1' }, { mode: 'field', field: 'Custom.TicketId' }, rendered('Ticket:2'));
		expect(field.warnings).toEqual([]);
		expect(field.patch[0].value).toBe('Ticket:2');
	});

	it('readers never pick one of several different references', () => {
		const read = (tags: string, relations?: WorkItemRelation[]) => readTicketReference({ fields: { 'System.Tags': tags }, relations });
		expect(read('Ticket:1; Ticket:2')).toMatchObject({ id: null, url: null, source: null, ambiguous: { ids: ['1', '2'], count: 2, code: 'AZDC-1091' } });
		expect(read('Ticket:1; ticket: 1')).toMatchObject({ id: '1', source: 'tag' });
		expect(read('Ticket:1; ticket: 1').ambiguous).toBeUndefined();
		const link = (id: string): WorkItemRelation => ({ rel: 'Hyperlink', url: `https://sd.example.com/${id}`, attributes: { comment: `Service desk ticket ${id}` } });
		expect(read('', [link('1'), link('2')]).ambiguous?.message).toMatch(/^\[AZDC-1091\] .*in its hyperlinks \("1", "2"\)/);
		// The tag decides; a hyperlink naming another ticket gives that one neither id nor URL.
		expect(read('Ticket:1', [link('2')])).toMatchObject({ id: '1', url: null, source: 'tag' });
		expect(workItemBelongsToTicket({ fields: { 'System.Tags': 'Ticket:1; Ticket:2' } }, '1')).toBe(false);
		expect(workItemBelongsToTicket({ fields: { 'System.Tags': 'Ticket:1' } }, '1')).toBe(true);
		const many = Array.from({ length: 1_000 }, (_, i) => `Ticket:${i}`).join(';');
		const ambiguous = read(many).ambiguous!;
		expect(ambiguous.ids).toHaveLength(10);
		expect(ambiguous.count).toBe(1_000);
		expect(ambiguous.message).toContain('and 990 more');
	});
});
