import * as fs from 'fs';
import * as path from 'path';

import { compileAttributeMap } from '../../nodes/AzureDevOpsConnector/connector/attributeMap';
import { ConnectorErrors } from '../../nodes/AzureDevOpsConnector/connector/errors';
import type { ConnectorError } from '../../nodes/AzureDevOpsConnector/connector/errors';
import { lineAndColumn, parseConnectorSettings, parseStateMappingSettings } from '../../nodes/AzureDevOpsConnector/connector/settings';
import type { ConnectorSettingsOptions } from '../../nodes/AzureDevOpsConnector/connector/settings';

const fixture = (name: string) => fs.readFileSync(path.join(__dirname, '../fixtures/settings', name), 'utf8');

// What a Personal Access Token looks like: it must never come back in a message or a warning.
const CANARY = 'canary-token-servicedesk-000000000000000000000000000';

/** Every fault a call throws (parseConnectorSettings always throws ConnectorErrors), or [] when it succeeds. */
function faultsOf(fn: () => unknown): ConnectorError[] {
	try {
		fn();
	} catch (error) {
		expect(error).toBeInstanceOf(ConnectorErrors);
		expect((error as Error).message).not.toContain(CANARY);
		return [...(error as ConnectorErrors).errors];
	}
	return [];
}

function codesOf(input: unknown, options?: ConnectorSettingsOptions): string[] {
	return faultsOf(() => parseConnectorSettings(input, options)).map((fault) => fault.code);
}

const valid = {
	ConnectorType: 'AzureDevOps',
	URL: 'https://dev.azure.com/fabrikam/Web',
	AccessToken: '0',
	AttributeMap: { 'System.Title': '[$TicketTitle$]', 'System.WorkItemType': 'Task' },
	BeginState: 'Synchronization to DevOps',
	EndState: 'Return from DevOps',
	WorkItemEndState: 'Closed',
};

/** The valid settings with some keys changed; a key set to undefined is left out. */
function settingsWith(changes: Record<string, unknown>): Record<string, unknown> {
	return JSON.parse(JSON.stringify({ ...valid, ...changes })) as Record<string, unknown>;
}

describe('the seed\'s own example, pasted into Connector Settings', () => {
	it('reads into the organization, project, token index, field map, type and the three states', () => {
		const settings = parseConnectorSettings(fixture('seed-example.json'));
		expect(settings).toEqual({
			organizationUrl: 'https://dev.azure.com/fabrikam',
			organization: 'fabrikam',
			project: 'Service Desk',
			hosting: 'services',
			tokenIndex: 0,
			tokenIndexGiven: true,
			attributeMap: { 'System.Title': '[$TicketTitle$]', 'System.Description': '[$LatestImportantMessage$]' },
			workItemType: 'Task',
			beginState: 'Synchronization to DevOps',
			endState: 'Return from DevOps',
			workItemEndState: 'Closed',
			warnings: [],
		});
	});

	it('tells a token index that was left out from one that was given as 0', () => {
		const withoutIndex = settingsWith({ AccessToken: undefined });
		expect(parseConnectorSettings(withoutIndex)).toMatchObject({ tokenIndex: 0, tokenIndexGiven: false });
		expect(parseConnectorSettings(settingsWith({ AccessToken: ' ' }))).toMatchObject({ tokenIndexGiven: false });
		expect(parseConnectorSettings(settingsWith({ AccessToken: '0' }))).toMatchObject({ tokenIndexGiven: true });
	});

	it('gives a map that renders an ALVAO ticket into a Task', () => {
		const settings = parseConnectorSettings(fixture('seed-example.json'));
		const ticket = JSON.parse(fixture('alvao-ticket.json')) as Record<string, unknown>;
		const rendered = compileAttributeMap(settings.attributeMap, { workItemType: settings.workItemType }).render(ticket);
		expect(rendered.workItemType).toBe('Task');
		expect(rendered.patch[0]).toEqual({ op: 'add', path: '/fields/System.Title', value: ticket.TicketTitle });
	});

	it('reads the same from an object as from text', () => {
		const fromText = parseConnectorSettings(fixture('seed-example.json'));
		const fromObject = parseConnectorSettings(JSON.parse(fixture('seed-example.json')));
		expect(fromObject).toEqual(fromText);
	});
});

