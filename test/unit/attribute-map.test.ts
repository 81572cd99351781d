import fc from 'fast-check';
import * as fs from 'fs';
import * as path from 'path';

import {
	compileAttributeMap,
	escapeHtml,
	findAttributeMapFaults,
	listTemplateVariables,
	renderAttributeMap,
} from '../../nodes/AzureDevOpsConnector/connector/attributeMap';
import { ConnectorError, ConnectorErrors } from '../../nodes/AzureDevOpsConnector/connector/errors';
import type { JsonPatchOperation } from '../../nodes/AzureDevOpsConnector/connector/types';

const ticket = JSON.parse(
	fs.readFileSync(path.join(__dirname, '../fixtures/settings/alvao-ticket.json'), 'utf8'),
) as Record<string, unknown>;

/** The codes of every fault a call throws, or [] when it does not throw. */
function faultsOf(fn: () => unknown): ConnectorError[] {
	try {
		fn();
	} catch (error) {
		expect(error).toBeInstanceOf(ConnectorErrors);
		return [...(error as ConnectorErrors).errors];
	}
	return [];
}

function codesOf(fn: () => unknown): string[] {
	return faultsOf(fn).map((fault) => fault.code);
}

/** Field values of a rendered patch, by reference name. */
function fieldsOf(patch: JsonPatchOperation[]): Record<string, unknown> {
	const fields: Record<string, unknown> = {};
	for (const operation of patch) {
		expect(operation.op).toBe('add');
		expect(operation.path.startsWith('/fields/')).toBe(true);
		fields[operation.path.slice('/fields/'.length)] = operation.value;
	}
	return fields;
}

function render(map: Record<string, unknown>, item: unknown = ticket, variables?: Record<string, unknown>) {
	return renderAttributeMap(map, item, { variables });
}

function deepFreeze<T>(value: T): T {
	if (value !== null && typeof value === 'object') {
		for (const key of Object.keys(value)) deepFreeze((value as Record<string, unknown>)[key]);
		Object.freeze(value);
	}
	return value;
}

describe('the seed\'s own AttributeMap, rendered against an ALVAO ticket', () => {
	const seedMap = {
		'System.Title': '[$TicketTitle$]',
		'System.Description': '[$LatestImportantMessage$]',
		'System.WorkItemType': 'Task',
	};

	it('creates a Task with the ticket\'s title and its latest message as the description', () => {
		const { workItemType, patch } = render(seedMap);
		expect(workItemType).toBe('Task');
		expect(patch).toEqual([
			{ op: 'add', path: '/fields/System.Title', value: ticket.TicketTitle },
			{
				op: 'add',
				path: '/fields/System.Description',
				value: 'Paper jams every morning.<br>Tried &quot;reset&quot; &amp; cleaning the rollers.',
			},
		]);
	});

	it('sends System.WorkItemType as the type, never as a field', () => {
		const { patch } = render(seedMap);
		expect(patch.map((operation) => operation.path)).not.toContain('/fields/System.WorkItemType');
	});

	it('lists the variables the map uses, so the node can show them', () => {
		const compiled = compileAttributeMap(seedMap);
		expect(compiled.variableNames).toEqual(['TicketTitle', 'LatestImportantMessage']);
		expect(compiled.fieldNames).toEqual(['System.Title', 'System.Description']);
	});
});

