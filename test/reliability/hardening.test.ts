// Issue 15. Security hardening: what someone who is not the workflow's author (a requester writing a ticket, anyone
// with write access to a work item, whoever pastes a URL) can make the nodes do. Each part below failed before its fix.
import fc from 'fast-check';
import type { IDataObject } from 'n8n-workflow';

import { AzureDevOpsApi } from '../../credentials/AzureDevOpsApi.credentials';
import { AzureDevOpsMultiOrgApi } from '../../credentials/AzureDevOpsMultiOrgApi.credentials';
import { AzureDevOpsConnector } from '../../nodes/AzureDevOpsConnector/AzureDevOpsConnector.node';
import { compileAttributeMap } from '../../nodes/AzureDevOpsConnector/connector/attributeMap';
import {
	commentTextAsHtml,
	escapeHtmlFields,
	escapeHtmlPatch,
	htmlFieldsFrom,
	resolveHtmlFieldNames,
} from '../../nodes/AzureDevOpsConnector/connector/htmlFields';
import { parseAzureDevOpsUrl } from '../../nodes/AzureDevOpsConnector/connector/azureDevOpsUrl';
import { parseDeliveryBody, parseServiceHookDelivery } from '../../nodes/AzureDevOpsConnector/connector/delivery';
import { ConnectorError, ConnectorErrors } from '../../nodes/AzureDevOpsConnector/connector/errors';
import { parseOrganizationTokens } from '../../nodes/AzureDevOpsConnector/connector/organizationTokens';
import { parseConnectorSettings, parseStateMappingSettings } from '../../nodes/AzureDevOpsConnector/connector/settings';
import { compileStateMap } from '../../nodes/AzureDevOpsConnector/connector/stateMap';
import { defaultSeed, type Emulator } from '../emulator';
import { captureLogs, runNode, testCredential, type LogCapture, type RunResult } from '../support/n8n';
import { createFromTicket, createRequests, seedSettings, serviceDeskUrl, ticket } from '../nodes/create-from-ticket.support';
import { basicAuth, deliver, emitted, sample, triggerRig, type TriggerRig } from '../nodes/trigger.support';
import { ALL_CANARIES, CANARY_HOOK_BASIC, CANARY_PAT, CANARY_PAT_CONTOSO, LeakScanner, ReliabilityCounts, SEED, canaryEmulator, fcOptions } from './support';

const HOOK_USER = 'azure-devops';
const AUTH = { authorization: basicAuth(HOOK_USER, CANARY_HOOK_BASIC) };
const HOOK_CREDENTIALS = {
	azureDevOpsWebhookAuthApi: { id: 'hook', name: 'Hook', data: { authType: 'basicAuth', user: HOOK_USER, password: CANARY_HOOK_BASIC } },
};
/** The trigger as set up for a subscription made by hand, without an Azure DevOps credential (it reads nothing). */
const MANUAL = {
	registerSubscription: false,
	deliveryAuthentication: 'credential',
	authentication: 'none',
	workItemEndState: 'Closed',
	endState: 'Return from DevOps',
};

/** The password a user left in a URL: it must never be repeated by a message, an output or a log line. */
const CANARY_IN_URL = 'rlbcanary7url5e1d9c3b7a2f4e6d8c0b';

const counts = new ReliabilityCounts('hardening');
const scanner = new LeakScanner([...ALL_CANARIES, CANARY_IN_URL]);
let emu: Emulator;
let logs: LogCapture;

beforeAll(async () => {
	logs = captureLogs();
	// A process with a custom HTML field and a custom plain-text one, as `GET _apis/wit/fields` reports their types.
	const seed = defaultSeed();
	emu = await canaryEmulator({
		seed: SEED,
		organizations: { fabrikam: { ...seed.fabrikam, tokens: [CANARY_PAT], fieldTypes: { 'Custom.CustomerNotes': 'html', 'Custom.PlainNotes': 'plainText' } } },
	});
});

afterAll(async () => {
	counts.set('logLinesScanned', logs.lines.length);
	logs.restore();
	await emu.stop();
	counts.set('stringsScanned', scanner.stringsScanned);
	counts.set('leaks', scanner.leaks.length);
	counts.report();
});

let notification = 1000;
/** A workitem.updated delivery of a work item with these tags and relations (Resource details: All). */
function updateWith(tags: string | undefined, relations: IDataObject[] | undefined): IDataObject {
	const body = sample('workitem.updated');
	notification += 1;
	body.notificationId = notification;
	const resource = body.resource as IDataObject;
	resource.workItemId = notification;
	const revision = resource.revision as IDataObject;
	revision.id = notification;
	const fields = revision.fields as IDataObject;
	if (tags !== undefined) fields['System.Tags'] = tags;
	if (relations !== undefined) revision.relations = relations;
	return body;
}

function hyperlink(url: string, ticketId: string): IDataObject {
	return { rel: 'Hyperlink', url, attributes: { comment: `Service desk ticket ${ticketId}` } };
}