describe('URL shapes', () => {
	it.each([
		['https://dev.azure.com/fabrikam/Web', 'https://dev.azure.com/fabrikam', 'Web', 'services'],
		['https://dev.azure.com/fabrikam/Web/', 'https://dev.azure.com/fabrikam', 'Web', 'services'],
		['  https://dev.azure.com/fabrikam/Web  ', 'https://dev.azure.com/fabrikam', 'Web', 'services'],
		['https://dev.azure.com/fabrikam/Fabrikam Fiber', 'https://dev.azure.com/fabrikam', 'Fabrikam Fiber', 'services'],
		['https://dev.azure.com/fabrikam/Fabrikam%20Fiber', 'https://dev.azure.com/fabrikam', 'Fabrikam Fiber', 'services'],
		['https://fabrikam.visualstudio.com/Fabrikam%20Fiber', 'https://dev.azure.com/fabrikam', 'Fabrikam Fiber', 'services'],
		['https://fabrikam.visualstudio.com/DefaultCollection/Web/', 'https://dev.azure.com/fabrikam', 'Web', 'services'],
		['https://tfs.contoso.local/tfs/DefaultCollection/Web', 'https://tfs.contoso.local/tfs/DefaultCollection', 'Web', 'server'],
		['https://devops.contoso.local/Infra/Service Desk', 'https://devops.contoso.local/Infra', 'Service Desk', 'server'],
		[
			'https://devops.contoso.local:8443/tfs/Infra/Service%20Desk/',
			'https://devops.contoso.local:8443/tfs/Infra',
			'Service Desk',
			'server',
		],
	])('%s is organization %s, project %s', (url, organizationUrl, project, hosting) => {
		const settings = parseConnectorSettings(settingsWith({ URL: url }));
		expect(settings).toMatchObject({ organizationUrl, project, hosting });
	});

	it('accepts http only for a local server, and only when the node allows it', () => {
		const local = settingsWith({ URL: 'http://localhost:8080/tfs/Coll/Proj' });
		expect(codesOf(local)).toEqual(['AZDC-1011']);
		expect(parseConnectorSettings(local, { allowHttp: true }).organizationUrl).toBe('http://localhost:8080/tfs/Coll');
	});
});

describe('what users really paste', () => {
	it('accepts setting names in any case, with spaces around them or inside them', () => {
		const settings = parseConnectorSettings({
			' connectortype ': ' azure devops ',
			url: ' https://dev.azure.com/fabrikam/Web/ ',
			'Access Token': ' 1 ',
			attributemap: '{ " System.Title ": "[$TicketTitle$]", "system.workitemtype": " Bug " }',
			'begin_state': ' Synchronization to DevOps ',
		});
		expect(settings).toMatchObject({
			organizationUrl: 'https://dev.azure.com/fabrikam',
			project: 'Web',
			tokenIndex: 1,
			attributeMap: { 'System.Title': '[$TicketTitle$]' },
			workItemType: 'Bug',
			beginState: 'Synchronization to DevOps',
			endState: undefined,
			warnings: [],
		});
	});

	it('takes the settings without ConnectorType as meant for Azure DevOps', () => {
		expect(codesOf(settingsWith({ ConnectorType: undefined }))).toEqual([]);
	});

	it.each([
		['"0"', '0', 0],
		['the number 0', 0, 0],
		['" 1 " with spaces', ' 1 ', 1],
		['"07"', '07', 7],
		['nothing (the first token)', undefined, 0],
		['an empty text (the first token)', '', 0],
	])('takes AccessToken %s as token %s', (_label, accessToken, index) => {
		expect(parseConnectorSettings(settingsWith({ AccessToken: accessToken })).tokenIndex).toBe(index);
	});

	it('reads text with a byte order mark and Windows line ends', () => {
		const text = `\uFEFF${JSON.stringify(valid, null, 2).replace(/\n/g, '\r\n')}`;
		expect(parseConnectorSettings(text).project).toBe('Web');
	});

	it('reads settings that were stored as a JSON string holding the JSON', () => {
		expect(parseConnectorSettings(JSON.stringify(JSON.stringify(valid))).project).toBe('Web');
	});

	it('uses the node\'s Work Item Type when the AttributeMap has none, and the map\'s when it has one', () => {
		const withoutType = settingsWith({ AttributeMap: { 'System.Title': 'x' } });
		expect(parseConnectorSettings(withoutType, { workItemType: 'Issue' }).workItemType).toBe('Issue');
		expect(parseConnectorSettings(valid, { workItemType: 'Issue' }).workItemType).toBe('Task');
	});

	it('shows unknown settings as warnings, suggesting the setting a typo was meant to be', () => {
		const settings = parseConnectorSettings(
			settingsWith({ Comment: 'printer team', WorkItemEndStat: 'Done', Token: CANARY }),
		);
		expect(settings.warnings).toEqual([
			'Unknown setting "Comment" is ignored.',
			'Unknown setting "WorkItemEndStat" is ignored. Did you mean "WorkItemEndState"?',
			'Unknown setting "Token" is ignored.',
		]);
		expect(settings.warnings.join('\n')).not.toContain(CANARY);
	});
});