describe('placeholders in text', () => {
	it('replaces any number of placeholders in one value, keeping unicode text around them', () => {
		const { patch } = render({
			'System.Title': 'Požadavek č. [$TicketID$] – [$TicketTitle$] 🚀 ([$TicketRequesterName$])',
		});
		expect(fieldsOf(patch)['System.Title']).toBe(
			`Požadavek č. 4711 – ${String(ticket.TicketTitle)} 🚀 (Jana Nováková)`,
		);
	});

	it('keeps "$" and "[" the admin wrote as plain text', () => {
		const { patch } = render({ 'System.Title': 'Budget $500 [approx] $] [ $ [$TicketID$]$' });
		expect(fieldsOf(patch)['System.Title']).toBe('Budget $500 [approx] $] [ $ 4711$');
	});

	it('accepts spaces inside the brackets around a name', () => {
		const { patch } = render({ 'System.Title': '[$ TicketTitle $]' });
		expect(fieldsOf(patch)['System.Title']).toBe(ticket.TicketTitle);
	});

	it('reads dotted paths into nested objects and lists', () => {
		const { patch } = render({
			'System.Title': '[$ticket.requester.name$] <[$ticket.requester.email$]>',
			'Custom.FirstItem': '[$ticket.items.0.name$] x[$ticket.items.0.quantity$]',
			'Custom.SecondItem': '[$ticket.items.1.name$]',
		});
		expect(fieldsOf(patch)).toEqual({
			'System.Title': 'Jana Nováková <jana.novakova@example.com>',
			'Custom.FirstItem': 'Toner cartridge x2',
			'Custom.SecondItem': 'Drum unit',
		});
	});

	it('prefers a top-level key that itself contains dots over walking the path', () => {
		const item = { 'ticket.requester.name': 'Flat key', ticket: { requester: { name: 'Nested' } } };
		expect(fieldsOf(render({ 'System.Title': '[$ticket.requester.name$]' }, item).patch)['System.Title']).toBe(
			'Flat key',
		);
	});

	it('never re-expands a substituted value that looks like a placeholder', () => {
		const item = { TicketTitle: 'Please print [$Secret$]', Secret: 'should not appear' };
		const { patch } = render({ 'System.Title': '[$TicketTitle$]', 'System.Description': 'x [$TicketTitle$]' }, item);
		expect(fieldsOf(patch)).toEqual({
			'System.Title': 'Please print [$Secret$]',
			'System.Description': 'x Please print [$Secret$]',
		});
	});

	it('does not reach into the prototype for names like "constructor"', () => {
		expect(
			codesOf(() => render({ 'System.Title': '[$constructor$] [$toString$] [$ticket.items.map$]' }, ticket)),
		).toEqual(['AZDC-2001', 'AZDC-2001', 'AZDC-2001']);
	});

	it('still reads a ticket key that happens to be called "constructor"', () => {
		const item = { constructor: 'Kovář s.r.o.', nested: { toString: 'own value' } };
		const { patch } = render({ 'System.Title': '[$constructor$] / [$nested.toString$]' }, item);
		expect(fieldsOf(patch)['System.Title']).toBe('Kovář s.r.o. / own value');
	});
});

describe('types of the values sent', () => {
	it('keeps a number or true/false when the value is exactly one placeholder', () => {
		const { patch } = render({
			'Microsoft.VSTS.Common.Priority': '[$TicketPriority$]',
			'Custom.IsVip': '[$TicketIsVip$]',
			'Custom.ItemCount': '[$ticket.items.length$]',
		});
		expect(fieldsOf(patch)).toEqual({
			'Microsoft.VSTS.Common.Priority': 2,
			'Custom.IsVip': true,
			'Custom.ItemCount': 2,
		});
	});

	it('writes numbers and booleans as text when they sit inside text', () => {
		const { patch } = render({ 'System.Title': 'P[$TicketPriority$] VIP=[$TicketIsVip$]' });
		expect(fieldsOf(patch)['System.Title']).toBe('P2 VIP=true');
	});

	it('sends numbers and booleans the admin wrote as they are', () => {
		const { patch } = render({ 'Microsoft.VSTS.Common.Priority': 1, 'Custom.Billable': false, 'System.Tags': 'desk' });
		expect(fieldsOf(patch)).toEqual({
			'Microsoft.VSTS.Common.Priority': 1,
			'Custom.Billable': false,
			'System.Tags': 'desk',
		});
	});

	it('refuses to put an object or list into a field, naming the variable and the field', () => {
		const faults = faultsOf(() =>
			render({ 'System.Title': 'By [$ticket.requester$]', 'System.Description': '[$ticket.items$]' }),
		);
		expect(faults.map((fault) => fault.code)).toEqual(['AZDC-2003', 'AZDC-2003']);
		expect(faults[0].message).toContain('ticket.requester');
		expect(faults[0].field).toContain('System.Title');
		expect(faults[1].field).toContain('System.Description');
	});
});

