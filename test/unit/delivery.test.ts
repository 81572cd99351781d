import * as fs from 'fs';
import * as path from 'path';

import {
	displayName,
	parseDeliveryBody,
	parseServiceHookDelivery,
	type ParsedDelivery,
} from '../../nodes/AzureDevOpsConnector/connector/delivery';
import { ConnectorError } from '../../nodes/AzureDevOpsConnector/connector/errors';

// Tests edit sample deliveries at arbitrary depth, as a sender would get them wrong.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Json = Record<string, any>;

const FIXTURES = path.join(__dirname, '..', 'fixtures', 'service-hooks');
const EVENTS = ['created', 'updated', 'commented', 'deleted', 'restored'] as const;

function rawSample(event: (typeof EVENTS)[number]): string {
	return fs.readFileSync(path.join(FIXTURES, `workitem.${event}.json`), 'utf8');
}

/** A fresh, editable copy of an official sample delivery. */
function sample(event: (typeof EVENTS)[number]): Json {
	return JSON.parse(rawSample(event)) as Json;
}

function variant(event: (typeof EVENTS)[number], edit: (body: Json) => void): Json {
	const body = sample(event);
	edit(body);
	return body;
}

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

const SAMPLE_ORG = 'http://dev.azure.com/fabrikam-fiber-inc/DefaultCollection';

describe('the official sample deliveries parse into the trigger output', () => {
	it('workitem.created: a new Bug #5, in state New, counted as a state change', () => {
		const parsed = parseServiceHookDelivery(sample('created'));
		expect(parsed).toMatchObject({
			eventType: 'workitem.created',
			deliveryId: 'd2d46fb1-dba5-403c-9373-427583f19e8c',
			notificationId: null,
			subscriptionId: null,
			workItemId: 5,
			revision: 1,
			workItemType: 'Bug',
			project: 'FabrikamCloud',
			projectId: 'be9b3917-87e6-42a4-a549-2bc06a7a878f',
			areaPath: 'FabrikamCloud',
			state: { old: null, new: 'New', changed: true },
			changedFields: [],
			changedBy: 'Jamal Hartnett',
			tags: [],
			relations: null,
			organizationUrl: SAMPLE_ORG,
			url: `${SAMPLE_ORG}/_apis/wit/workItems/5`,
			webUrl: `${SAMPLE_ORG}/FabrikamCloud/_workitems/edit/5`,
			resourceDetails: 'all',
			comment: null,
			createdDate: '2016-09-19T13:03:29.7688022Z',
		});
		expect(parsed.fields['System.Title']).toBe('Some great new idea!');
	});

	it('workitem.updated: the work item id comes from resource.revision.id (5), never the update number (2)', () => {
		const body = sample('updated');
		expect(body.resource.workItemId).toBe(0);
		expect(body.resource.id).toBe(2);
		const parsed = parseServiceHookDelivery(body);
		expect(parsed.workItemId).toBe(5);
		expect(parsed.url).toBe(`${SAMPLE_ORG}/_apis/wit/workItems/5`);
		expect(parsed.revision).toBe(2);
		expect(parsed.state).toEqual({ old: 'New', new: 'Approved', changed: true });
		expect(parsed.changedFields).toEqual(expect.arrayContaining(['System.State', 'System.AssignedTo', 'System.Rev']));
		expect(parsed.changedFields).toHaveLength(Object.keys(body.resource.fields).length);
		expect(parsed.changes['System.AssignedTo']).toEqual({ newValue: 'Jamal Hartnet' });
		expect(parsed.fields['System.Title']).toBe('Some great new idea!');
		expect(parsed.changedBy).toBe('Jamal Hartnett');
		expect(parsed.workItemType).toBe('Bug');
		expect(parsed.resourceDetails).toBe('all');
	});

	it('workitem.commented: carries the comment, the state stays as it was', () => {
		const parsed = parseServiceHookDelivery(sample('commented'));
		expect(parsed.workItemId).toBe(5);
		expect(parsed.revision).toBe(4);
		expect(parsed.comment).toBe('This is a great new idea');
		expect(parsed.state).toEqual({ old: 'New', new: 'New', changed: false });
	});

	it('workitem.deleted: the id comes from the recycle-bin resource, the url is still the work item API URL', () => {
		const parsed = parseServiceHookDelivery(sample('deleted'));
		expect(parsed.workItemId).toBe(5);
		expect(parsed.url).toBe(`${SAMPLE_ORG}/_apis/wit/workItems/5`);
		expect(parsed.state.changed).toBe(false);
	});

	it('workitem.restored: the browser link is taken from _links.html', () => {
		const parsed = parseServiceHookDelivery(sample('restored'));
		expect(parsed.workItemId).toBe(5);
		expect(parsed.webUrl).toBe(
			'https://dev.azure.com/fabrikam-fiber-inc/web/wi.aspx?pcguid=d81542e4-cdfa-4333-b082-1ae2d6c3ad16&id=5',
		);
	});

	it.each(EVENTS)('workitem.%s parses from the raw text as Azure DevOps posts it', (event) => {
		const fromText = parseServiceHookDelivery(parseDeliveryBody(rawSample(event)));
		const fromBytes = parseServiceHookDelivery(parseDeliveryBody(new TextEncoder().encode(rawSample(event))));
		expect(fromText.eventType).toBe(`workitem.${event}`);
		expect(fromText.workItemId).toBe(5);
		expect(fromBytes).toEqual(fromText);
	});

	it('does not change the delivery it reads', () => {
		for (const event of EVENTS) {
			const body = sample(event);
			parseServiceHookDelivery(deepFreeze(body));
			expect(body).toEqual(sample(event));
		}
	});
});