describe('bad settings documents', () => {
	const cases: Array<[string, unknown, string[], ConnectorSettingsOptions?]> = [
		['empty text', '', ['AZDC-1002']],
		['only white space', ' \n\t ', ['AZDC-1002']],
		['nothing at all', null, ['AZDC-1002']],
		['a list', '[{"URL": "https://dev.azure.com/fabrikam/Web"}]', ['AZDC-1003']],
		['a bare text', '"AzureDevOps"', ['AZDC-1003']],
		['a number instead of an object', 42, ['AZDC-1003']],
		['a trailing comma', '{"URL": "https://dev.azure.com/fabrikam/Web",}', ['AZDC-1001']],
		['single quotes', "{'URL': 'x'}", ['AZDC-1001']],
		['another connector type', settingsWith({ ConnectorType: 'Jira' }), ['AZDC-1004']],
		['a connector type that is not text', settingsWith({ ConnectorType: 1 }), ['AZDC-1004']],
		['no URL', settingsWith({ URL: undefined }), ['AZDC-1010']],
		['an empty URL', settingsWith({ URL: '  ' }), ['AZDC-1010']],
		['an http URL', settingsWith({ URL: 'http://dev.azure.com/fabrikam/Web' }), ['AZDC-1011']],
		['a URL without project', settingsWith({ URL: 'https://dev.azure.com/fabrikam/' }), ['AZDC-1012']],
		['a URL that is not one', settingsWith({ URL: 'https://dev azure com/fabrikam' }), ['AZDC-1013']],
		['a URL that is a number', settingsWith({ URL: 7 }), ['AZDC-1013']],
		['AccessToken "-1"', settingsWith({ AccessToken: '-1' }), ['AZDC-1020']],
		['AccessToken "1.5"', settingsWith({ AccessToken: '1.5' }), ['AZDC-1020']],
		['AccessToken "abc"', settingsWith({ AccessToken: 'abc' }), ['AZDC-1020']],
		['AccessToken -1', settingsWith({ AccessToken: -1 }), ['AZDC-1020']],
		['AccessToken 1.5', settingsWith({ AccessToken: 1.5 }), ['AZDC-1020']],
		['AccessToken true', settingsWith({ AccessToken: true }), ['AZDC-1020']],
		['AccessToken holding the token itself', settingsWith({ AccessToken: CANARY }), ['AZDC-1020']],
		['AccessToken past the credential\'s tokens', settingsWith({ AccessToken: '2' }), ['AZDC-1021'], { tokenCount: 2 }],
		['no AttributeMap', settingsWith({ AttributeMap: undefined }), ['AZDC-1030']],
		['an empty AttributeMap text', settingsWith({ AttributeMap: ' ' }), ['AZDC-1030']],
		['an AttributeMap that is a number', settingsWith({ AttributeMap: 42 }), ['AZDC-1031']],
		['an AttributeMap text holding a list', settingsWith({ AttributeMap: '["System.Title"]' }), ['AZDC-1031']],
		['an AttributeMap text that is not JSON', settingsWith({ AttributeMap: '{"System.Title": }' }), ['AZDC-1045']],
		[
			'an AttributeMap value that is an object',
			settingsWith({ AttributeMap: { 'System.Title': { en: 'x' }, 'System.WorkItemType': 'Task' } }),
			['AZDC-1032'],
		],
		[
			'an AttributeMap key that is a display name',
			settingsWith({ AttributeMap: { Title: 'x', 'System.WorkItemType': 'Task' } }),
			['AZDC-1035'],
		],
		[
			'two AttributeMap keys differing in case',
			settingsWith({ AttributeMap: { 'System.Title': 'a', 'SYSTEM.TITLE': 'b', 'System.WorkItemType': 'Task' } }),
			['AZDC-1034'],
		],
		['no work item type', settingsWith({ AttributeMap: { 'System.Title': 'x' } }), ['AZDC-1033']],
		[
			'an empty work item type',
			settingsWith({ AttributeMap: { 'System.Title': 'x', 'System.WorkItemType': ' ' } }),
			['AZDC-1033'],
		],
		[
			'an unclosed placeholder',
			settingsWith({ AttributeMap: { 'System.Title': '[$TicketTitle', 'System.WorkItemType': 'Task' } }),
			['AZDC-2002'],
		],
		[
			'an empty placeholder',
			settingsWith({ AttributeMap: '{"System.Title": "Ticket [$$]", "System.WorkItemType": "Task"}' }),
			['AZDC-2002'],
		],
		['URL and url', { ...valid, url: 'https://dev.azure.com/fabrikam/Other' }, ['AZDC-1044']],
		['no BeginState when it is needed', settingsWith({ BeginState: undefined }), ['AZDC-1040'], { require: { beginState: true } }],
		['an empty EndState when it is needed', settingsWith({ EndState: ' ' }), ['AZDC-1041'], { require: { endState: true } }],
		[
			'no WorkItemEndState when it is needed',
			settingsWith({ WorkItemEndState: null }),
			['AZDC-1042'],
			{ require: { workItemEndState: true } },
		],
		['a BeginState that is a number', settingsWith({ BeginState: 5 }), ['AZDC-1043'], { require: { beginState: true } }],
	];

	it.each(cases.map(([label, input, codes, options]) => ({ label, input, codes, options })))(
		'$label gives $codes',
		({ input, codes, options }) => {
			expect(codesOf(input, options)).toEqual(codes);
		},
	);

	it('never repeats the token when AccessToken holds the token itself', () => {
		const [fault] = faultsOf(() => parseConnectorSettings(settingsWith({ AccessToken: CANARY })));
		expect(fault.message).toContain('looks like a token');
	});

	it('ignores states the node does not need, warning about one that is not text', () => {
		const settings = parseConnectorSettings(settingsWith({ BeginState: 5, EndState: undefined }));
		expect(settings.beginState).toBeUndefined();
		expect(settings.endState).toBeUndefined();
		expect(settings.warnings).toEqual(['BeginState is a number, not text, and is ignored.']);
	});
});