/** What makes a link safe to put behind a button: http(s), a host, nothing a URL parser would drop or reinterpret. */
function isPlainWebLink(url: string): boolean {
	// eslint-disable-next-line no-control-regex
	if (!/^https?:\/\/[^/\\@\s]/i.test(url) || /[\u0000-\u0020\u007f-\u00a0\\]/.test(url)) return false;
	const parsed = new URL(url);
	return (parsed.protocol === 'https:' || parsed.protocol === 'http:') && parsed.username === '' && parsed.password === '';
}

describe('class 3: only web links leave the trigger as ticket.url', () => {
	const GOOD = 'https://servicedesk.example.com/tickets/1234';
	const HOSTILE = [
		'javascript:alert(1)',
		'JavaScript:alert(document.cookie)',
		' javascript:alert(1)',
		'java\tscript:alert(1)',
		'java\nscript:alert(1)',
		'\u0000javascript:alert(1)',
		'\u0001\u001fjavascript:alert(1)',
		'jav&#x09;ascript:alert(1)',
		'data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==',
		'DATA:text/html,<script>alert(1)</script>',
		'vbscript:msgbox(1)',
		'file:///etc/passwd',
		'file://server/share/ticket.html',
		'//evil.example/tickets/1234',
		'///evil.example/tickets/1234',
		'\\\\evil.example\\tickets',
		'/\\evil.example/tickets',
		'https:evil.example/tickets',
		'https:/evil.example/tickets',
		'http:\\\\evil.example\\tickets',
		'https:\\/evil.example/tickets',
		'h\ttps://servicedesk.example.com/tickets/1234',
		'https://servicedesk.example.com/tick\nets/1234',
		'https://servicedesk.example.com/tickets/1234\u0000',
		'https://\u202eelpmaxe.live/tickets',
		'https://servicedesk.example.com/\u200btickets',
		'https://user:secret@servicedesk.example.com/tickets/1234',
		'https://servicedesk.example.com@evil.example/tickets',
		'ftp://servicedesk.example.com/tickets/1234',
		'about:blank',
		'blob:https://servicedesk.example.com/0a1b',
		'mailto:helpdesk@example.com',
		'ws://servicedesk.example.com/tickets',
		'',
		'   ',
	];
	let rig: TriggerRig;

	beforeAll(async () => {
		rig = await triggerRig(undefined, { parameters: MANUAL, credentials: HOOK_CREDENTIALS });
	});
	afterAll(async () => {
		await rig.close();
	});

	it('a plain https link is emitted as it is (the check can see a link at all)', async () => {
		const item = emitted(await deliver(rig, updateWith('Ticket:1234', [hyperlink(GOOD, '1234')]), AUTH));
		scanner.scan('trigger', item);
		counts.add('deliveriesTried');
		expect(item.ticket).toMatchObject({ id: '1234', url: GOOD, source: 'tag' });
	});

	it.each(HOSTILE.map((url) => [JSON.stringify(url), url]))('%s next to the ticket tag: ticket.url is null, the id still read', async (_label, url) => {
		const item = emitted(await deliver(rig, updateWith('Ticket:1234', [hyperlink(url, '1234')]), AUTH));
		scanner.scan('trigger', item);
		counts.add('deliveriesTried');
		counts.add('hostileLinksTried');
		expect(item.ticket).toMatchObject({ id: '1234', url: null, source: 'tag' });
	});

	it.each(HOSTILE.map((url) => [JSON.stringify(url), url]))('%s as the only reference: no ticket is read from it', async (_label, url) => {
		const item = emitted(await deliver(rig, updateWith(undefined, [hyperlink(url, '77')]), AUTH));
		scanner.scan('trigger', item);
		counts.add('deliveriesTried');
		counts.add('hostileLinksTried');
		expect(item.ticket).toMatchObject({ id: null, url: null, source: null });
	});

	it(`random links, each with one twist in scheme, slashes, user info or an invisible character: ticket.url is a plain web link or null (seed ${SEED})`, async () => {
		// Plain links, and links with one twist each (scheme, slashes, user info, an invisible or control character), so
		// that some are plain web links (emitted) and the others differ from one in a single place (refused).
		const noise = fc.constantFrom('', '', '', '', '\t', '\n', '\r', '\u0000', '\u001f', ' ', '\u00a0', '\u200b', '\u202e', '\ufeff', '\\', '%0a');
		const link = fc
			.tuple(
				fc.constantFrom('https', 'http', 'HTTPS', 'javascript', 'data', 'vbscript', 'file', 'ftp', ''),
				fc.constantFrom('://', '://', ':', ':/', ':///', ':\\\\', '//'),
				noise,
				fc.constantFrom('', '', '', 'user:secret@', '@', 'servicedesk.example.com@'),
				fc.constantFrom('servicedesk.example.com', 'evil.example', '127.0.0.1:5678', ''),
				noise,
				fc.constantFrom('/tickets/1', '', '?q=1', '#top', '/a%20b', '/alert(1)'),
			)
			.map((parts) => parts.join(''));
		const plain = fc
			.tuple(fc.constantFrom('https', 'http', 'HTTPS'), fc.constantFrom('servicedesk.example.com', '127.0.0.1:5678'), fc.constantFrom('/tickets/1', '', '?q=1', '#top', '/a%20b'))
			.map(([scheme, host, rest]) => `${scheme}://${host}${rest}`);
		const links = fc.sample(fc.oneof(plain, link), fcOptions(400));
		let emittedLinks = 0;
		for (const url of links) {
			const item = emitted(await deliver(rig, updateWith('Ticket:9', [hyperlink(url, '9')]), AUTH));
			scanner.scan('trigger', item);
			counts.add('deliveriesTried');
			counts.add('randomLinksTried');
			const out = (item.ticket as IDataObject).url;
			if (out === null) continue;
			emittedLinks += 1;
			expect({ url, out, plain: isPlainWebLink(String(out)) }).toEqual({ url, out: url.trim(), plain: true });
		}
		counts.add('randomLinksEmitted', emittedLinks);
		// Some links of the sample are plain web links: the check lets those through.
		expect(emittedLinks).toBeGreaterThan(0);
	});
});