describe('HTML fields', () => {
	const hostile = { TicketTitle: '<script>alert("x")</script>', Body: 'line 1\r\nline 2\nline 3 & <b>' };

	it('escapes substituted values in the HTML fields and turns line breaks into <br>', () => {
		const { patch } = render(
			{
				'System.Description': '[$Body$]',
				'Microsoft.VSTS.TCM.ReproSteps': '[$TicketTitle$]',
				'Microsoft.VSTS.Common.AcceptanceCriteria': '[$Body$]',
			},
			hostile,
		);
		const escapedBody = 'line 1<br>line 2<br>line 3 &amp; &lt;b&gt;';
		expect(fieldsOf(patch)).toEqual({
			'System.Description': escapedBody,
			'Microsoft.VSTS.TCM.ReproSteps': '&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;',
			'Microsoft.VSTS.Common.AcceptanceCriteria': escapedBody,
		});
	});

	it('leaves the markup the admin wrote in the template alone', () => {
		const { patch } = render({ 'System.Description': '<h2>From the service desk</h2><p>[$TicketTitle$]</p>' }, hostile);
		expect(fieldsOf(patch)['System.Description']).toBe(
			'<h2>From the service desk</h2><p>&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;</p>',
		);
	});

	it('does not escape plain fields such as the title', () => {
		const { patch } = render({ 'System.Title': '[$TicketTitle$]' }, hostile);
		expect(fieldsOf(patch)['System.Title']).toBe(hostile.TicketTitle);
	});

	it('matches HTML field names in any case, and escapes the extra fields the user lists', () => {
		const compiled = compileAttributeMap(
			{ 'system.description': '[$TicketTitle$]', 'Custom.ResolutionNotes': '[$Body$]', 'Custom.Plain': '[$Body$]' },
			{ htmlFields: ['custom.resolutionnotes'] },
		);
		expect(fieldsOf(compiled.render(hostile).patch)).toEqual({
			'system.description': '&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;',
			'Custom.ResolutionNotes': 'line 1<br>line 2<br>line 3 &amp; &lt;b&gt;',
			'Custom.Plain': hostile.Body,
		});
	});

	it('escapes each special character once and returns clean text untouched', () => {
		expect(escapeHtml(`a&b<c>d"e'f\rg`)).toBe('a&amp;b&lt;c&gt;d&quot;e&#39;f<br>g');
		expect(escapeHtml('&amp;')).toBe('&amp;amp;');
		expect(escapeHtml('plain text')).toBe('plain text');
	});

	it('finds a special character wherever it sits, alone or at either end', () => {
		const expected: Record<string, string> = {
			'&': '&amp;',
			'<': '&lt;',
			'>': '&gt;',
			'"': '&quot;',
			"'": '&#39;',
			'\r': '<br>',
			'\n': '<br>',
			'\r\n': '<br>',
		};
		for (const [special, escaped] of Object.entries(expected)) {
			expect(escapeHtml(special)).toBe(escaped);
			expect(escapeHtml(`${special}text`)).toBe(`${escaped}text`);
			expect(escapeHtml(`text${special}`)).toBe(`text${escaped}`);
		}
		expect(escapeHtml('')).toBe('');
		expect(escapeHtml('ščř ✓ $[]')).toBe('ščř ✓ $[]');
	});
});