describe('every fault of a document at once', () => {
	it('lists each fault with its own code and setting, instead of stopping at the first', () => {
		const faults = faultsOf(() =>
			parseConnectorSettings(
				{
					ConnectorType: 'ServiceNow',
					URL: 'http://dev.azure.com/fabrikam/Web',
					AccessToken: 'abc',
					AttributeMap: { 'System.Title': '[$TicketTitle', 'System.Description': ['x'] },
					EndState: '',
				},
				{ require: { endState: true } },
			),
		);
		expect(faults.map((fault) => [fault.code, fault.field])).toEqual([
			['AZDC-1004', 'ConnectorType'],
			['AZDC-1011', 'URL'],
			['AZDC-1020', 'AccessToken'],
			['AZDC-2002', 'AttributeMap[System.Title]'],
			['AZDC-1032', 'AttributeMap[System.Description]'],
			['AZDC-1033', 'AttributeMap'],
			['AZDC-1041', 'EndState'],
		]);
	});

	it('says so in one message that names every problem', () => {
		let message = '';
		try {
			parseConnectorSettings(settingsWith({ URL: undefined, AccessToken: 'x' }));
		} catch (error) {
			message = (error as Error).message;
		}
		expect(message).toMatch(/^2 problems in the Connector Settings/);
		expect(message).toContain('[AZDC-1010] URL:');
		expect(message).toContain('[AZDC-1020] AccessToken:');
	});
});