describe('finding the organization URL', () => {
	it('uses resourceContainers.collection.baseUrl when Azure DevOps Services sends it, without the trailing slash', () => {
		const parsed = parseServiceHookDelivery(
			variant('updated', (body) => {
				body.resourceContainers.collection.baseUrl = 'https://dev.azure.com/fabrikam-fiber-inc/';
				body.resourceContainers.account.baseUrl = 'https://dev.azure.com/fabrikam-fiber-inc/';
			}),
		);
		expect(parsed.organizationUrl).toBe('https://dev.azure.com/fabrikam-fiber-inc');
		expect(parsed.url).toBe('https://dev.azure.com/fabrikam-fiber-inc/_apis/wit/workItems/5');
	});

	it('prefers the collection over the server root on Azure DevOps Server', () => {
		const parsed = parseServiceHookDelivery(
			variant('created', (body) => {
				body.resourceContainers.account.baseUrl = 'https://tfs.contoso.local/tfs/';
				body.resourceContainers.collection.baseUrl = 'https://tfs.contoso.local/tfs/ServiceDesk/';
			}),
		);
		expect(parsed.organizationUrl).toBe('https://tfs.contoso.local/tfs/ServiceDesk');
	});

	it('falls back to the account when only the account has a baseUrl', () => {
		const parsed = parseServiceHookDelivery(
			variant('created', (body) => {
				body.resourceContainers.account.baseUrl = 'https://dev.azure.com/contoso//';
			}),
		);
		expect(parsed.organizationUrl).toBe('https://dev.azure.com/contoso');
	});

	it('ignores a baseUrl that is not an http(s) URL and derives the organization from resource.url', () => {
		const parsed = parseServiceHookDelivery(
			variant('created', (body) => {
				body.resourceContainers.collection.baseUrl = 'javascript:alert(1)';
				body.resourceContainers.account.baseUrl = 42;
			}),
		);
		expect(parsed.organizationUrl).toBe(SAMPLE_ORG);
	});

	it.each([
		['the project name', 'https://dev.azure.com/contoso/FabrikamCloud/_apis/wit/workItems/5'],
		['the encoded project name', 'https://dev.azure.com/contoso/Fabrikam%20Cloud/_apis/wit/workItems/5'],
		['the project id', 'https://dev.azure.com/contoso/be9b3917-87e6-42a4-a549-2bc06a7a878f/_apis/wit/workItems/5'],
	])('drops the project segment of a project-scoped resource URL (%s)', (_, resourceUrl) => {
		const parsed = parseServiceHookDelivery(
			variant('created', (body) => {
				if (resourceUrl.includes('%20')) body.resource.fields['System.TeamProject'] = 'Fabrikam Cloud';
				body.resource.url = resourceUrl;
				delete body.resource._links;
			}),
		);
		expect(parsed.organizationUrl).toBe('https://dev.azure.com/contoso');
		expect(parsed.url).toBe('https://dev.azure.com/contoso/_apis/wit/workItems/5');
	});

	it('has no organization (and no url) when nothing in the delivery names one', () => {
		const parsed = parseServiceHookDelivery(
			variant('created', (body) => {
				delete body.resource.url;
				delete body.resource._links;
				delete body.message;
				delete body.detailedMessage;
			}),
		);
		expect(parsed.workItemId).toBe(5);
		expect(parsed.organizationUrl).toBeNull();
		expect(parsed.url).toBeNull();
		expect(parsed.webUrl).toBeNull();
	});
});