describe('class 6: a URL carrying a user name or password is refused without repeating it, parseable or not', () => {
	const S = CANARY_IN_URL;
	/** Forms whose authority carries user info (plainly, encoded, behind backslashes): refused with AZDC-1090. */
	const WITH_USER_INFO = [
		`https://user:${S}@dev.azure.com/fabrikam/Service%20Desk`,
		`https://:${S}@dev.azure.com/fabrikam/Service%20Desk`,
		`https://${S}@dev.azure.com/fabrikam/Service%20Desk`,
		`HTTPS://USER:${S}@DEV.AZURE.COM/fabrikam/Service%20Desk`,
		`  https://user:${S}@dev.azure.com/fabrikam/Service%20Desk  `,
		`user:${S}@dev.azure.com/fabrikam/Service%20Desk`,
		`//user:${S}@dev.azure.com/fabrikam/Service%20Desk`,
		`https:\\\\user:${S}@dev.azure.com\\fabrikam\\Service Desk`,
		`https://user:${S}@dev.azure.com\\fabrikam\\Service Desk`,
		`https:/user:${S}@dev.azure.com/fabrikam/Service%20Desk`,
		`https://user:${S}@@dev.azure.com/fabrikam/Service%20Desk`,
		`https://user:${S}@dev.azure.com:99999/fabrikam/Service%20Desk`,
		`https://user:${S}@dev azure com/fabrikam/Service%20Desk`,
		`https://user:${S}@[::1/fabrikam/Service%20Desk`,
		`https://user:${S}%00@dev.azure.com/fabrikam/Service%20Desk`,
		`https://user:${S}\n@dev.azure.com/fabrikam/Service%20Desk`,
		`https://user%3A${S}%40dev.azure.com/fabrikam/Service%20Desk`,
		`https://user:${S}%40dev.azure.com/fabrikam/Service%20Desk`,
		`https%3A%2F%2Fuser%3A${S}%40dev.azure.com%2Ffabrikam`,
		`http://user:${S}@127.0.0.1:1/fabrikam/Service%20Desk`,
		`ftp://user:${S}@dev.azure.com/fabrikam/Service%20Desk`,
		`https://user:${S}@tfs.contoso.local/tfs/DefaultCollection/Service%20Desk`,
		`https://user:${S}@fabrikam.visualstudio.com/Service%20Desk`,
	];
	/** Secrets elsewhere in a URL that is refused for another reason: the message must not quote them either. */
	const ELSEWHERE = [
		`https://user:${S}/dev.azure.com/fabrikam/Service%20Desk`,
		`https://dev.azure.com/fabrikam?pat=${S}`,
		`https://dev.azure.com/_apis?pat=${S}`,
		`https://dev.azure.com/fabrikam/Service%20Desk\\..\\%ZZ?pat=${S}`,
		`http://dev.azure.com/fabrikam/Service%20Desk#${S}`,
		`mailto:${S}@dev.azure.com`,
		`https://dev.azure.com/fabrikam%2F${S}/Service%20Desk`,
	];
	const ALL = [...WITH_USER_INFO, ...ELSEWHERE];
	/** A test's name shows where the password sits, not the password (names end up in reports/jest.json). */
	const label = (url: string) => JSON.stringify(url.split(S).join('<password>'));

	function refusal(fn: () => unknown): { codes: string[]; error: unknown } {
		try {
			fn();
		} catch (error) {
			counts.add('urlsRefused');
			scanner.scan('url refusal', error);
			if (error instanceof ConnectorErrors) return { codes: error.errors.map((fault) => fault.code), error };
			if (error instanceof ConnectorError) return { codes: [error.code], error };
			return { codes: ['not coded'], error };
		}
		return { codes: [], error: undefined };
	}

	it.each(WITH_USER_INFO.map((url) => [label(url), url]))('%s: AZDC-1090 in settings, parameters and credentials, nothing repeated', (_label, url) => {
		const before = scanner.leaks.length;
		counts.add('urlsTried');
		expect(refusal(() => parseAzureDevOpsUrl(url, { requireProject: true, field: 'Project' })).codes).toEqual(['AZDC-1090']);
		expect(refusal(() => parseAzureDevOpsUrl(url, { allowHttp: true, field: 'Organization URL' })).codes).toEqual(['AZDC-1090']);
		expect(refusal(() => parseConnectorSettings(seedSettings(url), { allowHttp: true })).codes).toEqual(['AZDC-1090']);
		// A credential's organization list is split at line breaks: a URL broken over two lines is two URLs for one token.
		const listed = url.includes('\n') ? 'AZDC-4002' : 'AZDC-1090';
		expect(refusal(() => parseOrganizationTokens(url, CANARY_PAT, { allowHttp: true })).codes).toEqual([listed]);
		expect(refusal(() => parseOrganizationTokens(`${emu.orgUrl('contoso')}\n${url}`, `${CANARY_PAT_CONTOSO},${CANARY_PAT}`, { allowHttp: true })).codes).toEqual([listed]);
		expect(scanner.leaks.slice(before)).toEqual([]);
	});

	it.each(ELSEWHERE.map((url) => [label(url), url]))('%s: refused with a code, nothing repeated', (_label, url) => {
		const before = scanner.leaks.length;
		counts.add('urlsTried');
		for (const outcome of [
			refusal(() => parseAzureDevOpsUrl(url, { requireProject: true, field: 'Project' })),
			refusal(() => parseConnectorSettings(seedSettings(url))),
		]) {
			expect(outcome.codes.length).toBeGreaterThan(0);
			expect(outcome.codes.every((code) => /^AZDC-\d{4}$/.test(code))).toBe(true);
		}
		expect(scanner.leaks.slice(before)).toEqual([]);
	});

	/** Scans a run's items and error (message, description, context); the parameters the user typed are not an echo. */
	function scanRun(where: string, run: RunResult & { items?: unknown }): void {
		counts.add('runsScanned');
		scanner.scan(`${where}: output`, run.items);
		for (const runs of Object.values(run.runData)) {
			for (const taskData of runs) {
				const error = taskData.error;
				scanner.scan(`${where}: node error`, { message: error?.message, description: error?.description, context: error?.context });
			}
		}
	}

	it('through the nodes: Connector Settings URL, a project URL parameter, the Organization URL of both credentials', async () => {
		const before = scanner.leaks.length;
		const credentials = { azureDevOpsApi: { organizationUrl: emu.orgUrl('fabrikam'), accessToken: CANARY_PAT, allowHttp: true } };
		const type = 'n8n-nodes-azure-devops-connector.azureDevOpsConnector';
		for (const url of ALL) {
			const settings = await createFromTicket(emu, { tickets: [ticket(1)], parameters: { connectorSettings: seedSettings(url) }, credentials, continueOnFail: true });
			scanRun('settings URL', settings);
			expect(String(settings.items[0].json.code)).toMatch(/^AZDC-\d{4}$/);
			// As an expression: n8n's own check of the field's pattern (which repeats nothing) would stop the run first.
			const get = await runNode({
				type,
				nodeTypes: { [type]: new AzureDevOpsConnector() },
				credentialTypes: [new AzureDevOpsApi(), new AzureDevOpsMultiOrgApi()],
				credentials: credentials as never,
				parameters: { authentication: 'azureDevOpsApi', resource: 'workItem', operation: 'get', project: { __rl: true, mode: 'url', value: `={{ ${JSON.stringify(url)} }}` }, workItem: { __rl: true, mode: 'id', value: '1' } },
				continueOnFail: true,
			});
			scanRun('project URL', get);
			expect(String(get.items[0].json.code ?? get.items[0].json.error)).toMatch(/AZDC-\d{4}/);
			for (const [credentialType, data] of [
				['azureDevOpsApi', { organizationUrl: url, accessToken: CANARY_PAT, allowHttp: true }],
				['azureDevOpsMultiOrgApi', { organizations: `${emu.orgUrl('contoso')}\n${url}`, accessTokens: `${CANARY_PAT_CONTOSO},${CANARY_PAT}`, allowHttp: true }],
			] as const) {
				const run = await runNode({
					type,
					nodeTypes: { [type]: new AzureDevOpsConnector() },
					credentialTypes: [new AzureDevOpsApi(), new AzureDevOpsMultiOrgApi()],
					credentials: { [credentialType]: data } as never,
					parameters: { authentication: credentialType, resource: 'workItem', operation: 'get', project: { __rl: true, mode: 'url', value: `${emu.orgUrl('fabrikam')}/Service%20Desk` }, workItem: { __rl: true, mode: 'id', value: '1' } },
					continueOnFail: true,
				});
				scanRun(`${credentialType} Organization URL`, run);
				expect(run.items[0].json.error ?? run.items[0].json.code).toBeDefined();
				const tested = await testCredential({ type: credentialType, data, credentialTypes: [new AzureDevOpsApi(), new AzureDevOpsMultiOrgApi()], nodeTypes: { [type]: new AzureDevOpsConnector() } });
				counts.add('credentialTests');
				scanner.scan(`${credentialType} credential test`, tested);
				expect(tested.status).toBe('Error');
			}
		}
		// Nothing carrying the URL's password went out either (the multi-organization credential test still tries the
		// organizations it can read).
		scanner.scan('requests sent', emu.requests());
		expect(scanner.leaks.slice(before)).toEqual([]);
	});
});

