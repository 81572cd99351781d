// The pure parts behind Search and Update: the WIQL the filters turn into, and how tags are merged.
import { buildFilterWiql } from '../../nodes/AzureDevOpsConnector/actions/workItem/search.operation';
import { mergeTags } from '../../nodes/AzureDevOpsConnector/actions/workItem/update.operation';

describe('Search filters as WIQL', () => {
	it('quotes every value, so a quote in a filter is searched for and cannot end the string', () => {
		const query = buildFilterWiql({ tag: "O'Brien", titleContains: "x' OR [System.Id] > '0" });
		expect(query).toContain("[System.Tags] CONTAINS 'O''Brien'");
		expect(query).toContain("[System.Title] CONTAINS 'x'' OR [System.Id] > ''0'");
		// Outside the quoted literals, only the conditions the node wrote are left.
		const outside = query.replace(/'(?:[^']|'')*'/g, '?');
		expect(outside).toBe(
			'SELECT [System.Id] FROM WorkItems WHERE [System.TeamProject] = @project AND [System.Tags] CONTAINS ? AND [System.Title] CONTAINS ? ORDER BY [System.ChangedDate] DESC, [System.Id] DESC',
		);
	});

	it('turns comma-separated states and types into IN lists and a date into a ChangedDate bound', () => {
		const query = buildFilterWiql(
			{ state: 'New, Active', workItemType: 'Bug' },
			new Date('2024-05-01T08:00:00Z'),
		);
		expect(query).toContain("[System.State] IN ('New', 'Active')");
		expect(query).toContain("[System.WorkItemType] = 'Bug'");
		expect(query).toContain("[System.ChangedDate] >= '2024-05-01T08:00:00.000Z'");
	});
});

describe('Update tags', () => {
	it('adds missing tags, removes others case-insensitively, and keeps the rest in order', () => {
		expect(mergeTags(['Ticket:7', 'waiting', 'vip'], ['Escalated', 'VIP'], ['WAITING'])).toEqual([
			'Ticket:7',
			'vip',
			'Escalated',
		]);
	});
});
