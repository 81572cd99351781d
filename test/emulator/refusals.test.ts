// What Azure DevOps refuses, refused the same way: status, typeKey and the shape of the message.
// Each case names the source of the rule; the emulator's code cites the same source.
import { startEmulator, EMULATOR_PROFILES, FABRIKAM_TOKEN, MAX_FLAT_RESULTS, type Emulator } from './index';
import { call, type RawResponse } from './support';

const WIT = 'Microsoft.TeamFoundation.WorkItemTracking.Server';

describe('The service\'s refusals', () => {
	let emu: Emulator;
	const base = () => `${emu.url}/fabrikam/Fabrikam%20Fiber/_apis`;
	const post = (path: string, body: unknown, contentType = 'application/json') => call('POST', `${base()}/${path}`, { token: FABRIKAM_TOKEN, body, contentType });
	const patch = (path: string, body: unknown) => call('PATCH', `${base()}/${path}`, { token: FABRIKAM_TOKEN, body, contentType: 'application/json-patch+json' });
	const newTask = () => Number(emu.createWorkItem('Fabrikam Fiber', 'Task', { 'System.Title': 'Printer jammed' }).id);
	const refused = (res: RawResponse, status: number, typeKey: string, message: RegExp | string) => {
		expect(res.status).toBe(status);
		expect(res.json.typeKey).toBe(typeKey);
		if (typeof message === 'string') expect(res.json.message).toBe(message);
		else expect(res.json.message).toMatch(message);
	};

	beforeAll(async () => {
		emu = await startEmulator();
	});
	afterAll(async () => emu.stop());
	beforeEach(() => emu.reset());

	describe('WIQL limits (learn.microsoft.com .../work/object-limits, Queries)', () => {
		it('a query longer than 32K characters is refused', async () => {
			const long = `SELECT [System.Id] FROM WorkItems WHERE [System.Title] = '${'x'.repeat(32768)}'`;
			refused(await post('wit/wiql?api-version=7.1', { query: long }), 400, 'ArgumentException', /^The WIQL query is \d+ characters long; the limit is 32768 characters\.$/);
			const fits = `SELECT [System.Id] FROM WorkItems WHERE [System.Title] = '${'x'.repeat(32000)}'`;
			expect((await post('wit/wiql?api-version=7.1', { query: fits })).status).toBe(200);
		});

		it('a flat query matching more than 20,000 work items is refused with VS402337 unless $top keeps it under', async () => {
			for (let i = 0; i <= MAX_FLAT_RESULTS; i++) emu.createWorkItem('Fabrikam Fiber', 'Task', { 'System.Title': `t${i}` });
			const query = { query: 'SELECT [System.Id] FROM WorkItems' };
			const res = await post('wit/wiql?api-version=7.1', query);
			refused(res, 400, 'WorkItemTrackingQueryResultSizeLimitExceededException', 'VS402337: The number of work items returned exceeds the size limit of 20000. Change the query to return fewer items.');
			expect(res.json.typeName).toBe(`${WIT}.WorkItemTrackingQueryResultSizeLimitExceededException, ${WIT}`);
			const top = await post('wit/wiql?$top=50&api-version=7.1', query);
			expect(top.status).toBe(200);
			expect(top.json.workItems).toHaveLength(50);
		}, 60000);
	});

	describe('batch sizes: 200 ids (Work Items - List and Get Work Items Batch pages)', () => {
		const ids = (n: number) => Array.from({ length: n }, (_, i) => i + 1);
		it('GET workitems with 201 ids and POST workitemsbatch with 201 ids are refused with VS403474', async () => {
			newTask();
			const get = await call('GET', `${base()}/wit/workitems?ids=${ids(201).join(',')}&errorPolicy=omit&api-version=7.1`, { token: FABRIKAM_TOKEN });
			refused(get, 400, 'VssPropertyValidationException', 'VS403474: You requested 201 work items which exceeds the limit of 200');
			const batch = await post('wit/workitemsbatch?api-version=7.1', { ids: ids(201), errorPolicy: 'omit' });
			refused(batch, 400, 'VssPropertyValidationException', 'VS403474: You requested 201 work items which exceeds the limit of 200');
			expect((await post('wit/workitemsbatch?api-version=7.1', { ids: ids(200), errorPolicy: 'omit' })).status).toBe(200);
		});
	});

	describe('work item fields', () => {
		it('an identity field naming someone the organization does not know is refused, unless bypassRules', async () => {
			const id = newTask();
			const stranger = [{ op: 'add', path: '/fields/System.AssignedTo', value: 'mallory@evil.example' }];
			const res = await patch(`wit/workitems/${id}?api-version=7.1`, stranger);
			refused(res, 400, 'WorkItemFieldInvalidIdentityException', "The identity value 'mallory@evil.example' for field 'Assigned To' is an unknown identity.");
			const create = await post('wit/workitems/$Task?api-version=7.1', [{ op: 'add', path: '/fields/System.Title', value: 't' }, ...stranger], 'application/json-patch+json');
			expect(create.status).toBe(400);
			for (const known of ['Christie Church <christie@fabrikam.example>', 'christie@fabrikam.example', 'Jamal Hartnett']) {
				expect((await patch(`wit/workitems/${id}?api-version=7.1`, [{ op: 'add', path: '/fields/System.AssignedTo', value: known }])).status).toBe(200);
			}
			expect((await patch(`wit/workitems/${id}?bypassRules=true&api-version=7.1`, stranger)).status).toBe(200);
		});

		it('read-only and unknown fields are refused (TF401320 ReadOnly, TF51535)', async () => {
			const id = newTask();
			const ro = await patch(`wit/workitems/${id}?api-version=7.1`, [{ op: 'add', path: '/fields/System.CreatedDate', value: '2020-01-01T00:00:00Z' }]);
			refused(ro, 400, 'RuleValidationException', 'TF401320: Rule Error for field Created Date. Error code: ReadOnly, InvalidNotOldValue.');
			const unknown = await patch(`wit/workitems/${id}?api-version=7.1`, [{ op: 'add', path: '/fields/Custom.Nope', value: 'x' }]);
			refused(unknown, 400, 'WorkItemFieldInvalidException', 'TF51535: Cannot find field Custom.Nope.');
		});

		it('a field the organization knows but the type does not have is refused like an unknown one (TF51535)', async () => {
			const id = newTask();
			const repro = [{ op: 'add', path: '/fields/Microsoft.VSTS.TCM.ReproSteps', value: 'Turn it on' }];
			refused(await patch(`wit/workitems/${id}?api-version=7.1`, repro), 400, 'WorkItemFieldInvalidException', 'TF51535: Cannot find field Microsoft.VSTS.TCM.ReproSteps.');
			const bug = Number(emu.createWorkItem('Fabrikam Fiber', 'Bug', { 'System.Title': 'b' }).id);
			expect((await patch(`wit/workitems/${bug}?api-version=7.1`, repro)).status).toBe(200);
			const task = await call('GET', `${base()}/wit/workitemtypes/Task?api-version=7.1`, { token: FABRIKAM_TOKEN });
			const refs = (task.json.fields as Array<{ referenceName: string }>).map((f) => f.referenceName);
			expect(refs).toEqual(expect.arrayContaining(['Microsoft.VSTS.Scheduling.RemainingWork', 'Custom.TicketId']));
			expect(refs).not.toContain('Microsoft.VSTS.TCM.ReproSteps');
		});

		it('a transition the process does not allow is refused; inherited processes allow every transition between states', async () => {
			const id = newTask();
			expect((await patch(`wit/workitems/${id}?api-version=7.1`, [{ op: 'add', path: '/fields/System.State', value: 'Closed' }])).status).toBe(200);
			emu.addWorkItemType('fabrikam', { name: 'Ticket', states: ['New', 'Active', 'Closed'], transitions: { New: ['Active'], Active: ['Closed', 'New'], Closed: ['Active'] } });
			const ticket = Number(emu.createWorkItem('Fabrikam Fiber', 'Ticket', { 'System.Title': 'x' }).id);
			const skip = await patch(`wit/workitems/${ticket}?api-version=7.1`, [{ op: 'add', path: '/fields/System.State', value: 'Closed' }]);
			refused(skip, 400, 'RuleValidationException', 'TF401320: Rule Error for field State. Error code: Required, HasValues, LimitedToValues, AllowsOldValue, InvalidListValue.');
			expect((await patch(`wit/workitems/${ticket}?api-version=7.1`, [{ op: 'add', path: '/fields/System.State', value: 'Active' }])).status).toBe(200);
		});
	});

	describe('service-hook inputs, per the input descriptors of publisher tfs and consumer webHooks', () => {
		const subscribe = (publisherInputs: Record<string, string>, consumerInputs: Record<string, string>, org = 'fabrikam', token = FABRIKAM_TOKEN, eventType = 'workitem.updated') =>
			call('POST', `${emu.url}/${org}/_apis/hooks/subscriptions?api-version=7.1`, {
				token,
				body: { publisherId: 'tfs', eventType, resourceVersion: '1.0', consumerId: 'webHooks', consumerActionId: 'httpRequest', publisherInputs, consumerInputs },
			});
		const projectId = () => emu.projects('fabrikam')[0].id;
		const url = 'https://hooks.example.com/azdo';

		it('refuses a project given by name (the descriptor types projectId as a GUID), a bad teamId and a bad comment pattern', async () => {
			refused(await subscribe({ projectId: 'Fabrikam Fiber' }, { url }), 400, 'SubscriptionInputException', "VS1101014: The value of input 'projectId' is not valid: 'Fabrikam Fiber' is not a GUID.");
			refused(await subscribe({ projectId: projectId(), teamId: 'Web' }, { url }), 400, 'SubscriptionInputException', "VS1101014: The value of input 'teamId' is not valid: 'Web' is not a GUID.");
			refused(await subscribe({ projectId: projectId(), commentPattern: '<b>' }, { url }, 'fabrikam', FABRIKAM_TOKEN, 'workitem.commented'), 400, 'SubscriptionInputException', /commentPattern' is not valid: Value should contain at least one non whitespace character/);
			refused(await subscribe({ projectId: '00000000-0000-4000-a000-000000000000' }, { url }), 400, 'SubscriptionInputException', "VS1101006: The project '00000000-0000-4000-a000-000000000000' does not exist.");
			expect((await subscribe({ projectId: projectId() }, { url })).status).toBe(200);
		});

		it('refuses a missing url, user names and passwords with spaces, and header lines the httpHeaders pattern rejects', async () => {
			refused(await subscribe({ projectId: projectId() }, {}), 400, 'SubscriptionInputException', "VS1101014: The value of input 'url' is not valid: a value is required.");
			refused(await subscribe({ projectId: projectId() }, { url, basicAuthUsername: 'n8n user' }), 400, 'SubscriptionInputException', /basicAuthUsername' is not valid/);
			refused(await subscribe({ projectId: projectId() }, { url, basicAuthPassword: 'x'.repeat(257) }), 400, 'SubscriptionInputException', /basicAuthPassword' is not valid: it must be at most 256/);
			// The descriptor's pattern allows no space inside a header value: "Authorization: Bearer abc" fails it.
			refused(await subscribe({ projectId: projectId() }, { url, httpHeaders: 'X-Authorization: Bearer abc' }), 400, 'SubscriptionInputException', /httpHeaders' is not valid/);
			expect((await subscribe({ projectId: projectId() }, { url, httpHeaders: 'X-Token: abc\nX-Other:two' })).status).toBe(200);
		});

		it('refuses loopback and private consumer URLs on Services unless allowLocalhostConsumers is on; a Server collection accepts its network', async () => {
			for (const target of ['http://127.0.0.1:5678/webhook', 'http://localhost/x', 'http://10.1.2.3/x', 'http://172.20.0.1/x', 'http://192.168.1.1/x', 'http://169.254.169.254/x', 'http://[::1]/x', 'http://[fd00::1]/x']) {
				refused(await subscribe({ projectId: projectId() }, { url: target }), 400, 'SubscriptionInputException', /^VS1101013: The URL '.*' is not allowed: service hooks cannot send to localhost or private network addresses\.$/);
			}
			emu.allowLocalhostConsumers = true;
			expect((await subscribe({ projectId: projectId() }, { url: 'http://127.0.0.1:5678/webhook' })).status).toBe(200);
			emu.allowLocalhostConsumers = false;
			const server = emu.projects('server2020/DefaultCollection')[0].id;
			const onPrem = await call('POST', `${emu.profileUrl('server2020')}/_apis/hooks/subscriptions?api-version=6.0`, {
				token: EMULATOR_PROFILES.find((p) => p.name === 'server2020')!.token,
				body: { publisherId: 'tfs', eventType: 'workitem.updated', resourceVersion: '1.0', consumerId: 'webHooks', consumerActionId: 'httpRequest', publisherInputs: { projectId: server }, consumerInputs: { url: 'http://10.1.2.3/x' } },
			});
			expect(onPrem.status).toBe(200);
		});
	});
});
