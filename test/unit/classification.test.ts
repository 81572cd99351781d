// Areas and iterations as work item fields take them, and the current-iteration macro as WIQL writes it.
import {
	classificationPaths,
	currentIterationOf,
	fieldPath,
	parseCurrentIteration,
} from '../../nodes/AzureDevOpsConnector/connector/classification';

const tree = {
	name: 'Service Desk',
	path: '\\Service Desk\\Iteration',
	children: [
		{ name: 'Sprint 1', attributes: { startDate: '2026-11-02T00:00:00Z', finishDate: '2026-11-13T00:00:00Z' } },
		{
			name: 'Release 2',
			children: [{ name: 'Sprint 2', attributes: { startDate: '2026-11-16T00:00:00Z', finishDate: '2026-11-27T00:00:00Z' } }],
		},
		{ name: 'Backlog' },
	],
};

describe('classification paths', () => {
	it('lists every node as the field path, built from the names (older servers give no node path)', () => {
		expect(classificationPaths(tree).map((entry) => entry.path)).toEqual([
			'Service Desk',
			'Service Desk\\Sprint 1',
			'Service Desk\\Release 2',
			'Service Desk\\Release 2\\Sprint 2',
			'Service Desk\\Backlog',
		]);
	});

	it('turns the service\'s node path into the field\'s', () => {
		expect(fieldPath('\\Service Desk\\Area\\Web\\Checkout')).toBe('Service Desk\\Web\\Checkout');
		expect(fieldPath('\\Service Desk\\Iteration')).toBe('Service Desk');
	});

	it('reads @currentIteration for the default team and for a named team, with or without the project, any case', () => {
		expect(parseCurrentIteration('@currentIteration')).toEqual({});
		expect(parseCurrentIteration('  @CurrentIteration ')).toEqual({});
		expect(parseCurrentIteration("@currentIteration('[Service Desk]\\Ops Team')")).toEqual({ project: 'Service Desk', team: 'Ops Team' });
		expect(parseCurrentIteration('@CURRENTITERATION("Ops Team")')).toEqual({ team: 'Ops Team' });
		expect(parseCurrentIteration("@currentIteration('')")).toEqual({});
	});

	it('leaves everything else alone: paths, other macros, half-written macros, other types', () => {
		for (const value of ['Service Desk\\Sprint 2', '@currentIterationX', "@currentIteration('Ops", "@currentIteration(Ops)", "@currentIteration('Ops\")", '@today', '', 42, null]) {
			expect(parseCurrentIteration(value)).toBeUndefined();
		}
	});

	it('writes the value the editor list offers so that it reads back as the same team', () => {
		const value = currentIterationOf('Ops Team', 'Service Desk');
		expect(value).toBe("@currentIteration('[Service Desk]\\Ops Team')");
		expect(parseCurrentIteration(value)).toEqual({ project: 'Service Desk', team: 'Ops Team' });
	});

	it('does not read a value longer than any team name can make it', () => {
		expect(parseCurrentIteration(`@currentIteration('${'x'.repeat(1000)}')`)).toBeUndefined();
	});

});