describe('variables defined on the node', () => {
	it('win over the ticket\'s own keys', () => {
		const { patch } = render({ 'System.Title': '[$TicketTitle$] ([$Team$])' }, ticket, {
			TicketTitle: 'Overridden',
			Team: 'Printing',
		});
		expect(fieldsOf(patch)['System.Title']).toBe('Overridden (Printing)');
	});

	it('do not hide the ticket\'s value when they have none', () => {
		const { patch } = render({ 'System.Title': '[$TicketTitle$]' }, ticket, { TicketTitle: null });
		expect(fieldsOf(patch)['System.Title']).toBe(ticket.TicketTitle);
	});

	it('can be objects read with a dotted path', () => {
		const { patch } = render({ 'System.Title': '[$site.name$]' }, {}, { site: { name: 'Brno' } });
		expect(fieldsOf(patch)['System.Title']).toBe('Brno');
	});
});

describe('variables the ticket does not have', () => {
	const map = { 'System.Title': '[$TicketTitle$] due [$TicketDeadline$]', 'Custom.Owner': '[$ Nobody $]' };

	it('are a coded error by default, one per variable, naming the variable and the field', () => {
		const faults = faultsOf(() => render(map));
		expect(faults.map((fault) => fault.code)).toEqual(['AZDC-2001', 'AZDC-2001']);
		expect(faults[0].message).toContain('"TicketDeadline"');
		expect(faults[0].field).toContain('System.Title');
		expect(faults[1].message).toContain('"Nobody"');
		expect(faults[1].field).toContain('Custom.Owner');
	});

	it('become empty text with "empty"', () => {
		const { patch } = compileAttributeMap(map, { missingVariables: 'empty' }).render(ticket);
		expect(fieldsOf(patch)).toEqual({ 'System.Title': `${String(ticket.TicketTitle)} due `, 'Custom.Owner': '' });
	});

	it('stay as written with "keep"', () => {
		const { patch } = compileAttributeMap(map, { missingVariables: 'keep' }).render(ticket);
		expect(fieldsOf(patch)).toEqual({
			'System.Title': `${String(ticket.TicketTitle)} due [$TicketDeadline$]`,
			'Custom.Owner': '[$ Nobody $]',
		});
	});

	it('include a path that stops early or runs past the end of a list', () => {
		expect(
			codesOf(() => render({ 'System.Title': '[$ticket.items.5.name$] [$TicketTitle.length.x$]' })),
		).toEqual(['AZDC-2001', 'AZDC-2001']);
	});

	it('are also what a ticket that is not an object has', () => {
		expect(codesOf(() => render({ 'System.Title': '[$TicketTitle$]' }, 'just text'))).toEqual(['AZDC-2001']);
	});
});

describe('malformed placeholders are found when the map is compiled, before any ticket', () => {
	it.each([
		['[$Title', 'not closed'],
		['Ticket [$$]', 'no variable name'],
		['[$   $]', 'no variable name'],
		['[$Ticket [$TicketID$]', 'before the next'],
		['[$items[0].name$]', 'items.0.name'],
		['[$$$]', '"$"'],
	])('%s gives AZDC-2002 (%s)', (template, explanation) => {
		const faults = faultsOf(() => compileAttributeMap({ 'System.Title': template }));
		expect(faults.map((fault) => fault.code)).toEqual(['AZDC-2002']);
		expect(faults[0].message).toContain(explanation);
		expect(faults[0].field).toContain('System.Title');
	});

	it('reports every malformed value of the map at once', () => {
		expect(
			codesOf(() =>
				compileAttributeMap({ 'System.Title': '[$A', 'System.Description': '[$$]', 'System.WorkItemType': '[$T' }),
			),
		).toEqual(['AZDC-2002', 'AZDC-2002', 'AZDC-2002']);
	});

	it('lists the variables of a single template, or refuses a malformed one', () => {
		expect(listTemplateVariables('[$a$] and [$b.c$]')).toEqual(['a', 'b.c']);
		expect(() => listTemplateVariables('[$a')).toThrow(expect.objectContaining({ code: 'AZDC-2002' }));
	});
});

