import { ConnectorError } from '../../nodes/AzureDevOpsConnector/connector/errors';
import {
	buildTicketLookupQueries,
	WIQL_MAX_LENGTH,
	wiqlString,
} from '../../nodes/AzureDevOpsConnector/connector/wiql';

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

/**
 * Reads a WIQL text the way its parser does: string literals in single quotes with '' for a quote. Returns the
 * literals' values and the text outside them, so a test sees exactly what a query asks for.
 */
function tokenize(query: string): { literals: string[]; code: string } {
	const literals: string[] = [];
	let code = '';
	let i = 0;
	while (i < query.length) {
		if (query[i] !== "'") {
			code += query[i++];
			continue;
		}
		let value = '';
		i++;
		for (;;) {
			// An unterminated literal shows up as a literal no test expects.
			if (i >= query.length) return { literals: [...literals, `UNTERMINATED:${value}`], code };
			if (query[i] === "'" && query[i + 1] === "'") {
				value += "'";
				i += 2;
			} else if (query[i] === "'") {
				i++;
				break;
			} else {
				value += query[i++];
			}
		}
		literals.push(value);
		code += '?';
	}
	return { literals, code };
}

describe('WIQL string literals', () => {
	it.each([
		['1234', "'1234'"],
		["O'Brien", "'O''Brien'"],
		["''", "''''''"],
		['', "''"],
		['a\\b "c"', "'a\\b \"c\"'"],
	])('%j is written as %s', (value, literal) => {
		expect(wiqlString(value)).toBe(literal);
		expect(tokenize(wiqlString(value)).literals).toEqual([value]);
	});
});

describe('finding the work items of many tickets at once', () => {
	it('asks for each ticket tag in one query', () => {
		expect(buildTicketLookupQueries(['A', 'B'])).toEqual([
			"SELECT [System.Id] FROM WorkItems WHERE [System.TeamProject] = @project AND ([System.Tags] CONTAINS 'Ticket:A' OR [System.Tags] CONTAINS 'Ticket:B')",
		]);
	});

	it('uses IN on the field when the ticket id is kept in a field', () => {
		expect(buildTicketLookupQueries(['A', 'B'], { mode: 'field', field: 'Custom.TicketId' })).toEqual([
			"SELECT [System.Id] FROM WorkItems WHERE [System.TeamProject] = @project AND [Custom.TicketId] IN ('A', 'B')",
		]);
	});

	it('names the project when one is given, quoting it', () => {
		const [query] = buildTicketLookupQueries(['1'], { project: "Bob's Project" });
		expect(tokenize(query).literals).toEqual(["Bob's Project", 'Ticket:1']);
		expect(query).not.toContain('@project');
	});

	const hostile = "x') OR [System.Id] > 0 OR ([System.Tags] CONTAINS 'y";
	it.each([
		{ mode: 'tag', options: {}, literals: ["Ticket:O'Brien-7", `Ticket:${hostile}`] },
		{ mode: 'field', options: { mode: 'field', field: 'Custom.TicketId' }, literals: ["O'Brien-7", hostile] },
	])('in $mode mode, quotes in ticket ids stay inside their literal, so an id cannot change the query', (row) => {
		const [query] = buildTicketLookupQueries(["O'Brien-7", hostile], row.options);
		const { literals, code } = tokenize(query);
		expect(literals).toEqual(row.literals);
		expect(code).not.toContain('[System.Id] >');
	});

	it('asks once per ticket: duplicates (tags ignore case) are dropped', () => {
		const [query] = buildTicketLookupQueries(['abc', 'ABC', ' abc ', 'def']);
		expect(tokenize(query).literals).toEqual(['Ticket:abc', 'Ticket:def']);
		const [fieldQuery] = buildTicketLookupQueries(['abc', 'ABC'], { mode: 'field', field: 'Custom.TicketId' });
		expect(tokenize(fieldQuery).literals).toEqual(['abc', 'ABC']);
	});

	it('makes no query for no tickets', () => {
		expect(buildTicketLookupQueries([])).toEqual([]);
	});

	it('uses the configured tag prefix', () => {
		const [query] = buildTicketLookupQueries(['7'], { tagPrefix: 'ALVAO-' });
		expect(tokenize(query).literals).toEqual(['ALVAO-7']);
	});
});

describe('splitting long lookups under the WIQL length limit', () => {
	const ids = Array.from({ length: 3000 }, (_, n) => `INC-${String(n).padStart(6, '0')}-'q'`);

	it.each([
		{ mode: 'tag', options: {} },
		{ mode: 'field', options: { mode: 'field', field: 'Custom.TicketId' } },
	])('in $mode mode, every ticket is asked for exactly once and no query is too long', ({ options }) => {
		const queries = buildTicketLookupQueries(ids, options);
		expect(queries.length).toBeGreaterThan(1);
		const asked: string[] = [];
		for (const query of queries) {
			expect(query.length).toBeLessThanOrEqual(WIQL_MAX_LENGTH);
			expect(query.startsWith('SELECT [System.Id] FROM WorkItems WHERE [System.TeamProject] = @project AND ')).toBe(true);
			asked.push(...tokenize(query).literals.map((literal) => literal.replace(/^Ticket:/, '')));
		}
		expect(asked).toEqual(ids);
	});

	it('fills each query close to the limit rather than making many small ones', () => {
		const queries = buildTicketLookupQueries(ids);
		const total = queries.reduce((sum, query) => sum + query.length, 0);
		expect(queries.length).toBe(Math.ceil(total / WIQL_MAX_LENGTH));
	});

	it('honours a smaller limit', () => {
		const queries = buildTicketLookupQueries(['1', '2', '3', '4', '5'], { maxQueryLength: 160 });
		expect(queries.length).toBeGreaterThan(1);
		for (const query of queries) expect(query.length).toBeLessThanOrEqual(160);
		expect(queries.flatMap((query) => tokenize(query).literals)).toEqual(['Ticket:1', 'Ticket:2', 'Ticket:3', 'Ticket:4', 'Ticket:5']);
	});
});

describe('ids that cannot be searched for get a coded error', () => {
	it.each([
		{ name: 'an empty id', ids: ['1', ''], options: {}, code: 'AZDC-1060' },
		{ name: 'an id with ";" in tag mode', ids: ['a;b'], options: {}, code: 'AZDC-1061' },
		{ name: 'an id longer than a query', ids: ['x'.repeat(WIQL_MAX_LENGTH)], options: {}, code: 'AZDC-1069' },
		{ name: 'a field that is not a reference name', ids: ['1'], options: { mode: 'field', field: 'x] = 1 OR [y' }, code: 'AZDC-1063' },
	])('$name → $code', ({ ids, options, code }) => {
		expect(failure(() => buildTicketLookupQueries(ids, options)).code).toBe(code);
	});
});