describe('class 1: ticket text cannot make a work item claim another ticket', () => {
	const credentials = () => ({ azureDevOpsApi: { organizationUrl: emu.orgUrl('fabrikam'), accessToken: CANARY_PAT, allowHttp: true } });
	/** The requester controls Category; the administrator renders it into the tags, as many do for triage. */
	const settings = () =>
		seedSettings(serviceDeskUrl(emu), {
			AttributeMap: { 'System.Title': '[$TicketTitle$]', 'System.Tags': 'Service desk; [$Category$]', 'System.WorkItemType': 'Task' },
		});
	/** Category texts that look like a reference to ticket 999 (or several): each must be kept off the work item. */
	const FOREIGN = [
		'Ticket:999',
		' ticket: 999 ',
		'TICKET:999',
		'Ticket:999;Ticket:1000',
		'VIP; Ticket:999 ;Printer',
		'Ticket:\u00a0999',
		';;Ticket:999;;',
	];
	let rig: TriggerRig;

	beforeAll(async () => {
		rig = await triggerRig(undefined, { parameters: MANUAL, credentials: HOOK_CREDENTIALS });
	});
	afterAll(async () => {
		await rig.close();
	});

	const tagsOf = (id: number): string[] =>
		String((emu.getWorkItem(id) as { fields: IDataObject }).fields['System.Tags'] ?? '')
			.split(';')
			.map((tag) => tag.trim())
			.filter((tag) => tag !== '');
	const references = (tags: string[]): string[] => tags.filter((tag) => /^ticket:/i.test(tag));

	it('Create From Ticket writes exactly one reference, its own, and says with AZDC-1092 what it left out', async () => {
		emu.reset();
		const tickets = FOREIGN.map((category, index) => ticket(500 + index, { Category: category }));
		const run = await createFromTicket(emu, { tickets, parameters: { connectorSettings: settings() }, credentials: credentials(), continueOnFail: true });
		scanner.scan('create', run.items);
		counts.add('ticketsTried', tickets.length);
		expect(run.items.map((item) => item.json.error)).toEqual(tickets.map(() => undefined));
		for (const [index, item] of run.items.entries()) {
			const tags = tagsOf(item.json.id as number);
			counts.add('referencesChecked');
			expect({ category: FOREIGN[index], references: references(tags) }).toEqual({ category: FOREIGN[index], references: [`Ticket:${500 + index}`] });
			expect(tags).toContain('Service desk');
			expect(String(item.json.warnings)).toMatch(/AZDC-1092/);
		}
		// The ticket's own reference in the text is no conflict: kept once, no warning.
		const own = await createFromTicket(emu, { tickets: [ticket(600, { Category: 'ticket:600' })], parameters: { connectorSettings: settings() }, credentials: credentials() });
		expect(references(tagsOf(own.items[0].json.id as number))).toHaveLength(1);
		expect(own.items[0].json.warnings).toEqual([]);
	});

	it('the trigger reads such a work item as its own ticket, never as ticket 999', async () => {
		for (const category of FOREIGN) {
			emu.reset();
			const run = await createFromTicket(emu, { tickets: [ticket(700, { Category: category })], parameters: { connectorSettings: settings() }, credentials: credentials() });
			const stored = emu.getWorkItem(run.items[0].json.id as number) as { fields: IDataObject; relations?: IDataObject[] };
			const item = emitted(await deliver(rig, updateWith(String(stored.fields['System.Tags']), stored.relations), AUTH));
			scanner.scan('trigger', item);
			counts.add('deliveriesTried');
			expect(item.ticket).toMatchObject({ id: '700', source: 'tag' });
		}
	});

	it('a work item already carrying two different references is ambiguous to the trigger: coded AZDC-1091, no ticket picked', async () => {
		const cases: Array<[string, string | undefined, IDataObject[] | undefined, string[]]> = [
			['two tags', 'Ticket:41; Ticket:999', undefined, ['41', '999']],
			['two tags in other cases and spaces', 'ticket: 41;VIP;TICKET:999 ', undefined, ['41', '999']],
			['three tags', 'Ticket:41; Ticket:999; Ticket:1000', undefined, ['41', '999', '1000']],
			['two hyperlinks and no tag', 'VIP', [hyperlink('https://servicedesk.example.com/tickets/41', '41'), hyperlink('https://servicedesk.example.com/tickets/999', '999')], ['41', '999']],
		];
		for (const [label, tags, relations, candidates] of cases) {
			const item = emitted(await deliver(rig, updateWith(tags, relations), AUTH));
			scanner.scan('trigger', item);
			counts.add('deliveriesTried');
			counts.add('ambiguousReferencesTried');
			const out = item.ticket as IDataObject;
			expect({ label, id: out.id, url: out.url, code: out.code, candidates: out.candidates }).toEqual({ label, id: null, url: null, code: 'AZDC-1091', candidates });
			expect(String(out.reason)).toMatch(/AZDC-1091.*several/);
		}
		// The same reference twice (another case, spaces) is one ticket, not a conflict.
		expect((emitted(await deliver(rig, updateWith('Ticket:41; ticket: 41', undefined), AUTH)).ticket as IDataObject).id).toBe('41');
	});

	it('Create From Ticket\'s re-run does not take such a work item for either ticket: AZDC-1091, nothing created', async () => {
		emu.reset();
		const claimed = emu.createWorkItem('Service Desk', 'Task', { 'System.Title': 'Printer 41', 'System.Tags': 'Ticket:41; Ticket:999' }).id as number;
		const run = await createFromTicket(emu, { tickets: [ticket(41), ticket(999), ticket(42)], credentials: credentials(), continueOnFail: true });
		scanner.scan('re-run', run.items);
		counts.add('ticketsTried', 3);
		counts.add('ambiguousReferencesTried', 2);
		expect(run.items.slice(0, 2).map((item) => item.json.code)).toEqual(['AZDC-1091', 'AZDC-1091']);
		expect(String(run.items[0].json.error)).toContain(String(claimed));
		expect(run.items[2].json.created).toBe(true);
		expect(createRequests(emu)).toHaveLength(1);
	});
});