describe('updates: ids, states and who changed the work item', () => {
	it('uses resource.workItemId when a real delivery carries it', () => {
		const parsed = parseServiceHookDelivery(
			variant('updated', (body) => {
				body.resource.workItemId = 77;
			}),
		);
		expect(parsed.workItemId).toBe(77);
	});

	it('reports no state change when the update did not touch System.State', () => {
		const parsed = parseServiceHookDelivery(
			variant('updated', (body) => {
				delete body.resource.fields['System.State'];
				body.resource.revision.fields['System.State'] = 'Active';
			}),
		);
		expect(parsed.state).toEqual({ old: 'Active', new: 'Active', changed: false });
		expect(parsed.changedFields).not.toContain('System.State');
	});

	it('counts a first state (no oldValue) as a change from nothing', () => {
		const parsed = parseServiceHookDelivery(
			variant('updated', (body) => {
				body.resource.fields['System.State'] = { newValue: 'Closed' };
			}),
		);
		expect(parsed.state).toEqual({ old: null, new: 'Closed', changed: true });
	});

	it('does not count a state "change" to the same state', () => {
		const parsed = parseServiceHookDelivery(
			variant('updated', (body) => {
				body.resource.fields['System.State'] = { oldValue: 'Closed', newValue: 'Closed' };
			}),
		);
		expect(parsed.state).toEqual({ old: 'Closed', new: 'Closed', changed: false });
	});

	it.each([
		[{ displayName: 'Mateo Escobedo', uniqueName: 'mateo@fabrikam.com' }, 'Mateo Escobedo'],
		[{ uniqueName: 'mateo@fabrikam.com' }, 'mateo@fabrikam.com'],
		['Mateo Escobedo <mateo@fabrikam.com>', 'Mateo Escobedo'],
	])('names the person who changed it from revisedBy %p', (revisedBy, expected) => {
		const parsed = parseServiceHookDelivery(
			variant('updated', (body) => {
				body.resource.revisedBy = revisedBy;
			}),
		);
		expect(parsed.changedBy).toBe(expected);
	});

	it('normalises System.ChangedBy written as "Name <email>" on other events', () => {
		const parsed = parseServiceHookDelivery(
			variant('commented', (body) => {
				body.resource.fields['System.ChangedBy'] = 'Jamal Hartnett <fabrikamfiber4@hotmail.com>';
			}),
		);
		expect(parsed.changedBy).toBe('Jamal Hartnett');
	});

	it('reads the current tags, relations and relation changes of the work item', () => {
		const parsed = parseServiceHookDelivery(
			variant('updated', (body) => {
				body.resource.revision.fields['System.Tags'] = 'Ticket:4711;  ERP ; ;Urgent';
				body.resource.revision.relations = [
					{ rel: 'Hyperlink', url: 'https://desk.example.com/ticket/4711', attributes: { comment: 'Service desk ticket 4711' } },
					'not a relation',
				];
				body.resource.relations = { added: [{ rel: 'Hyperlink', url: 'https://desk.example.com/ticket/4711' }] };
			}),
		);
		expect(parsed.tags).toEqual(['Ticket:4711', 'ERP', 'Urgent']);
		expect(parsed.relations).toEqual([
			{ rel: 'Hyperlink', url: 'https://desk.example.com/ticket/4711', attributes: { comment: 'Service desk ticket 4711' } },
		]);
		expect(parsed.relationChanges).toEqual({
			added: [{ rel: 'Hyperlink', url: 'https://desk.example.com/ticket/4711' }],
			removed: [],
			updated: [],
		});
	});

	it('takes notificationId and subscriptionId from the top level, also a notificationId sent as text', () => {
		const parsed = parseServiceHookDelivery(
			variant('updated', (body) => {
				body.notificationId = '12';
				body.subscriptionId = '00000000-0000-0000-0000-000000000001';
			}),
		);
		expect(parsed.notificationId).toBe(12);
		expect(parsed.subscriptionId).toBe('00000000-0000-0000-0000-000000000001');
	});

	it('reports the comment an update added', () => {
		const parsed = parseServiceHookDelivery(
			variant('updated', (body) => {
				body.resource.fields['System.History'] = { newValue: 'Fixed in build 42' };
			}),
		);
		expect(parsed.comment).toBe('Fixed in build 42');
	});
});

