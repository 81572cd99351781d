// HTML fields decided by the field's type as Azure DevOps reports it (issue 15, class 2), with the fixed list as the
// fallback when the types are unknown.
import { compileAttributeMap } from '../../nodes/AzureDevOpsConnector/connector/attributeMap';
import {
	DEFAULT_HTML_FIELDS,
	FALLBACK_HTML_FIELDS,
	escapeHtmlFields,
	htmlFieldsFrom,
	isHtmlField,
	resolveHtmlFieldNames,
} from '../../nodes/AzureDevOpsConnector/connector/htmlFields';

describe('htmlFieldsFrom', () => {
	it('takes the fields of type html and history, from the response or its value list, names in lower case', () => {
		const value = [
			{ referenceName: 'System.Description', type: 'html' },
			{ referenceName: 'System.History', type: 'History' },
			{ referenceName: ' Custom.Notes ', type: ' HTML ' },
			{ referenceName: 'System.Title', type: 'string' },
			{ referenceName: 'Custom.Text', type: 'plainText' },
		];
		expect([...(htmlFieldsFrom({ count: 5, value }) ?? [])]).toEqual(['system.description', 'system.history', 'custom.notes']);
		expect(htmlFieldsFrom(value)).toEqual(htmlFieldsFrom({ value }));
	});

	it('is null when the answer says nothing about types: a work item type\'s field list, an empty or odd answer', () => {
		const typeFields = { value: [{ referenceName: 'System.Description', name: 'Description', alwaysRequired: false, helpText: '' }] };
		for (const answer of [typeFields, { value: [] }, [], {}, null, undefined, 'html', [null, 3, 'x']]) {
			expect(htmlFieldsFrom(answer)).toBeNull();
		}
	});

	it('a typed list with no HTML field is an answer (nothing escaped), not an unknown', () => {
		expect(htmlFieldsFrom([{ referenceName: 'System.Title', type: 'string' }])?.size).toBe(0);
	});
});

describe('resolveHtmlFieldNames', () => {
	it('falls back to the fixed list and the Discussion when the types are unknown, and adds the user\'s names', () => {
		const names = resolveHtmlFieldNames(null, ['Custom.Extra ', '', 7]);
		expect([...names]).toEqual([...FALLBACK_HTML_FIELDS.map((name) => name.toLowerCase()), 'custom.extra']);
		expect(FALLBACK_HTML_FIELDS).toEqual([...DEFAULT_HTML_FIELDS, 'System.History']);
		expect(isHtmlField(' SYSTEM.HISTORY ', names)).toBe(true);
	});

	it('the server\'s answer replaces the fixed list', () => {
		const names = resolveHtmlFieldNames(htmlFieldsFrom([{ referenceName: 'Custom.Notes', type: 'html' }]));
		expect([...names]).toEqual(['custom.notes']);
		expect(isHtmlField('System.Description', names)).toBe(false);
	});
});

describe('escaping', () => {
	it('escapeHtmlFields copies, escapes only text of HTML fields, and keeps a "__proto__" field a field', () => {
		const fields = JSON.parse('{"__proto__": "<b>", "Custom.Notes": "<i>", "Custom.N": 5}') as Record<string, unknown>;
		const out = escapeHtmlFields(fields, new Set(['__proto__', 'custom.notes', 'custom.n']));
		expect(Object.keys(out)).toEqual(['__proto__', 'Custom.Notes', 'Custom.N']);
		expect(out['Custom.Notes']).toBe('&lt;i&gt;');
		expect(Object.getOwnPropertyDescriptor(out, '__proto__')?.value).toBe('&lt;b&gt;');
		expect(out['Custom.N']).toBe(5);
		expect(fields['Custom.Notes']).toBe('<i>');
	});

	it('an AttributeMap still escapes what the node\'s HTML Fields option adds, on top of the server\'s answer', () => {
		const map = compileAttributeMap(
			{ 'Custom.A': '[$T$]', 'Custom.B': '[$T$]', 'System.WorkItemType': 'Task' },
			{ htmlFieldNames: htmlFieldsFrom([{ referenceName: 'Custom.A', type: 'html' }]), htmlFields: ['custom.b'] },
		);
		expect(map.render({ T: '<x>' }).patch.map((operation) => operation.value)).toEqual(['&lt;x&gt;', '&lt;x&gt;']);
	});
});