describe('class 4: every parser of user input is linear, and its messages stay short', () => {
	/** A user's document of about `size` characters, made of `unit` repeated: the hostile shapes of issue 15. */
	const documents: Array<[string, (size: number) => () => unknown]> = [
		['settings with one setting given again and again', (size) => settingsText((i) => `"URL": "https://dev.azure.com/fabrikam/P${i}"`, size)],
		['settings with the same setting in many spellings', (size) => settingsText((i) => `"${['url', 'Url', 'U R L', 'u_r_l', 'U-R-L'][i % 5]}${' '.repeat(i % 7)}": "x"`, size)],
		['settings with many unknown keys', (size) => settingsText((i) => `"Unknown${i}": ${i}`, size)],
		['settings with many misspelt keys', (size) => settingsText((i) => `"AtributeMap${i % 10}${'x'.repeat(i % 3)}": "{}"`, size)],
		['settings with one long unknown key', (size) => settingsText(() => `"${'K'.repeat(size)}": 1`, 1)],
		['an AttributeMap text with one key given again and again', (size) => attributeMapText((i) => `"System.Title": "[$T${i}$]"`, size)],
		['an AttributeMap object with one key in many cases', (size) => () => compileAttributeMap(Object.fromEntries(keysOfSize(size, (i) => [caseVariant('System.Title', i), '[$T$]'])))],
		['an AttributeMap with many invalid field names', (size) => () => compileAttributeMap(Object.fromEntries(keysOfSize(size, (i) => [`not a field ${i}`, 'x'])))],
		['an AttributeMap with many unclosed placeholders', (size) => () => compileAttributeMap(Object.fromEntries(keysOfSize(size, (i) => [`Custom.F${i}`, '[$Open'])))],
		['the trigger\'s state settings with EndState given again and again', (size) => {
			const text = `{${keysOfSize(size, (i) => `"EndState": "S${i}"`).join(',\n')}, "WorkItemEndState": "Closed"}`;
			return () => parseStateMappingSettings(text);
		}],
		['a state map with many rows, all conflicting', (size) => () => compileStateMap({ workItemEndState: 'Closed', endState: 'Done', rows: keysOfSize(size, (i) => ({ devOpsState: 'Closed', ticketState: `T${i}` })) })],
		['a URL with a long path', (size) => () => parseAzureDevOpsUrl(`https://dev.azure.com/fabrikam/${'a/'.repeat(size / 2)}`, { requireProject: true })],
		['a URL of user info and encoded characters', (size) => () => parseAzureDevOpsUrl(`https://${'%25'.repeat(size / 3)}@dev.azure.com/fabrikam/P`)],
		['a delivery with many changed fields', (size) => () => parseServiceHookDelivery(parseDeliveryBody(deliveryText(size)))],
	];

	function keysOfSize<T>(size: number, make: (i: number) => T): T[] {
		const out: T[] = [];
		let length = 0;
		for (let i = 0; length < size; i++) {
			const entry = make(i);
			out.push(entry);
			length += JSON.stringify(entry).length + 1;
		}
		return out;
	}
	function caseVariant(name: string, i: number): string {
		return [...name].map((char, at) => ((i >> at) & 1 ? char.toUpperCase() : char.toLowerCase())).join('') + ' '.repeat(i >> name.length);
	}
	function settingsText(entry: (i: number) => string, size: number): () => unknown {
		const body = keysOfSize(size, entry).join(',\n');
		const text = `{"ConnectorType": "AzureDevOps", "URL": "https://dev.azure.com/fabrikam/P", ${body}, "AttributeMap": {"System.Title": "x", "System.WorkItemType": "Task"}}`;
		return () => parseConnectorSettings(text);
	}
	function attributeMapText(entry: (i: number) => string, size: number): () => unknown {
		const map = `{${keysOfSize(size, entry).join(',\n')}, "System.WorkItemType": "Task"}`;
		const text = JSON.stringify({ ConnectorType: 'AzureDevOps', URL: 'https://dev.azure.com/fabrikam/P', AttributeMap: map });
		return () => parseConnectorSettings(text);
	}
	function deliveryText(size: number): string {
		const body = sample('workitem.updated');
		const fields = ((body.resource as IDataObject).fields as IDataObject);
		for (const [i] of keysOfSize(size, (i) => [i, { oldValue: `a${i}`, newValue: `b${i}` }]).entries()) {
			fields[`Custom.Field${i}`] = { oldValue: `a${i}`, newValue: `b${i}` };
		}
		return JSON.stringify(body);
	}

	/** Runs a parse; returns what it tells the user (the message it threw, or the warnings), to be checked for size. */
	function outcome(parse: () => unknown): string {
		try {
			const result = parse() as { warnings?: unknown } | undefined;
			return Array.isArray(result?.warnings) ? result.warnings.join('\n') : '';
		} catch (error) {
			return error instanceof Error ? error.message : String(error);
		}
	}

	/** Least CPU time of a few runs: the least is the one other jobs on the machine disturbed least. */
	function leastTime(parse: () => unknown, rounds: number): number {
		let least = Number.POSITIVE_INFINITY;
		for (let round = 0; round < rounds; round++) {
			const start = process.cpuUsage();
			outcome(parse);
			const used = process.cpuUsage(start);
			least = Math.min(least, used.user + used.system);
		}
		return least;
	}

	const SMALL = 20_000;
	const LARGE = 200_000;
	/** 10x the input may take at most this many times as long: linear work gives about 10, quadratic about 100. */
	const MAX_RATIO = 30;
	/** An error message names the first faults and counts the rest: never longer than this, whatever the input. */
	const MAX_MESSAGE = 8_000;

	it.each(documents)('%s: 10x the text takes about 10x the time, and the message stays short', (_label, make) => {
		const small = make(SMALL);
		const large = make(LARGE);
		// Warm-up, so that the first measured run is not the one that compiles the code.
		outcome(small);
		outcome(large);
		const smallTime = Math.max(leastTime(small, 5), 200);
		const largeTime = leastTime(large, 3);
		counts.add('documentsParsed', 10);
		const message = outcome(large);
		const ratio = largeTime / smallTime;
		counts.set('worstParseRatioTimes10', Math.max(counts.values.worstParseRatioTimes10 ?? 0, Math.round(ratio * 10)));
		counts.set('longestMessage', Math.max(counts.values.longestMessage ?? 0, message.length));
		expect({ ratio: Math.round(ratio), linear: ratio < MAX_RATIO, length: message.length, short: message.length <= MAX_MESSAGE }).toMatchObject({ linear: true, short: true });
	});
});