describe('text that is not JSON', () => {
	function notJson(text: string): ConnectorError {
		const faults = faultsOf(() => parseConnectorSettings(text));
		expect(faults.map((fault) => fault.code)).toEqual(['AZDC-1001']);
		return faults[0];
	}

	it('says on which line and column the JSON breaks', () => {
		const text = '{\n  "ConnectorType": "AzureDevOps",\n  "URL": "https://dev.azure.com/fabrikam/Web",\n}';
		const fault = notJson(text);
		expect(fault.details).toEqual({ line: 4, column: 1 });
		expect(fault.message).toContain('line 4, column 1');
		expect(fault.message).toContain('trailing comma');
	});

	it('points at a missing comma between two settings', () => {
		const fault = notJson('{\n"URL": "https://dev.azure.com/fabrikam/Web"\n"AccessToken": "0"\n}');
		expect(fault.details).toEqual({ line: 3, column: 1 });
		expect(fault.message).toContain('"," or "}" is missing after the value of "URL"');
	});

	it('recognises settings copied without their surrounding braces, as the seed\'s page shows them', () => {
		const fault = notJson('"ConnectorType": "AzureDevOps",\n"URL": "https://dev.azure.com/fabrikam/Web",\n"AccessToken": "0"');
		expect(fault.message).toContain('missing the "{" and "}"');
	});

	it.each([
		['typographic quotes from a word processor', '{\u201cURL\u201d: \u201chttps://dev.azure.com/f/p\u201d}', 'typographic quote'],
		['a line break inside a text', '{"BeginState": "Synchronization\nto DevOps"}', 'line break'],
		['a comment', '{"URL": "x" // the project\n}', 'comments'],
		['a key without quotes', '{URL: "x"}', 'not in double quotes'],
		['text that stops half way', '{"URL": "https://dev.azure.com/f/p", "AttributeMap": {', 'ends'],
		['an unclosed text', '{"URL": "https://dev.azure.com/f/p}', 'not closed'],
	])('explains %s', (_label, text, words) => {
		expect(notJson(text).message).toContain(words);
	});

	it('refuses very deep nesting quickly instead of crashing', () => {
		const started = Date.now();
		expect(notJson(`{"AttributeMap": ${'['.repeat(200000)}`).message).toContain('nested');
		expect(Date.now() - started).toBeLessThan(2000);
	});

	it('gives the line and column inside the AttributeMap text for an AttributeMap string that is not JSON', () => {
		const faults = faultsOf(() =>
			parseConnectorSettings(settingsWith({ AttributeMap: '{\n"System.Title": "[$TicketTitle$]"\n"System.WorkItemType": "Task"}' })),
		);
		expect(faults.map((fault) => fault.code)).toEqual(['AZDC-1045']);
		expect(faults[0].details).toEqual({ line: 3, column: 1 });
	});
});

