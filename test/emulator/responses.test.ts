// The response check itself: what it catches, and that the emulator's answers pass it on every release.
import { checkResponseBody } from './responses';
import { SpecBook } from './spec';
import { startEmulator, EMULATOR_PROFILES, type Emulator } from './index';
import { call } from './support';

describe('Response definitions', () => {
	const book = new SpecBook();
	const op = (id: string, release: Parameters<SpecBook['find']>[0] = 'services') => book.find(release, id)!;

	it('catches names the definition does not have, wrong JSON types, enum values outside the list, and lists without count', () => {
		expect(checkResponseBody(op('Comments_Get Comments Batch'), 200, { count: 1, totalCount: 1, comments: [{ commentId: 1, text: 'x' }] })).toEqual([
			{ path: '$.comments[0].commentId', problem: 'not a property of Comment' },
		]);
		expect(checkResponseBody(op('Work Items_Get Work Item'), 200, { id: '7', fields: { 'System.Title': 'x' } })).toEqual([{ path: '$.id', problem: 'expected an integer' }]);
		expect(checkResponseBody(op('Wiql_Query By Wiql'), 200, { queryType: 'flat', queryResultType: 'workItems' })).toEqual([
			{ path: '$.queryResultType', problem: "'workItems' is not one of workItem|workItemLink" },
		]);
		expect(checkResponseBody(op('Work Item Types_List'), 200, { value: [] })).toEqual([{ path: '$.count', problem: 'a list answer has a numeric count' }]);
	});

	it('reads the definitions of the requested release: Server 2019 describes another comments resource', () => {
		expect(op('Comments_Get Comments', 'server-5.0').source).toBe('wit-azure-devops-server-5.0');
		expect(book.find('server-5.0', 'Comments_Get Comments Batch')).toBeUndefined();
	});

	it('accepts a C# byte sent as a number, as the official examples record it (probationRetries)', () => {
		expect(checkResponseBody(op('Subscriptions_Get'), 200, { id: 'x', probationRetries: 1 })).toEqual([]);
	});

	describe('the emulator\'s own answers on every profile', () => {
		let emu: Emulator;
		beforeAll(async () => {
			emu = await startEmulator();
		});
		afterAll(async () => emu.stop());

		it.each(EMULATOR_PROFILES)('$name: types, states, a work item, WIQL and subscriptions answer as described', async (p) => {
			const v = p.maxApiVersion === '7.2' ? '7.1' : p.maxApiVersion;
			const org = emu.profileUrl(p.name);
			const project = encodeURIComponent(p.project);
			const get = (path: string) => call('GET', `${org}/${path}`, { token: p.token });
			const preview = (n: number) => `${v}-preview.${n}`;
			emu.createWorkItem(p.project, 'Task', { 'System.Title': 'Printer jammed' }, { organization: p.organization });
			const answers = [
				await get(`${project}/_apis/wit/workitemtypes?api-version=${v}`),
				await get(`${project}/_apis/wit/workitemtypes/Bug/states?api-version=${preview(1)}`),
				await get(`${project}/_apis/wit/workitems/1?$expand=all&api-version=${v}`),
				await get(`${project}/_apis/wit/workitems?ids=1&api-version=${v}`),
				await call('POST', `${org}/${project}/_apis/wit/wiql?api-version=${v}`, { token: p.token, body: { query: 'SELECT [System.Id] FROM WorkItems ORDER BY [System.Id]' } }),
				await get(`_apis/hooks/subscriptions?api-version=${v}`),
			];
			expect(answers.map((a) => a.status)).toEqual([200, 200, 200, 200, 200, 200]);
			expect(emu.responseViolations()).toEqual([]);
		});
	});
});