describe('class 2: ticket text in an HTML field is escaped, decided by the field\'s type', () => {
	const HOSTILE = ['<script>alert(1)</script>', '<img src=x onerror=alert(1)>', '"><svg/onload=alert(1)>', "' onmouseover='alert(1)", '&lt;b&gt;', 'line 1\r\nline 2'];
	const escaped = (text: string) =>
		text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;').replace(/'/g, '&#39;').replace(/\r\n|\r|\n/g, '<br>');

	it('the Discussion (System.History) set by an AttributeMap is escaped even when the field types are unknown', () => {
		const map = compileAttributeMap({ 'System.Title': '[$Text$]', 'System.History': '<p>Requester wrote: [$Text$]</p>', 'System.WorkItemType': 'Task' });
		for (const text of HOSTILE) {
			counts.add('htmlValuesChecked');
			const patch = map.render({ Text: text }).patch;
			expect(patch.find((operation) => operation.path === '/fields/System.History')?.value).toBe(`<p>Requester wrote: ${escaped(text)}</p>`);
			expect(patch.find((operation) => operation.path === '/fields/System.Title')?.value).toBe(text);
		}
	});

	/** Fields as `GET {project}/_apis/wit/fields` reports them in a process with a custom HTML field. */
	const SERVER_FIELDS = {
		count: 7,
		value: [
			{ referenceName: 'System.Title', type: 'string' },
			{ referenceName: 'System.Description', type: 'html' },
			{ referenceName: 'System.History', type: 'history' },
			{ referenceName: 'Custom.CustomerNotes', type: 'html' },
			{ referenceName: 'Custom.PlainNotes', type: 'plainText' },
			{ referenceName: 'Microsoft.VSTS.TCM.ReproSteps', type: 'plainText' },
			{ referenceName: 'Microsoft.VSTS.Common.Priority', type: 'integer' },
		],
	};

	it('by the server\'s types: a custom HTML field is escaped, a plain-text one is not, whatever its name', () => {
		const htmlFieldNames = htmlFieldsFrom(SERVER_FIELDS);
		const map = compileAttributeMap(
			{
				'Custom.CustomerNotes': '<p>[$Text$]</p>',
				'Custom.PlainNotes': '[$Text$]',
				'Microsoft.VSTS.TCM.ReproSteps': '[$Text$]',
				'System.History': '[$Text$]',
				'System.WorkItemType': 'Bug',
			},
			{ htmlFieldNames },
		);
		for (const text of HOSTILE) {
			counts.add('htmlValuesChecked', 4);
			const values = Object.fromEntries(map.render({ Text: text }).patch.map((operation) => [operation.path, operation.value]));
			expect(values).toEqual({
				'/fields/Custom.CustomerNotes': `<p>${escaped(text)}</p>`,
				'/fields/Custom.PlainNotes': text,
				'/fields/Microsoft.VSTS.TCM.ReproSteps': text,
				'/fields/System.History': escaped(text),
			});
		}
	});

	it('the pure helpers for the other operations and for comments written as HTML', () => {
		const names = resolveHtmlFieldNames(htmlFieldsFrom(SERVER_FIELDS));
		for (const text of HOSTILE) {
			counts.add('htmlValuesChecked', 5);
			expect(escapeHtmlFields({ 'custom.customernotes': text, 'System.Title': text, 'Microsoft.VSTS.Common.Priority': 2 }, names)).toEqual({
				'custom.customernotes': escaped(text),
				'System.Title': text,
				'Microsoft.VSTS.Common.Priority': 2,
			});
			expect(escapeHtmlPatch([{ op: 'add', path: '/fields/System.History', value: text }, { op: 'add', path: '/fields/Custom.PlainNotes', value: text }], names).map((operation) => operation.value)).toEqual([escaped(text), text]);
			expect(commentTextAsHtml(text)).toBe(escaped(text));
		}
	});
});