describe('subscriptions with "Resource details to send: Minimal"', () => {
	it('an update without fields still names the work item, from workItemId', () => {
		const parsed = parseServiceHookDelivery(
			variant('updated', (body) => {
				body.resource = { id: 2, workItemId: 5, rev: 3, url: body.resource.url };
			}),
		);
		expect(parsed).toMatchObject({
			resourceDetails: 'minimal',
			workItemId: 5,
			revision: 3,
			fields: {},
			state: { old: null, new: null, changed: false },
			url: `${SAMPLE_ORG}/_apis/wit/workItems/5`,
		});
	});

	it('an update without workItemId takes the id from the update URL, not the update number', () => {
		const parsed = parseServiceHookDelivery(
			variant('updated', (body) => {
				body.resource = { id: 2, rev: 3, url: body.resource.url };
			}),
		);
		expect(parsed.workItemId).toBe(5);
	});

	it('a created event without fields names the work item from resource.id', () => {
		const parsed = parseServiceHookDelivery(
			variant('created', (body) => {
				body.resource = { id: 31, rev: 1, url: `${SAMPLE_ORG}/_apis/wit/workItems/31` };
			}),
		);
		expect(parsed).toMatchObject({ resourceDetails: 'minimal', workItemId: 31, revision: 1, workItemType: null });
	});

	it('a resource with id 0 falls back to its URL', () => {
		const parsed = parseServiceHookDelivery(
			variant('created', (body) => {
				body.resource = { id: 0, url: `${SAMPLE_ORG}/_apis/wit/workItems/8` };
			}),
		);
		expect(parsed.workItemId).toBe(8);
	});
});

describe('subscriptions with "Resource details to send: None"', () => {
	it('takes the work item id and organization from the message link', () => {
		const parsed = parseServiceHookDelivery(
			variant('updated', (body) => {
				delete body.resource;
			}),
		);
		expect(parsed).toMatchObject({
			resourceDetails: 'none',
			workItemId: 5,
			organizationUrl: 'http://dev.azure.com/fabrikam-fiber-inc',
			url: 'http://dev.azure.com/fabrikam-fiber-inc/_apis/wit/workItems/5',
			revision: null,
			fields: {},
			relations: null,
		});
	});

	it('reads "Bug #12" from a plain-text message without a link', () => {
		const parsed = parseServiceHookDelivery(
			variant('deleted', (body) => {
				delete body.resource;
				body.message = { text: 'Bug #12 (Printer on fire) deleted by Jamal Hartnett.' };
				delete body.detailedMessage;
			}),
		);
		expect(parsed.workItemId).toBe(12);
	});

	it('answers AZDC-3003 with the fix when neither resource nor messages are sent', () => {
		const error = failure(() =>
			parseServiceHookDelivery(
				variant('updated', (body) => {
					delete body.resource;
					delete body.message;
					delete body.detailedMessage;
				}),
			),
		);
		expect(error.code).toBe('AZDC-3003');
		expect(error.httpStatus).toBe(400);
		expect(error.message).toContain('Resource details to send');
	});
});

