// Value maps: ticket values become Azure DevOps values per field, after rendering; "*" is the default; a value with
// no row is reported with what the map knows, never guessed.
import { ConnectorErrors } from '../../nodes/AzureDevOpsConnector/connector/errors';
import {
	applyValueMap,
	compileValueMap,
	mergeValueMaps,
	valueNotMappedError,
} from '../../nodes/AzureDevOpsConnector/connector/valueMap';

const set = (name: string, value: unknown) => ({ op: 'add' as const, path: `/fields/${name}`, value });
const PRIORITY = 'Microsoft.VSTS.Common.Priority';

describe('value maps', () => {
	it('maps a rendered value ignoring case and outer spaces; "*" catches the rest; other fields pass untouched', () => {
		const map = compileValueMap({ [PRIORITY]: { High: 1, Normal: 2, '*': 3 } });
		expect(applyValueMap(map, [set(PRIORITY, ' high '), set('System.Title', 'High')]).patch).toEqual([
			set(PRIORITY, 1),
			set('System.Title', 'High'),
		]);
		expect(applyValueMap(map, [set('microsoft.vsts.common.priority', 'Whatever')]).patch).toEqual([
			set('microsoft.vsts.common.priority', 3),
		]);
	});

	it('reports a value without a row and without "*", with the rows the map has', () => {
		const map = compileValueMap(`{"${PRIORITY}": {"High": 1, "Normal": 2}}`);
		const { unmapped } = applyValueMap(map, [set(PRIORITY, 'Urgent')]);
		expect(unmapped).toEqual([{ field: PRIORITY, value: 'Urgent', known: ['High', 'Normal'] }]);
		const error = valueNotMappedError(unmapped[0], [1, 2, 3, 4]);
		expect(error.code).toBe('AZDC-5131');
		expect(error.message).toContain('"Urgent" has no row');
		expect(error.message).toContain('Azure DevOps allows: 1, 2, 3, 4');
	});

	it('lets the node\'s rows win over the settings\' for the same field and value', () => {
		const merged = mergeValueMaps(
			compileValueMap({ [PRIORITY]: { High: 1, '*': 3 } }),
			compileValueMap({ [PRIORITY]: { high: 2 } }),
		);
		expect(applyValueMap(merged, [set(PRIORITY, 'High'), set(PRIORITY, 'Low')]).patch).toEqual([set(PRIORITY, 2), set(PRIORITY, 3)]);
	});

	it('lists every fault of a malformed map at once', () => {
		expect(() => compileValueMap('{"a": ')).toThrow(/AZDC-5130/);
		try {
			compileValueMap({ [PRIORITY]: 'High=1', 'System.State': { Open: { nested: true } } });
			throw new Error('not thrown');
		} catch (error) {
			expect((error as ConnectorErrors).errors.map((fault) => fault.code)).toEqual(['AZDC-5130', 'AZDC-5130']);
		}
	});
});
