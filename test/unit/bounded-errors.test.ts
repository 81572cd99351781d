// Issue 15, class 4: however many faults a document has, what the user is told stays short, and the work done for
// faults past the first twenty is a counter, not an error object (each captures a stack trace).
import { compileAttributeMap } from '../../nodes/AzureDevOpsConnector/connector/attributeMap';
import {
	ConnectorError,
	ConnectorErrors,
	MAX_LISTED_FAULTS,
	addFault,
	mergeFaults,
} from '../../nodes/AzureDevOpsConnector/connector/errors';
import { lineAndColumn, lineLocator, parseConnectorSettings } from '../../nodes/AzureDevOpsConnector/connector/settings';

function thrown(fn: () => unknown): ConnectorErrors {
	try {
		fn();
	} catch (error) {
		if (error instanceof ConnectorErrors) return error;
		throw error;
	}
	throw new Error('nothing thrown');
}

describe('a document with thousands of faults', () => {
	it('makes twenty error objects, counts the rest, and says how many', () => {
		const faults: ConnectorError[] = [];
		let made = 0;
		for (let i = 0; i < 100_000; i++) {
			addFault(faults, 'attributeMapFieldNameInvalid', () => {
				made++;
				return new ConnectorError('attributeMapFieldNameInvalid', `"bad ${i}" is not a field reference name.`);
			});
		}
		expect(made).toBe(MAX_LISTED_FAULTS);
		const error = new ConnectorErrors(faults);
		expect(error.total).toBe(100_000);
		expect(error.errors).toHaveLength(MAX_LISTED_FAULTS + 1);
		expect(error.errors.at(-1)?.message).toContain('… and 99980 more problems, not listed');
		expect(error.message.startsWith('100000 problems in the Connector Settings:')).toBe(true);
		expect(error.message.length).toBeLessThan(4_000);
	});

	it('keeps counting when one list of faults is merged into another', () => {
		const inner: ConnectorError[] = [];
		for (let i = 0; i < 500; i++) addFault(inner, 'attributeMapDuplicateKey', () => new ConnectorError('attributeMapDuplicateKey', `dup ${i}`));
		const outer = [new ConnectorError('urlMissing', 'No URL is set.')];
		mergeFaults(outer, inner);
		mergeFaults(outer, new ConnectorErrors(inner).errors);
		const error = new ConnectorErrors(outer);
		expect(error.total).toBe(1_001);
		expect(error.errors.map((fault) => fault.code).slice(0, 2)).toEqual(['AZDC-1010', 'AZDC-1034']);
		expect(error.errors).toHaveLength(MAX_LISTED_FAULTS + 1);
	});

	it('twenty-one faults are all listed; a single fault is its own message', () => {
		const faults = Array.from({ length: MAX_LISTED_FAULTS + 1 }, (_, i) => new ConnectorError('urlMissing', `fault ${i}`));
		expect(new ConnectorErrors(faults).errors).toHaveLength(MAX_LISTED_FAULTS + 1);
		expect(new ConnectorErrors(faults).message).not.toContain('more problems');
		expect(new ConnectorErrors(faults.slice(0, 1)).message).toBe(faults[0].message);
	});

	it('settings and AttributeMaps quote a key or value in at most 80 characters', () => {
		const long = 'K'.repeat(100_000);
		const settings = thrown(() => parseConnectorSettings({ URL: 'https://dev.azure.com/org/p', AttributeMap: { [long]: 'x', [`${long} `]: 'y' } }));
		expect(settings.message.length).toBeLessThan(2_000);
		const map = thrown(() => compileAttributeMap({ 'System.Title': `[$${long}`, 'Custom.A': `[$ $]${long}`, [`Custom.${long}`]: {} }));
		expect(map.message.length).toBeLessThan(2_000);
		const warnings = parseConnectorSettings(
			Object.fromEntries([['URL', 'https://dev.azure.com/org/p'], ['AttributeMap', { 'System.Title': 'x', 'System.WorkItemType': 'Task' }], ...Array.from({ length: 5_000 }, (_, i) => [`${long.slice(0, 1_000)}${i}`, 1])]),
		).warnings;
		expect(warnings).toHaveLength(21);
		expect(warnings.at(-1)).toBe('… and 4980 more unknown settings are ignored.');
		expect(warnings.join('\n').length).toBeLessThan(3_000);
	});

	it('a key such as "constructor" gets no hint taken from Object\'s own members', () => {
		expect(thrown(() => compileAttributeMap({ constructor: 'x', 'System.WorkItemType': 'Task' })).message).not.toContain('Did you mean');
	});
});

describe('line and column of many positions', () => {
	it('agree with lineAndColumn for every offset, whatever the line breaks', () => {
		const text = 'a\r\nbc\rd\n\nef\r\r\n g';
		const locate = lineLocator(text);
		for (let offset = 0; offset <= text.length + 2; offset++) expect(locate(offset)).toEqual(lineAndColumn(text, offset));
	});
});