describe('malformed deliveries get a coded answer', () => {
	const cases: Array<[string, () => unknown, string]> = [
		['no body at all (null)', () => null, 'AZDC-3004'],
		['a JSON list', () => [sample('created')], 'AZDC-3004'],
		['a JSON string', () => 'workitem.created', 'AZDC-3004'],
		['a JSON number', () => 42, 'AZDC-3004'],
		['no eventType', () => variant('created', (b) => delete b.eventType), 'AZDC-3002'],
		['an empty eventType', () => variant('created', (b) => (b.eventType = '')), 'AZDC-3002'],
		['a git push', () => variant('created', (b) => (b.eventType = 'git.push')), 'AZDC-3002'],
		['a pull-request event', () => variant('created', (b) => (b.eventType = 'git.pullrequest.created')), 'AZDC-3002'],
		['a build event', () => variant('created', (b) => (b.eventType = 'build.complete')), 'AZDC-3002'],
		['eventType as a number', () => variant('created', (b) => (b.eventType = 42)), 'AZDC-3004'],
		['eventType as an object', () => variant('created', (b) => (b.eventType = {})), 'AZDC-3004'],
		['notificationId as words', () => variant('created', (b) => (b.notificationId = 'abc')), 'AZDC-3004'],
		['notificationId as a fraction', () => variant('created', (b) => (b.notificationId = 1.5)), 'AZDC-3004'],
		['a negative notificationId', () => variant('created', (b) => (b.notificationId = -1)), 'AZDC-3004'],
		['notificationId as an object', () => variant('created', (b) => (b.notificationId = {})), 'AZDC-3004'],
		['subscriptionId as a number', () => variant('created', (b) => (b.subscriptionId = 7)), 'AZDC-3004'],
		['delivery id as a number', () => variant('created', (b) => (b.id = 5)), 'AZDC-3004'],
		['resource as text', () => variant('created', (b) => (b.resource = 'Bug #5')), 'AZDC-3004'],
		['resource as a list', () => variant('created', (b) => (b.resource = [])), 'AZDC-3004'],
		['fields as a list', () => variant('created', (b) => (b.resource.fields = [])), 'AZDC-3004'],
		['fields as text', () => variant('created', (b) => (b.resource.fields = 'x')), 'AZDC-3004'],
		['rev as words', () => variant('created', (b) => (b.resource.rev = 'abc')), 'AZDC-3004'],
		['resource.id as words', () => variant('created', (b) => (b.resource.id = 'abc')), 'AZDC-3004'],
		['resource.id as an object', () => variant('created', (b) => (b.resource.id = {})), 'AZDC-3004'],
		['resource.id as true', () => variant('created', (b) => (b.resource.id = true)), 'AZDC-3004'],
		['relations as text', () => variant('created', (b) => (b.resource.relations = 'x')), 'AZDC-3004'],
		['revision as text', () => variant('updated', (b) => (b.resource.revision = 'x')), 'AZDC-3004'],
		['revision fields as a list', () => variant('updated', (b) => (b.resource.revision.fields = [])), 'AZDC-3004'],
		['revision relations as an object', () => variant('updated', (b) => (b.resource.revision.relations = {})), 'AZDC-3004'],
		['an update with a plain value as change', () => variant('updated', (b) => (b.resource.fields['System.State'] = 'Closed')), 'AZDC-3004'],
		['an update with relation changes as a list', () => variant('updated', (b) => (b.resource.relations = [])), 'AZDC-3004'],
		['an update with added relations as text', () => variant('updated', (b) => (b.resource.relations = { added: 'x' })), 'AZDC-3004'],
		['workItemId as words', () => variant('updated', (b) => (b.resource.workItemId = 'five')), 'AZDC-3004'],
		['a resource without id, url or links', () => variant('created', (b) => {
			b.resource = { fields: b.resource.fields };
			delete b.message;
			delete b.detailedMessage;
		}), 'AZDC-3003'],
		...[0, -5, 5.5].map((id): [string, () => unknown, string] => [
			`resource.id ${id} and nothing else naming the work item`,
			() => variant('created', (b) => {
				b.resource = { id, fields: b.resource.fields };
				delete b.message;
				delete b.detailedMessage;
			}),
			'AZDC-3003',
		]),
		['an update whose only number is the update number', () => variant('updated', (b) => {
			b.resource = { id: 2, workItemId: 0, fields: b.resource.fields };
			delete b.message;
			delete b.detailedMessage;
		}), 'AZDC-3003'],
		['no resource and messages that name no work item', () => variant('created', (b) => {
			delete b.resource;
			b.message = { text: 'Something happened.' };
			b.detailedMessage = { markdown: 'Nothing to see.' };
		}), 'AZDC-3003'],
	];

	it('covers at least thirty kinds of bad body', () => {
		expect(cases.length).toBeGreaterThanOrEqual(30);
	});

	it.each(cases.map(([name, build, code]) => ({ name, build, code })))('$name → $code', ({ build, code }) => {
		const error = failure(() => parseServiceHookDelivery(build()));
		expect(error.code).toBe(code);
		expect(error.httpStatus).toBe(400);
		expect(error.toResponseBody()).toEqual({ code, message: error.message });
	});

	it('answers a body whose properties cannot be read with AZDC-3004, not a crash', () => {
		const hostile = new Proxy(
			{},
			{
				get() {
					throw new Error('boom');
				},
			},
		);
		expect(failure(() => parseServiceHookDelivery(hostile)).code).toBe('AZDC-3004');
		const getter = Object.defineProperty(sample('created'), 'resource', {
			get() {
				throw new RangeError('Maximum call stack size exceeded');
			},
		});
		expect(failure(() => parseServiceHookDelivery(getter)).code).toBe('AZDC-3004');
	});
});