describe('map keys and values the compiler refuses', () => {
	it.each([
		[{ Title: 'x' }, 'AZDC-1035', 'System.Title'],
		[{ 'Assigned To': 'x' }, 'AZDC-1035', 'System.AssignedTo'],
		[{ 'System/Title': 'x' }, 'AZDC-1035', 'reference name'],
		[{ '.System.Title': 'x' }, 'AZDC-1035', 'reference name'],
		[{ 'System.Title': { text: 'x' } }, 'AZDC-1032', 'an object'],
		[{ 'System.Title': ['x'] }, 'AZDC-1032', 'a list'],
		[{ 'System.Title': null }, 'AZDC-1032', 'null'],
		[{ 'System.WorkItemType': 3 }, 'AZDC-1032', 'work item type'],
		[{ 'System.Title': 'a', 'system.title': 'b' }, 'AZDC-1034', 'same field'],
	])('%j gives %s', (map, code, words) => {
		const faults = findAttributeMapFaults(map as Record<string, unknown>);
		expect(faults.map((fault) => fault.code)).toEqual([code]);
		expect(faults[0].message).toContain(words);
	});

	it('accepts reference names of custom fields and of older processes', () => {
		expect(
			findAttributeMapFaults({ 'Custom.Ticket_Id': 'x', 'A_Datum.Common.Business-Priority': 'y', 'Custom.3rdParty': 'z' }),
		).toEqual([]);
	});
});

describe('the work item type', () => {
	it('comes from System.WorkItemType written in any case, and may hold a placeholder', () => {
		const { workItemType, patch } = render(
			{ 'system.WORKITEMTYPE': ' [$Kind$] ', 'System.Title': 'x' },
			{ Kind: 'Bug' },
		);
		expect(workItemType).toBe('Bug');
		expect(patch).toHaveLength(1);
	});

	it('falls back to the node\'s Work Item Type when the map has none, and the map wins when it has one', () => {
		expect(compileAttributeMap({ 'System.Title': 'x' }, { workItemType: 'Issue' }).render({}).workItemType).toBe(
			'Issue',
		);
		expect(
			compileAttributeMap({ 'System.Title': 'x', 'System.WorkItemType': 'Task' }, { workItemType: 'Issue' }).render({})
				.workItemType,
		).toBe('Task');
		expect(compileAttributeMap({ 'System.Title': 'x' }).render({}).workItemType).toBeUndefined();
	});
});

describe('compiling once and rendering many tickets', () => {
	it('renders each ticket independently and never changes the map, the ticket or the variables', () => {
		const map = deepFreeze({
			'System.Title': '[$TicketTitle$]',
			'System.Description': '[$LatestImportantMessage$]',
			'Microsoft.VSTS.Common.Priority': '[$TicketPriority$]',
			'System.WorkItemType': 'Task',
		});
		const frozenTicket = deepFreeze(JSON.parse(JSON.stringify(ticket)) as Record<string, unknown>);
		const variables = deepFreeze({ Team: 'Printing' });
		const compiled = compileAttributeMap(map);

		const first = compiled.render(frozenTicket, variables);
		const other = compiled.render({ TicketTitle: 'Second', LatestImportantMessage: 'B', TicketPriority: 4 });
		const again = compiled.render(frozenTicket, variables);

		expect(again).toEqual(first);
		expect(fieldsOf(other.patch)).toEqual({
			'System.Title': 'Second',
			'System.Description': 'B',
			'Microsoft.VSTS.Common.Priority': 4,
		});
		expect(frozenTicket).toEqual(ticket);
	});

	it('gives every render its own patch, so changing one leaves the next alone', () => {
		const compiled = compileAttributeMap({ 'System.Title': 'fixed' });
		const first = compiled.render({});
		first.patch[0].value = 'changed';
		expect(compiled.render({}).patch[0].value).toBe('fixed');
	});
});

