import { ConnectorError } from '../../nodes/AzureDevOpsConnector/connector/errors';
import { compileStateMap, mapDevOpsState } from '../../nodes/AzureDevOpsConnector/connector/stateMap';

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

const SEED = { workItemEndState: 'Closed', endState: 'Return from DevOps' };

describe('the seed settings: WorkItemEndState → EndState', () => {
	const map = compileStateMap(SEED);

	it('sends a closed work item back to the service desk', () => {
		expect(mapDevOpsState(map, 'Closed')).toBe('Return from DevOps');
	});

	it('leaves every other state unmapped (null), which is not an error', () => {
		expect(mapDevOpsState(map, 'Active')).toBeNull();
		expect(mapDevOpsState(map, 'Resolved')).toBeNull();
		expect(mapDevOpsState(map, null)).toBeNull();
		expect(mapDevOpsState(map, undefined)).toBeNull();
	});

	it('matches exactly by default: "closed" and "Closed " are other states', () => {
		expect(mapDevOpsState(map, 'closed')).toBeNull();
		expect(mapDevOpsState(map, 'Closed ')).toBeNull();
	});

	it('does not mistake inherited object properties for states', () => {
		expect(mapDevOpsState(map, 'constructor')).toBeNull();
		expect(mapDevOpsState(map, '__proto__')).toBeNull();
	});
});

describe('a State Map table adds more rows', () => {
	const map = compileStateMap({
		...SEED,
		rows: [
			{ devOpsState: 'Resolved', ticketState: 'Solved in DevOps' },
			{ devOpsState: 'Removed', ticketState: 'Rejected by DevOps' },
			{ devOpsState: '', ticketState: '' },
		],
	});

	it('maps each row, with the seed pair first', () => {
		expect(mapDevOpsState(map, 'Resolved')).toBe('Solved in DevOps');
		expect(mapDevOpsState(map, 'Removed')).toBe('Rejected by DevOps');
		expect(mapDevOpsState(map, 'Closed')).toBe('Return from DevOps');
		expect(map.rows.map((row) => row.devOpsState)).toEqual(['Closed', 'Resolved', 'Removed']);
	});

	it('works with rows alone, without the seed pair', () => {
		const rowsOnly = compileStateMap({ rows: [{ devOpsState: 'Done', ticketState: 'Resolved' }] });
		expect(mapDevOpsState(rowsOnly, 'Done')).toBe('Resolved');
		expect(mapDevOpsState(rowsOnly, 'Closed')).toBeNull();
	});

	it('an empty map maps nothing', () => {
		expect(mapDevOpsState(compileStateMap(), 'Closed')).toBeNull();
		expect(compileStateMap({ rows: null }).rows).toEqual([]);
	});

	it('accepts the same row twice', () => {
		const twice = compileStateMap({ ...SEED, rows: [{ devOpsState: 'Closed', ticketState: 'Return from DevOps' }] });
		expect(twice.rows).toHaveLength(1);
	});
});

describe('with "Ignore Case" on', () => {
	const map = compileStateMap({ ...SEED, caseInsensitive: true });

	it.each(['Closed', 'closed', 'CLOSED', '  Closed  ', '\tclosed\n'])('maps %j', (state) => {
		expect(mapDevOpsState(map, state)).toBe('Return from DevOps');
	});

	it('still leaves other states unmapped', () => {
		expect(mapDevOpsState(map, 'Close')).toBeNull();
	});

	it('trims the configured states too', () => {
		const padded = compileStateMap({ workItemEndState: ' Done ', endState: ' Solved ', caseInsensitive: true });
		expect(mapDevOpsState(padded, 'done')).toBe('Solved');
	});
});

describe('conflicting rows are refused', () => {
	it('one DevOps state in two rows with different ticket states → AZDC-1067', () => {
		const error = failure(() =>
			compileStateMap({
				rows: [
					{ devOpsState: 'Closed', ticketState: 'Solved' },
					{ devOpsState: 'Closed', ticketState: 'Cancelled' },
				],
			}),
		);
		expect(error.code).toBe('AZDC-1067');
		expect(error.field).toBe('State Map row 2');
		expect(error.message).toContain('Solved');
		expect(error.message).toContain('Cancelled');
	});

	it('a row that contradicts the seed pair → AZDC-1067 naming WorkItemEndState', () => {
		const error = failure(() =>
			compileStateMap({ ...SEED, rows: [{ devOpsState: 'Closed', ticketState: 'Solved' }] }),
		);
		expect(error.code).toBe('AZDC-1067');
		expect(error.message).toContain('WorkItemEndState');
	});

	it('"Closed" and "closed" conflict when case is ignored, and are two states when it is not', () => {
		const rows = [
			{ devOpsState: 'Closed', ticketState: 'Solved' },
			{ devOpsState: 'closed', ticketState: 'Cancelled' },
		];
		expect(failure(() => compileStateMap({ rows, caseInsensitive: true })).code).toBe('AZDC-1067');
		const exact = compileStateMap({ rows });
		expect(mapDevOpsState(exact, 'Closed')).toBe('Solved');
		expect(mapDevOpsState(exact, 'closed')).toBe('Cancelled');
	});
});

describe('incomplete configuration gets a coded error', () => {
	it.each([
		{ name: 'a row without ticket state', options: { rows: [{ devOpsState: 'Closed', ticketState: ' ' }] }, code: 'AZDC-1068' },
		{ name: 'a row without DevOps state', options: { rows: [{ devOpsState: '', ticketState: 'Solved' }] }, code: 'AZDC-1068' },
		{ name: 'a row missing a key', options: { rows: [{ devOpsState: 'Closed' }] }, code: 'AZDC-1068' },
		{ name: 'WorkItemEndState without EndState', options: { workItemEndState: 'Closed' }, code: 'AZDC-1041' },
		{ name: 'EndState without WorkItemEndState', options: { endState: 'Return from DevOps', workItemEndState: '' }, code: 'AZDC-1042' },
		{ name: 'a state that is a number', options: { rows: [{ devOpsState: 3, ticketState: 'Solved' }] }, code: 'AZDC-1043' },
	])('$name → $code', ({ options, code }) => {
		expect(failure(() => compileStateMap(options)).code).toBe(code);
	});
});