describe('reading the raw body', () => {
	it.each([
		{ name: 'an empty string', raw: '', code: 'AZDC-3005' },
		{ name: 'only white space', raw: ' \r\n ', code: 'AZDC-3005' },
		{ name: 'no body', raw: undefined, code: 'AZDC-3005' },
		{ name: 'HTML from a proxy', raw: '<html><body>502 Bad Gateway</body></html>', code: 'AZDC-3001' },
		{ name: 'form data', raw: 'eventType=workitem.updated&id=5', code: 'AZDC-3001' },
		{ name: 'cut-off JSON', raw: rawSample('updated').slice(0, 300), code: 'AZDC-3001' },
		{ name: 'bytes that are not UTF-8', raw: new Uint8Array([0x7b, 0xff, 0xfe, 0x7d]), code: 'AZDC-3001' },
	])('$name → $code', ({ raw, code }) => {
		expect(failure(() => parseDeliveryBody(raw)).code).toBe(code);
	});

	it('accepts a UTF-8 byte-order mark and an ArrayBuffer', () => {
		const bytes = new TextEncoder().encode(`\ufeff${rawSample('created')}`);
		const fromBuffer = parseDeliveryBody(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength));
		expect(parseServiceHookDelivery(fromBuffer).workItemId).toBe(5);
	});

	it('passes through a body n8n has already parsed', () => {
		const body = sample('created');
		expect(parseDeliveryBody(body)).toBe(body);
	});

	it('never repeats the body in its error message', () => {
		const secret = 'Basic c2VydmljZTpodW50ZXIy';
		const error = failure(() => parseDeliveryBody(`{"authorization": "${secret}", oops}`));
		expect(error.code).toBe('AZDC-3001');
		expect(error.message).not.toContain(secret);
		expect(error.message).not.toContain('oops');
	});
});