describe('the fast path for the usual ticket gives what the careful path gives', () => {
	// Rendering takes a fast path while every placeholder finds text, a number or true/false, and hands the whole
	// ticket to the careful path at the first value that needs a decision. These tests pin that hand-over.
	const map = {
		'System.Title': '[$TicketTitle$] ([$TicketID$])',
		'Microsoft.VSTS.Common.Priority': '[$TicketPriority$]',
		'Custom.Deadline': 'due [$TicketDeadline$]',
		'System.Description': '[$LatestImportantMessage$]',
	};

	it('renders every field when a value part-way through is missing, in each missing-variable mode', () => {
		const keep = compileAttributeMap(map, { missingVariables: 'keep' }).render(ticket);
		expect(fieldsOf(keep.patch)).toEqual({
			'System.Title': 'Printer <HP LaserJet> on the 3rd floor jams (4711)',
			'Microsoft.VSTS.Common.Priority': 2,
			'Custom.Deadline': 'due [$TicketDeadline$]',
			'System.Description':
				'Paper jams every morning.<br>Tried &quot;reset&quot; &amp; cleaning the rollers.',
		});
		const empty = compileAttributeMap(map, { missingVariables: 'empty' }).render(ticket);
		expect(fieldsOf(empty.patch)['Custom.Deadline']).toBe('due ');
		expect(codesOf(() => compileAttributeMap(map).render(ticket))).toEqual(['AZDC-2001']);
	});

	it('writes a date as ISO text and refuses an object, wherever it sits in the map', () => {
		const compiled = compileAttributeMap({ 'System.Title': '[$TicketTitle$]', 'Custom.Opened': 'opened [$opened$]' });
		const opened = new Date(Date.UTC(2024, 4, 1, 8, 30));
		expect(fieldsOf(compiled.render({ TicketTitle: 'A', opened }).patch)['Custom.Opened']).toBe(
			'opened 2024-05-01T08:30:00.000Z',
		);
		expect(codesOf(() => compiled.render({ TicketTitle: 'A', opened: { at: 1 } }))).toEqual(['AZDC-2003']);
	});

	it('sends numbers that are not finite, and big integers, as text', () => {
		const compiled = compileAttributeMap({ 'Custom.A': '[$a$]', 'Custom.B': '[$b$]', 'Custom.C': '[$c$] items' });
		expect(fieldsOf(compiled.render({ a: Number.NaN, b: BigInt(10), c: Infinity }).patch)).toEqual({
			'Custom.A': 'NaN',
			'Custom.B': '10',
			'Custom.C': 'Infinity items',
		});
	});

	it('reads variables the same whether the node passes none, {} or an object without a prototype', () => {
		const compiled = compileAttributeMap(map, { missingVariables: 'keep' });
		const expected = compiled.render(ticket);
		expect(compiled.render(ticket, {})).toEqual(expected);
		expect(compiled.render(ticket, Object.create(null) as Record<string, unknown>)).toEqual(expected);
	});

	it('still reads variables an object inherits, e.g. from a class', () => {
		class Defaults {
			get TicketDeadline() {
				return 'Friday';
			}
		}
		const { patch } = compileAttributeMap(map).render(ticket, new Defaults() as unknown as Record<string, unknown>);
		expect(fieldsOf(patch)['Custom.Deadline']).toBe('due Friday');
	});

	it('agrees with a plain reference renderer on random tickets, maps and variables', () => {
		const names = ['a', 'b', 'c', 'a.b', 'a.b.c', 'b.a', 'x.y', ' a ', 'a.c'];
		const leaf = fc.oneof(
			fc.constantFrom('plain', 'x<y>&"z\'', 'line\r\nnext\nlast', '', '[$a$]'),
			fc.integer(),
			fc.boolean(),
			fc.constant(null),
		);
		const value = fc.oneof(leaf, fc.dictionary(fc.constantFrom('a', 'b', 'c', 'y'), leaf, { maxKeys: 3 }));
		const record = fc.dictionary(fc.constantFrom('a', 'b', 'c', 'x', 'a.b'), value, { maxKeys: 4 });
		const text = fc
			.array(fc.oneof(fc.constantFrom('', 'Hi ', '<p>', ' & ', '$ ', '[ '), fc.constantFrom(...names).map((n) => `[$${n}$]`)), {
				maxLength: 4,
			})
			.map((parts) => parts.join(''));
		const attributeMap = fc.dictionary(
			fc.constantFrom('System.Title', 'System.Description', 'Custom.A', 'Microsoft.VSTS.Common.Priority'),
			fc.oneof(text, fc.integer(), fc.boolean()),
			{ maxKeys: 4 },
		);
		const variables = fc.oneof(fc.constant(undefined), fc.constant({}), record);
		fc.assert(
			fc.property(attributeMap, record, variables, fc.constantFrom<'empty' | 'keep'>('empty', 'keep'), (m, t, v, mode) => {
				const expected = referenceRender(m, t, v, mode);
				const render = () => compileAttributeMap(m, { missingVariables: mode }).render(t, v).patch;
				if (expected === 'not renderable') expect(codesOf(render)).toContain('AZDC-2003');
				else expect(render()).toEqual(expected);
			}),
			{ numRuns: 2000 },
		);
	});
});

