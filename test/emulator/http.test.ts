// The service's refusals and rules, seen on the wire: authentication, api-version, request
// checking against the API descriptions, work item rules, WIQL, and injected faults.
import * as http from 'http';
import { startEmulator, CONTOSO_TOKEN, FABRIKAM_TOKEN, FABRIKAM_SECOND_TOKEN, SERVER_TOKEN, type Emulator } from './index';
import { basic, call } from './support';

const PATCH = 'application/json-patch+json';

describe('emulator over raw HTTP', () => {
	let emu: Emulator;
	let api: string;
	const create = (title: string | undefined, extra: object[] = [], type = '$Task', project = 'Fabrikam%20Fiber') =>
		call('POST', `${api}/${project}/_apis/wit/workitems/${type}?api-version=7.1`, {
			token: FABRIKAM_TOKEN,
			contentType: PATCH,
			body: [...(title === undefined ? [] : [{ op: 'add', path: '/fields/System.Title', value: title }]), ...extra],
		});
	const patch = (id: number, ops: object[], query = '') =>
		call('PATCH', `${api}/_apis/wit/workitems/${id}?api-version=7.1${query}`, { token: FABRIKAM_TOKEN, contentType: PATCH, body: ops });
	const wiql = (query: string, project = 'Fabrikam%20Fiber', extra = '') =>
		call('POST', `${api}/${project}/_apis/wit/wiql?api-version=7.1${extra}`, { token: FABRIKAM_TOKEN, body: { query } });

	beforeAll(async () => {
		emu = await startEmulator();
		api = `${emu.url}/fabrikam`;
	});
	afterAll(async () => emu.stop());
	beforeEach(() => emu.reset());

	describe('authentication', () => {
		it('answers 401 with WWW-Authenticate and the service error shape without a token', async () => {
			const res = await call('GET', `${api}/_apis/projects?api-version=7.1`);
			expect(res.status).toBe(401);
			expect(res.headers['www-authenticate']).toMatch(/^Basic realm=/);
			expect(Object.keys(res.json).sort()).toEqual(['$id', 'errorCode', 'eventId', 'innerException', 'message', 'typeKey', 'typeName']);
			expect(res.json.typeKey).toBe('UnauthorizedRequestException');
			expect(res.json.message).toMatch(/^TF400813/);
		});

		it('refuses a wrong token and a token of another organization, accepts any user name', async () => {
			expect((await call('GET', `${api}/_apis/projects?api-version=7.1`, { token: 'nope' })).status).toBe(401);
			expect((await call('GET', `${api}/_apis/projects?api-version=7.1`, { token: CONTOSO_TOKEN })).status).toBe(401);
			const ok = await call('GET', `${api}/_apis/projects?api-version=7.1`, { headers: { Authorization: basic(FABRIKAM_SECOND_TOKEN, 'anyone') } });
			expect(ok.status).toBe(200);
			const log = emu.requests();
			expect(log.map((r) => r.token)).toEqual([undefined, undefined, 'fabrikam#1']);
			expect(JSON.stringify(log)).not.toContain(FABRIKAM_SECOND_TOKEN);
			expect(log[2].headers.authorization).toBeUndefined();
		});
	});

	describe('api-version and request checking', () => {
		it('rejects a missing api-version with 400 and records a spec violation', async () => {
			const res = await call('GET', `${api}/Fabrikam%20Fiber/_apis/wit/workitemtypes`, { token: FABRIKAM_TOKEN });
			expect(res.status).toBe(400);
			expect(res.json.typeKey).toBe('VssVersionNotSpecifiedException');
			expect(emu.specViolations()).toEqual([expect.objectContaining({ kind: 'missing-api-version', operationId: 'Work Item Types_List' })]);
		});

		it('accepts 7.0, 7.1 and 7.1-preview.N; refuses 7.1 for the preview comments resource and versions above the server', async () => {
			await create('x');
			for (const v of ['7.0', '7.1', '7.1-preview.3']) {
				expect((await call('GET', `${api}/_apis/wit/workitems/1?api-version=${v}`, { token: FABRIKAM_TOKEN })).status).toBe(200);
			}
			const comments = (v: string) => call('GET', `${api}/Fabrikam%20Fiber/_apis/wit/workItems/1/comments?api-version=${v}`, { token: FABRIKAM_TOKEN });
			expect((await comments('7.1-preview.4')).status).toBe(200);
			const plain = await comments('7.1');
			expect(plain.status).toBe(400);
			expect(plain.json.typeKey).toBe('VssInvalidPreviewVersionException');
			const tooNew = await call('GET', `${api}/_apis/wit/workitems/1?api-version=9.0`, { token: FABRIKAM_TOKEN });
			expect(tooNew.json.typeKey).toBe('VssVersionOutOfRangeException');
		});

		it('answers 415 when a work item is created with application/json', async () => {
			const res = await call('POST', `${api}/Fabrikam%20Fiber/_apis/wit/workitems/$Task?api-version=7.1`, {
				token: FABRIKAM_TOKEN,
				body: [{ op: 'add', path: '/fields/System.Title', value: 'x' }],
			});
			expect(res.status).toBe(415);
			expect(res.json.typeKey).toBe('VssRequestContentTypeNotSupportedException');
			expect(emu.specViolations()[0]).toMatchObject({ kind: 'content-type', specRequires: 'Content-Type: application/json-patch+json' });
			expect(emu.getWorkItem(1)).toBeUndefined();
		});

		it('flags undescribed paths, missing required query parameters and bad enum values', async () => {
			expect((await call('GET', `${api}/_apis/wit/nothing-here?api-version=7.1`, { token: FABRIKAM_TOKEN })).status).toBe(404);
			expect((await call('GET', `${api}/_apis/wit/workitems?api-version=7.1`, { token: FABRIKAM_TOKEN })).status).toBe(400);
			expect((await call('GET', `${api}/_apis/wit/workitems/1?api-version=7.1&$expand=everything`, { token: FABRIKAM_TOKEN })).status).toBe(400);
			expect(emu.specViolations().map((v) => v.kind)).toEqual(['unknown-path', 'missing-query-parameter', 'invalid-parameter']);
		});

		it('answers connectionData and resource-location OPTIONS without an api-version', async () => {
			const data = await call('GET', `${api}/_apis/connectionData`, { token: FABRIKAM_TOKEN });
			expect(Object.keys(data.json)).toEqual(expect.arrayContaining(['authenticatedUser', 'authorizedUser', 'instanceId', 'locationServiceData']));
			const wit = await call('OPTIONS', `${api}/_apis/wit`, { token: FABRIKAM_TOKEN });
			expect((wit.json.value as Array<{ id: string }>).map((l) => l.id)).toContain('72c7ddf8-2cdc-4f60-90cd-ab71c14a399b');
			expect(emu.specViolations()).toEqual([]);
		});

		it('serves the Server collection at /DefaultCollection and /tfs/DefaultCollection only', async () => {
			expect((await call('GET', `${emu.url}/DefaultCollection/_apis/projects?api-version=7.1`, { token: SERVER_TOKEN })).status).toBe(200);
			expect((await call('GET', `${emu.url}/tfs/DefaultCollection/_apis/projects?api-version=7.1`, { token: SERVER_TOKEN })).status).toBe(200);
			expect((await call('GET', `${emu.url}/tfs/fabrikam/_apis/projects?api-version=7.1`, { token: FABRIKAM_TOKEN })).status).toBe(404);
		});
	});

	describe('work item rules', () => {
		it('creates with defaults, increasing ids, and 404s for unknown project or type', async () => {
			const a = await create('First', [], '$User%20Story');
			expect(a.status).toBe(200);
			const f = a.json.fields as Record<string, unknown>;
			expect(f).toMatchObject({ 'System.State': 'New', 'System.AreaPath': 'Fabrikam Fiber', 'System.IterationPath': 'Fabrikam Fiber', 'System.WorkItemType': 'User Story' });
			expect((await create('Second')).json.id).toBe(2);
			const noProject = await create('x', [], '$Task', 'Nowhere');
			expect(noProject.status).toBe(404);
			expect(noProject.json.message).toMatch(/^TF200016/);
			expect((await create('x', [], '$Spaceship')).status).toBe(404);
		});

		it('refuses a missing title, an unknown field, an invalid state, and a bad patch path', async () => {
			const noTitle = await create(undefined, [{ op: 'add', path: '/fields/System.Description', value: 'd' }]);
			expect([noTitle.status, noTitle.json.typeKey]).toEqual([400, 'RuleValidationException']);
			expect(noTitle.json.message).toMatch(/^TF401320: Rule Error for field Title/);
			const unknown = await create('x', [{ op: 'add', path: '/fields/Custom.Nope', value: 1 }]);
			expect(unknown.json.message).toBe('TF51535: Cannot find field Custom.Nope.');
			await create('ok');
			const badState = await patch(1, [{ op: 'add', path: '/fields/System.State', value: 'Resolved' }]);
			expect(badState.status).toBe(400);
			expect(badState.json.message).toMatch(/field State/);
			expect((await patch(1, [{ op: 'add', path: '/title', value: 'x' }])).status).toBe(400);
			expect((await patch(1, [])).json.typeKey).toBe('VssPropertyValidationException');
			expect(emu.getWorkItem(1)?.rev).toBe(1);
		});

		it('fails a stale `test /rev` with the revision-mismatch error and changes nothing', async () => {
			await create('Concurrent');
			await patch(1, [{ op: 'add', path: '/fields/System.State', value: 'Active' }]);
			const stale = await patch(1, [
				{ op: 'test', path: '/rev', value: 1 },
				{ op: 'add', path: '/fields/System.State', value: 'Closed' },
			]);
			expect(stale.status).toBe(412);
			expect(stale.json.message).toMatch(/^TF26071/);
			expect((emu.getWorkItem(1)?.fields as Record<string, unknown>)['System.State']).toBe('Active');
			const fresh = await patch(1, [
				{ op: 'test', path: '/rev', value: 2 },
				{ op: 'add', path: '/fields/System.State', value: 'Closed' },
			]);
			expect(fresh.json.rev).toBe(3);
		});

		it('adds and removes relations, honours validateOnly, $expand and fields', async () => {
			await create('Linked');
			const link = { op: 'add', path: '/relations/-', value: { rel: 'Hyperlink', url: 'https://desk.example/ticket/42' } };
			const dry = await patch(1, [link], '&validateOnly=true');
			expect(dry.json.rev).toBe(2);
			expect(emu.getWorkItem(1)?.rev).toBe(1);
			await patch(1, [link]);
			expect((await patch(1, [link])).status).toBe(400);
			const all = await call('GET', `${api}/_apis/wit/workitems/1?api-version=7.1&$expand=relations`, { token: FABRIKAM_TOKEN });
			expect(all.json.relations).toEqual([{ rel: 'Hyperlink', url: 'https://desk.example/ticket/42', attributes: {} }]);
			const plain = await call('GET', `${api}/_apis/wit/workitems/1?api-version=7.1&fields=System.Title`, { token: FABRIKAM_TOKEN });
			expect(plain.json.fields).toEqual({ 'System.Title': 'Linked' });
			await patch(1, [{ op: 'remove', path: '/relations/0' }]);
			expect(emu.getWorkItem(1)?.relations).toBeUndefined();
		});

		it('deletes to the recycle bin, 404s reads, restores, and destroys permanently', async () => {
			await create('Temp');
			const del = await call('DELETE', `${api}/_apis/wit/workitems/1?api-version=7.1`, { token: FABRIKAM_TOKEN });
			expect(del.json.code).toBe(200);
			const gone = await call('GET', `${api}/_apis/wit/workitems/1?api-version=7.1`, { token: FABRIKAM_TOKEN });
			expect([gone.status, gone.json.message]).toEqual([404, 'TF401232: Work item 1 does not exist, or you do not have permissions to read it.']);
			const restored = await call('PATCH', `${api}/Fabrikam%20Fiber/_apis/wit/recyclebin/1?api-version=7.1`, { token: FABRIKAM_TOKEN, body: { IsDeleted: false } });
			expect(restored.status).toBe(200);
			expect((await call('GET', `${api}/_apis/wit/workitems/1?api-version=7.1`, { token: FABRIKAM_TOKEN })).status).toBe(200);
			expect((await call('DELETE', `${api}/_apis/wit/workitems/1?api-version=7.1&destroy=true`, { token: FABRIKAM_TOKEN })).status).toBe(204);
			expect(emu.getWorkItem(1)).toBeUndefined();
		});

		it('lets the demo change a work item through the control endpoint, without touching the request checks', async () => {
			await create('Demo');
			const res = await call('POST', `${emu.url}/_emulator/workitems/fabrikam/1`, { body: { fields: { 'System.State': 'Closed' }, by: 'Jamal Hartnett' } });
			expect(res.status).toBe(200);
			expect((emu.getWorkItem(1)?.fields as Record<string, unknown>)['System.State']).toBe('Closed');
			expect(emu.specViolations()).toEqual([]);
		});

		it('refuses more than 200 ids in one batch', async () => {
			const ids = Array.from({ length: 201 }, (_, i) => i + 1).join(',');
			const res = await call('GET', `${api}/_apis/wit/workitems?ids=${ids}&api-version=7.1`, { token: FABRIKAM_TOKEN });
			expect(res.status).toBe(400);
		});
	});

	describe('WIQL', () => {
		beforeEach(async () => {
			await create("O'Brien's printer", [{ op: 'add', path: '/fields/System.Tags', value: 'ticket-1; Printer' }]);
			await create('VPN', [{ op: 'add', path: '/fields/System.Tags', value: 'ticket-10' }]);
			await create('Bug in portal', [], '$Bug');
			await create('Desk item', [], '$Task', 'Service%20Desk');
		});

		it('matches whole tags case-insensitively, escaped quotes, IN, OR and parentheses', async () => {
			const ids = async (q: string) => ((await wiql(q)).json.workItems as Array<{ id: number }>).map((w) => w.id);
			expect(await ids("SELECT [System.Id] FROM WorkItems WHERE [System.Tags] CONTAINS 'TICKET-1'")).toEqual([1]);
			expect(await ids("SELECT [System.Id] FROM WorkItems WHERE [System.Title] = 'O''Brien''s printer'")).toEqual([1]);
			expect(await ids("SELECT [System.Id] FROM WorkItems WHERE [System.WorkItemType] IN ('Bug', 'Epic') OR ([System.Title] CONTAINS 'vpn' AND [System.State] <> 'Closed')")).toEqual([2, 3]);
			expect(await ids('SELECT [System.Id] FROM WorkItems WHERE [System.TeamProject] = @project ORDER BY [System.Id] DESC')).toEqual([3, 2, 1]);
			const top = await wiql('SELECT [System.Id] FROM WorkItems ORDER BY [System.Title]', 'Fabrikam%20Fiber', '&$top=2');
			expect(top.json).toMatchObject({ queryType: 'flat', queryResultType: 'workItem' });
			expect((top.json.workItems as unknown[]).length).toBe(2);
		});

		it('answers a malformed query and an unknown field with 400 and the service error shape', async () => {
			const bad = await wiql('SELECT [System.Id] FROM WorkItems WHERE [System.State] =');
			expect(bad.status).toBe(400);
			expect(bad.json).toMatchObject({ $id: '1', innerException: null, typeKey: 'WiqlSyntaxException' });
			expect((await wiql("SELECT [System.Id] FROM WorkItems WHERE [Nope.Field] = 'x'")).json.message).toMatch(/^TF51005/);
		});
	});

	describe('faults', () => {
		it('answers 429 with Retry-After and the X-RateLimit headers, a limited number of times', async () => {
			emu.faults.add({ kind: 'status', status: 429, retryAfterSeconds: 3, times: 1, match: { pathIncludes: '/projects' } });
			const first = await call('GET', `${api}/_apis/projects?api-version=7.1`, { token: FABRIKAM_TOKEN });
			expect(first.status).toBe(429);
			expect(first.headers['retry-after']).toBe('3');
			for (const h of ['x-ratelimit-limit', 'x-ratelimit-remaining', 'x-ratelimit-reset', 'x-ratelimit-resource', 'x-ratelimit-delay']) {
				expect(first.headers[h]).toBeDefined();
			}
			expect((await call('GET', `${api}/_apis/projects?api-version=7.1`, { token: FABRIKAM_TOKEN })).status).toBe(200);
		});

		it('answers 500 and 503 with Retry-After', async () => {
			emu.faults.add({ kind: 'status', status: 503, retryAfterSeconds: 2, times: 1 });
			const r1 = await call('GET', `${api}/_apis/projects?api-version=7.1`, { token: FABRIKAM_TOKEN });
			expect([r1.status, r1.headers['retry-after']]).toEqual([503, '2']);
			emu.faults.add({ kind: 'status', status: 500, times: 1, match: { method: 'GET' } });
			expect((await call('GET', `${api}/_apis/projects?api-version=7.1`, { token: FABRIKAM_TOKEN })).status).toBe(500);
		});

		it('drops the connection before processing, or after committing the work item', async () => {
			emu.faults.add({ kind: 'drop', times: 1, match: { method: 'POST' } });
			await expect(create('lost')).rejects.toThrow(/socket hang up|ECONNRESET/);
			expect(emu.getWorkItem(1)).toBeUndefined();
			emu.faults.add({ kind: 'dropAfterCommit', times: 1, match: { method: 'POST' } });
			await expect(create('committed')).rejects.toThrow(/socket hang up|ECONNRESET/);
			expect((emu.getWorkItem(1)?.fields as Record<string, unknown>)['System.Title']).toBe('committed');
			expect(emu.requests().map((r) => r.outcome)).toEqual(['dropped', 'droppedAfterCommit']);
		});

		it('adds latency and trickles a slow body that still parses', async () => {
			emu.faults.add({ kind: 'latency', ms: 150, times: 1 });
			const t0 = Date.now();
			await call('GET', `${api}/_apis/projects?api-version=7.1`, { token: FABRIKAM_TOKEN });
			expect(Date.now() - t0).toBeGreaterThanOrEqual(140);
			emu.faults.add({ kind: 'slowBody', chunkDelayMs: 5, chunkSize: 64, times: 1 });
			let chunks = 0;
			await new Promise<void>((resolve, reject) => {
				http
					.get(`${api}/_apis/projects?api-version=7.1`, { headers: { Authorization: basic(FABRIKAM_TOKEN) } }, (res) => {
						res.on('data', () => chunks++);
						res.on('end', () => resolve());
					})
					.on('error', reject);
			});
			expect(chunks).toBeGreaterThan(3);
		});

		it('hits with a seeded probability the same way every run, and rate-limits past a threshold', async () => {
			const run = async () => {
				emu.reset();
				emu.faults.add({ kind: 'status', status: 500, probability: 0.5 });
				const statuses: number[] = [];
				for (let i = 0; i < 8; i++) statuses.push((await call('GET', `${api}/_apis/projects?api-version=7.1`, { token: FABRIKAM_TOKEN })).status);
				return statuses;
			};
			const a = await run();
			expect(await run()).toEqual(a);
			expect(a).toContain(500);
			expect(a).toContain(200);
			emu.reset();
			emu.setRateLimit({ requests: 2, perMs: 60_000, retryAfterSeconds: 5 });
			const s: number[] = [];
			for (let i = 0; i < 3; i++) s.push((await call('GET', `${api}/_apis/projects?api-version=7.1`, { token: FABRIKAM_TOKEN })).status);
			expect(s).toEqual([200, 200, 429]);
		});
	});
});