describe('class 2, through the nodes: the server says which fields are HTML', () => {
	const TYPE = 'n8n-nodes-azure-devops-connector.azureDevOpsConnector';
	const TEXT = '<img src=x onerror=alert(1)> & "more"';
	const ESCAPED = '&lt;img src=x onerror=alert(1)&gt; &amp; &quot;more&quot;';
	const credentials = () => ({ azureDevOpsApi: { organizationUrl: emu.orgUrl('fabrikam'), accessToken: CANARY_PAT, allowHttp: true } });
	const stored = (id: unknown) => (emu.getWorkItem(Number(id)) as { fields: IDataObject }).fields;
	const action = async (operation: string, parameters: IDataObject) =>
		await runNode({
			type: TYPE,
			nodeTypes: { [TYPE]: new AzureDevOpsConnector() },
			credentialTypes: [new AzureDevOpsApi(), new AzureDevOpsMultiOrgApi()],
			credentials: credentials() as never,
			parameters: { authentication: 'azureDevOpsApi', resource: 'workItem', operation, project: { __rl: true, mode: 'url', value: serviceDeskUrl(emu) }, ...parameters } as never,
			inputItems: [{ text: TEXT }],
			continueOnFail: true,
		});

	it('Create From Ticket escapes ticket text in a custom HTML field, and leaves a custom plain-text field as written', async () => {
		const map = JSON.stringify({ 'System.Title': 'HTML by type', 'Custom.CustomerNotes': '<p>[$Text$]</p>', 'Custom.PlainNotes': '[$Text$]', 'System.WorkItemType': 'Task' });
		const run = await createFromTicket(emu, { tickets: [ticket(4242, { Text: TEXT })], parameters: { connectorSettings: seedSettings(serviceDeskUrl(emu), { AttributeMap: map }) }, credentials: credentials() });
		scanner.scan('create from ticket, html fields', run.items);
		expect(run.error).toBeUndefined();
		const fields = stored(run.items[0].json.id);
		counts.add('htmlValuesChecked', 2);
		expect(fields['Custom.CustomerNotes']).toBe(`<p>${ESCAPED}</p>`);
		expect(fields['Custom.PlainNotes']).toBe(TEXT);
	});

	it('Create and Update escape text in HTML fields when told the values are text, by the server\'s types', async () => {
		const fields = { field: [{ name: 'Custom.CustomerNotes', value: '={{ $json.text }}' }, { name: 'Custom.PlainNotes', value: '={{ $json.text }}' }] };
		const created = await action('create', { workItemType: 'Task', title: 'Escape on create', fields, options: { escapeTextInHtmlFields: true } });
		expect(created.items[0].json.error).toBeUndefined();
		expect(stored(created.items[0].json.id)).toMatchObject({ 'Custom.CustomerNotes': ESCAPED, 'Custom.PlainNotes': TEXT });
		const asHtml = await action('update', { workItem: { __rl: true, mode: 'id', value: String(created.items[0].json.id) }, fields });
		expect(stored(created.items[0].json.id)).toMatchObject({ 'Custom.CustomerNotes': TEXT });
		expect(asHtml.items[0].json.error).toBeUndefined();
		await action('update', { workItem: { __rl: true, mode: 'id', value: String(created.items[0].json.id) }, fields, options: { escapeTextInHtmlFields: true } });
		counts.add('htmlValuesChecked', 4);
		expect(stored(created.items[0].json.id)).toMatchObject({ 'Custom.CustomerNotes': ESCAPED, 'Custom.PlainNotes': TEXT });
	});

	it('Add Comment as Plain Text escapes the text; as HTML it is sent as written', async () => {
		const id = (emu.createWorkItem('Service Desk', 'Task', { 'System.Title': 'Comments' }) as { id: number }).id;
		const workItem = { __rl: true, mode: 'id', value: String(id) };
		const asText = await action('addComment', { workItem, text: '={{ $json.text }}', format: 'text' });
		const asHtml = await action('addComment', { workItem, text: '<b>bold</b>', format: 'html' });
		counts.add('htmlValuesChecked', 2);
		expect([asText.items[0].json.text, asHtml.items[0].json.text]).toEqual([ESCAPED, '<b>bold</b>']);
	});
});

describe('at the end', () => {
	it('nothing emitted, answered or logged carried a secret', () => {
		scanner.scanLogs('log', logs.lines);
		expect(scanner.stringsScanned).toBeGreaterThan(0);
		expect(scanner.leaks).toEqual([]);
	});
});