/**
 * What the README promises, written as plainly as possible: a user variable, then the ticket's key of that exact
 * name, then the dotted path (variables first); null counts as missing; exactly one placeholder keeps a number or
 * true/false; substituted text is escaped in HTML fields only. Names here never touch built-in member names.
 */
function referenceRender(
	map: Record<string, unknown>,
	ticketData: Record<string, unknown>,
	variables: Record<string, unknown> | undefined,
	mode: 'empty' | 'keep',
): JsonPatchOperation[] | 'not renderable' {
	const sources = [variables ?? {}, ticketData];
	const resolve = (written: string): unknown => {
		const name = written.trim();
		for (const source of sources) if (source[name] !== undefined && source[name] !== null) return source[name];
		if (!name.includes('.')) return undefined;
		for (const source of sources) {
			let current: unknown = source;
			for (const segment of name.split('.')) {
				current = current !== null && typeof current === 'object' ? (current as Record<string, unknown>)[segment] : undefined;
			}
			if (current !== undefined && current !== null) return current;
		}
		return undefined;
	};
	const escape = (text: string) =>
		text
			.replace(/&/g, '&amp;')
			.replace(/</g, '&lt;')
			.replace(/>/g, '&gt;')
			.replace(/"/g, '&quot;')
			.replace(/'/g, '&#39;')
			.replace(/\r\n|\r|\n/g, '<br>');
	let renderable = true;
	const patch: JsonPatchOperation[] = [];
	for (const [field, value] of Object.entries(map)) {
		const path = `/fields/${field}`;
		if (typeof value !== 'string') {
			patch.push({ op: 'add', path, value });
			continue;
		}
		const single = /^\[\$([^[\]$]+)\$\]$/.exec(value);
		if (single) {
			const found = resolve(single[1]);
			if (typeof found === 'number' || typeof found === 'boolean') {
				patch.push({ op: 'add', path, value: found });
				continue;
			}
		}
		const html = field === 'System.Description';
		const text = value.replace(/\[\$(.+?)\$\]/g, (whole, name: string) => {
			const found = resolve(name);
			if (found === undefined) return mode === 'keep' ? whole : '';
			if (typeof found === 'object') {
				renderable = false;
				return '';
			}
			const asText = String(found);
			return html ? escape(asText) : asText;
		});
		patch.push({ op: 'add', path, value: text });
	}
	return renderable ? patch : 'not renderable';
}