describe('huge and deeply nested bodies', () => {
	it('parses a 5 MB delivery, keeping the long description without copying it', () => {
		const description = 'x'.repeat(5 * 1024 * 1024);
		const raw = JSON.stringify(variant('created', (b) => (b.resource.fields['System.Description'] = description)));
		expect(raw.length).toBeGreaterThan(5 * 1024 * 1024);
		const started = Date.now();
		const parsed = parseServiceHookDelivery(parseDeliveryBody(raw));
		expect(parsed.workItemId).toBe(5);
		expect((parsed.fields['System.Description'] as string).length).toBe(description.length);
		expect(Date.now() - started).toBeLessThan(2000);
	});

	it('stays quick when a 5 MB value sits where a URL or message is expected', () => {
		const huge = `https://dev.azure.com/${'/'.repeat(5 * 1024 * 1024)}x`;
		const started = Date.now();
		const parsed = parseServiceHookDelivery(
			variant('created', (b) => {
				b.resourceContainers.collection.baseUrl = huge;
				b.resource.url = huge;
				b.resource._links.self.href = huge;
				b.message.text = `Bug ${'#'.repeat(5 * 1024 * 1024)}`;
			}),
		);
		expect(parsed.workItemId).toBe(5);
		expect(Date.now() - started).toBeLessThan(2000);
	});

	function nested(depth: number, leaf: string): string {
		return '['.repeat(depth) + leaf + ']'.repeat(depth);
	}

	it('refuses a 10,000-level nested field value (n8n could not store the item), accepts one nested 60 levels', () => {
		const withDeep = (depth: number) =>
			rawSample('updated').replace(
				'"System.Title": "Some great new idea!"',
				`"System.Title": "Some great new idea!", "Custom.Deep": ${nested(depth, '"bottom"')}`,
			);
		expect(() => parseServiceHookDelivery(parseDeliveryBody(withDeep(10000)))).toThrow(
			expect.objectContaining({ code: 'AZDC-3004', field: 'resource.revision.fields' }),
		);
		const parsed = parseServiceHookDelivery(parseDeliveryBody(withDeep(60)));
		expect(parsed.workItemId).toBe(5);
		expect(Array.isArray(parsed.fields['Custom.Deep'])).toBe(true);
		expect(() => JSON.stringify(parsed)).not.toThrow();
	});

	it.each([
		{ where: 'the whole body', raw: nested(10000, '1'), code: 'AZDC-3004' },
		{ where: 'the resource', raw: `{"eventType":"workitem.created","resource":${nested(10000, '1')}}`, code: 'AZDC-3004' },
		{
			where: 'the fields',
			raw: `{"eventType":"workitem.created","resource":{"id":5,"fields":${nested(10000, '1')}}}`,
			code: 'AZDC-3004',
		},
		{ where: 'the eventType', raw: `{"eventType":${nested(10000, '1')}}`, code: 'AZDC-3004' },
		{ where: 'an unclosed nesting', raw: '['.repeat(10000), code: 'AZDC-3001' },
	])('answers 10,000-level nesting in $where with $code', ({ raw, code }) => {
		expect(failure(() => parseServiceHookDelivery(parseDeliveryBody(raw))).code).toBe(code);
	});
});

describe('output safety', () => {
	it('a field named __proto__ stays a field and never becomes the prototype', () => {
		const raw = rawSample('updated')
			.replace('"System.Title": "Some great new idea!"', '"System.Title": "Some great new idea!", "__proto__": {"polluted": true}')
			.replace('"System.Rev": {', '"__proto__": {"oldValue": 1, "newValue": 2}, "System.Rev": {');
		const parsed: ParsedDelivery = parseServiceHookDelivery(parseDeliveryBody(raw));
		expect(Object.getPrototypeOf(parsed.fields)).toBe(Object.prototype);
		expect(Object.getPrototypeOf(parsed.changes)).toBe(Object.prototype);
		expect((parsed.fields as Json).polluted).toBeUndefined();
		expect(Object.keys(parsed.fields)).toContain('__proto__');
		expect(parsed.changedFields).toContain('__proto__');
	});
});

describe('identity display names', () => {
	it.each([
		['Jamal Hartnett <fabrikamfiber4@hotmail.com>', 'Jamal Hartnett'],
		['  Jamal Hartnett  ', 'Jamal Hartnett'],
		['<fabrikamfiber4@hotmail.com>', '<fabrikamfiber4@hotmail.com>'],
		[{ displayName: 'Jamal Hartnett', uniqueName: 'fabrikamfiber4@hotmail.com' }, 'Jamal Hartnett'],
		[{ displayName: '', uniqueName: 'fabrikamfiber4@hotmail.com' }, 'fabrikamfiber4@hotmail.com'],
		['', null],
		[null, null],
		[42, null],
	])('%p → %p', (identity, expected) => {
		expect(displayName(identity)).toBe(expected);
	});
});

function deepFreeze<T>(value: T): T {
	if (typeof value === 'object' && value !== null) {
		for (const child of Object.values(value)) deepFreeze(child);
		Object.freeze(value);
	}
	return value;
}