describe('keys given twice, which JSON.parse would silently collapse to the last one', () => {
	it('finds a setting written twice in the text, with the line of the second one', () => {
		const text = '{\n"URL": "https://dev.azure.com/fabrikam/Old",\n"URL": "https://dev.azure.com/fabrikam/Web",\n"AttributeMap": {"System.Title": "x", "System.WorkItemType": "Task"}\n}';
		const faults = faultsOf(() => parseConnectorSettings(text));
		expect(faults.map((fault) => [fault.code, fault.field, fault.details])).toEqual([
			['AZDC-1044', 'URL', { line: 3, column: 1 }],
		]);
	});

	it('finds a field written twice inside an AttributeMap string', () => {
		const map = '{"System.Title": "[$TicketTitle$]", "System.WorkItemType": "Task",\n "System.Title": "[$TicketID$]"}';
		const faults = faultsOf(() => parseConnectorSettings(settingsWith({ AttributeMap: map })));
		expect(faults.map((fault) => [fault.code, fault.details])).toEqual([['AZDC-1034', { line: 2, column: 2 }]]);
	});

	it('finds a field written twice inside an AttributeMap object in the settings text', () => {
		const text =
			'{"URL": "https://dev.azure.com/fabrikam/Web", "AttributeMap": {"System.Title": "a", "System.WorkItemType": "Task", "System.Title": "b"}}';
		expect(codesOf(text)).toEqual(['AZDC-1034']);
	});

	it('does not count the same name in different objects as a duplicate', () => {
		const text =
			'{"URL": "https://dev.azure.com/fabrikam/Web", "AttributeMap": {"System.Title": "a", "System.WorkItemType": "Task"}, "Extra": {"URL": 1}}';
		expect(codesOf(text)).toEqual([]);
	});
});

describe('a misspelt required setting', () => {
	it('is reported as missing, and the message names the key that looks like it', () => {
		const faults = faultsOf(() =>
			parseConnectorSettings(settingsWith({ AttributeMap: undefined, AtributeMap: { 'System.Title': 'x' } })),
		);
		expect(faults.map((fault) => fault.code)).toEqual(['AZDC-1030']);
		expect(faults[0].message).toContain('"AtributeMap" looks like a misspelling');
	});
});

describe('line and column of a position', () => {
	it('counts lines ended by \\n, \\r\\n and a lone \\r, from 1', () => {
		const text = 'ab\ncd\r\nef\rgh';
		expect(lineAndColumn(text, 0)).toEqual({ line: 1, column: 1 });
		expect(lineAndColumn(text, text.indexOf('d'))).toEqual({ line: 2, column: 2 });
		expect(lineAndColumn(text, text.indexOf('e'))).toEqual({ line: 3, column: 1 });
		expect(lineAndColumn(text, text.indexOf('h'))).toEqual({ line: 4, column: 2 });
	});
});

describe('the trigger reads only the states from the same settings', () => {
	const codes = (fn: () => unknown): string[] => {
		try {
			fn();
		} catch (error) {
			return (error as ConnectorErrors).errors.map((fault) => fault.code);
		}
		return [];
	};

	it('takes the seed\'s document as it is and returns the three states', () => {
		expect(parseStateMappingSettings(fixture('seed-example.json'))).toEqual({
			beginState: 'Synchronization to DevOps',
			endState: 'Return from DevOps',
			workItemEndState: 'Closed',
			warnings: [],
		});
	});

	it('does not care about Create From Ticket\'s parts: a document with only the two states is enough', () => {
		expect(parseStateMappingSettings({ endState: 'Return from DevOps', WorkItemEndState: 'Closed' })).toMatchObject({
			endState: 'Return from DevOps',
			workItemEndState: 'Closed',
		});
		expect(codes(() => parseStateMappingSettings({ URL: 'http://x', EndState: 'Back', WorkItemEndState: 'Done' }))).toEqual([]);
	});

	it('still reports the faults that concern it, all at once', () => {
		expect(codes(() => parseStateMappingSettings({ EndState: ' ' }))).toEqual(['AZDC-1041', 'AZDC-1042']);
		expect(codes(() => parseStateMappingSettings('{"EndState": "Back",}'))).toEqual(['AZDC-1001']);
		expect(codes(() => parseStateMappingSettings({ ConnectorType: 'Jira', EndState: 'Back', WorkItemEndState: 'Done' }))).toEqual(['AZDC-1004']);
	});
});
