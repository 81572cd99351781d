// Which rendered fields really change a work item: what Update From Ticket sends, so that a re-run sends nothing.
import { changedFieldOperations, sameFieldValue } from '../../nodes/AzureDevOpsConnector/connector/fieldChanges';
import { parseConnectorSettings } from '../../nodes/AzureDevOpsConnector/connector/settings';

const set = (name: string, value: unknown) => ({ op: 'add' as const, path: `/fields/${name}`, value });

describe('changedFieldOperations', () => {
	it('keeps only the fields whose value differs, names compared in any case', () => {
		const patch = [set('System.Title', 'Printer jammed'), set('Microsoft.VSTS.Common.Priority', '2'), set('System.Description', 'new')];
		const current = { 'system.title': 'Printer jammed', 'Microsoft.VSTS.Common.Priority': 2, 'System.Description': 'old' };
		expect(changedFieldOperations(patch, current)).toEqual([set('System.Description', 'new')]);
	});

	it('sends a field the work item does not have yet, and not an empty value for a field it lacks', () => {
		expect(changedFieldOperations([set('Custom.Queue', 'L2'), set('Custom.Empty', '')], {})).toEqual([set('Custom.Queue', 'L2')]);
	});

	it('compares tags as a set and keeps the ticket\'s reference tag', () => {
		const current = { 'System.Tags': 'Ticket:7; escalated' };
		expect(changedFieldOperations([set('System.Tags', 'Escalated')], current, { keepTags: ['Ticket:7'] })).toEqual([]);
		expect(changedFieldOperations([set('System.Tags', 'vip')], current, { keepTags: ['Ticket:7'] })).toEqual([
			set('System.Tags', 'vip; Ticket:7'),
		]);
	});
});

describe('sameFieldValue', () => {
	it.each([
		['1', 1, true],
		[1, '1.0', true],
		['2', 1, false],
		['true', true, true],
		['2024-05-01T08:00:00Z', '2024-05-01T08:00:00.000Z', true],
		['Ana Lima <ana@example.com>', { displayName: 'Ana Lima', uniqueName: 'ana@example.com' }, true],
		['ana@example.com', { displayName: 'Ana Lima', uniqueName: 'ana@example.com' }, true],
		['bo@example.com', { displayName: 'Ana Lima', uniqueName: 'ana@example.com' }, false],
		['text ', 'text', true],
		['', undefined, true],
		['x', undefined, false],
	])('%j against the stored %j: %s', (rendered, stored, same) => {
		expect(sameFieldValue(rendered, stored)).toBe(same);
	});
});

describe('Connector Settings with UpdateAttributeMap and ValueMap', () => {
	const base = {
		ConnectorType: 'AzureDevOps',
		URL: 'https://dev.azure.com/fabrikam/Service%20Desk',
		AttributeMap: { 'System.Title': '[$TicketTitle$]', 'System.WorkItemType': 'Task' },
	};

	it('reads UpdateAttributeMap (object or JSON text) without warning about the new keys', () => {
		const settings = parseConnectorSettings({
			...base,
			UpdateAttributeMap: '{"Microsoft.VSTS.Common.Priority": "[$Priority$]", "System.WorkItemType": "Bug"}',
			ValueMap: { 'Microsoft.VSTS.Common.Priority': { High: 1 } },
		});
		expect(settings.updateAttributeMap).toEqual({ 'Microsoft.VSTS.Common.Priority': '[$Priority$]' });
		expect(settings.valueMap).toEqual({ 'Microsoft.VSTS.Common.Priority': { High: 1 } });
		expect(settings.warnings).toEqual([]);
	});

	it('names UpdateAttributeMap in the faults of its own', () => {
		expect(() => parseConnectorSettings({ ...base, UpdateAttributeMap: '{"Title": ' })).toThrow(/UpdateAttributeMap/);
	});
});

describe('HTML as the service rewrites it', () => {
	it.each([
		['Paper stuck<br>again', '<div>Paper stuck<br/>again</div>', true],
		['Paper&nbsp;stuck', 'Paper stuck', true],
		['<b>Paper</b> stuck', 'Paper stuck', false],
		['Paper stuck<br>again', 'Paper stuck again', false],
	])('%j and the stored %j are the same: %s', (rendered, stored, same) => {
		expect(sameFieldValue(rendered, stored)).toBe(same);
	});
});
