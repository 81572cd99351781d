// Issue 15. Security hardening: what someone who is not the workflow's author (a requester writing a ticket, anyone
// with write access to a work item, whoever pastes a URL) can make the nodes do. Each part below failed before its fix.
import fc from 'fast-check';
import type { IDataObject } from 'n8n-workflow';

import { basicAuth, deliver, emitted, sample, triggerRig, type TriggerRig } from '../nodes/trigger.support';
import { CANARY_HOOK_BASIC, LeakScanner, ReliabilityCounts, SEED, fcOptions } from './support';

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

const counts = new ReliabilityCounts('hardening');
const scanner = new LeakScanner();

afterAll(() => {
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

	it(`random links built from scheme, slash, space and control pieces: ticket.url is a plain web link or null (seed ${SEED})`, async () => {
		const piece = fc.constantFrom(
			'http', 'https', 'HTTPS', 'javascript', 'data', 'vbscript', 'file', ':', '//', '/', '\\', '@', ' ', '\t', '\n', '\r', '\u0000',
			'\u007f', '\u00a0', '\u200b', '\u202e', '\ufeff', '%0a', '&#58;', 'servicedesk.example.com', 'user:secret@', '/tickets/1', '?q=1', '#x',
		);
		const links = fc.sample(fc.array(piece, { minLength: 1, maxLength: 8 }).map((parts) => parts.join('')), fcOptions(400));
		let emittedLinks = 0;
		for (const url of links) {
			const item = emitted(await deliver(rig, updateWith('Ticket:9', [hyperlink(url, '9')]), AUTH));
			scanner.scan('trigger', item);
			counts.add('deliveriesTried');
			counts.add('randomLinksTried');
			const out = (item.ticket as IDataObject).url;
			if (out === null) continue;
			emittedLinks += 1;
			expect({ url, out, plain: isPlainWebLink(String(out)) }).toEqual({ url, out, plain: true });
		}
		counts.add('randomLinksEmitted', emittedLinks);
	});
});

describe('at the end', () => {
	it('nothing emitted carried a secret', () => {
		expect(scanner.leaks).toEqual([]);
	});
});
