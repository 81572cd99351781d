// Areas and iterations as work item fields take them, and "the current iteration" by the iteration dates.
import {
	classificationPaths,
	currentIteration,
	fieldPath,
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

	it('finds the iteration whose dates contain the day, the finish day included; none between sprints', () => {
		const paths = classificationPaths(tree);
		expect(currentIteration(paths, Date.parse('2026-11-27T18:00:00Z'))?.path).toBe('Service Desk\\Release 2\\Sprint 2');
		expect(currentIteration(paths, Date.parse('2026-11-02T00:00:00Z'))?.path).toBe('Service Desk\\Sprint 1');
		expect(currentIteration(paths, Date.parse('2026-11-14T12:00:00Z'))).toBeUndefined();
	});
});
