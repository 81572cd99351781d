// Web links (issue 15, class 3): the only addresses the connector passes on or writes as a ticket's link.
import { ticketReferencePatch } from '../../nodes/AzureDevOpsConnector/connector/ticketReference';
import { MAX_WEB_LINK_LENGTH, webLinkOrNull } from '../../nodes/AzureDevOpsConnector/connector/webLink';

describe('webLinkOrNull', () => {
	it.each([
		['https://servicedesk.example.com/tickets/1234', 'https://servicedesk.example.com/tickets/1234'],
		['HTTP://servicedesk.example.com:8080/t?id=1#top', 'HTTP://servicedesk.example.com:8080/t?id=1#top'],
		['  https://servicedesk.example.com/t/1  ', 'https://servicedesk.example.com/t/1'],
		['https://bücher.example/ticket/1', 'https://bücher.example/ticket/1'],
		['http://127.0.0.1:5678/ticket/1', 'http://127.0.0.1:5678/ticket/1'],
	])('keeps the web link %j', (input, expected) => {
		expect(webLinkOrNull(input)).toBe(expected);
	});

	it.each([
		'javascript:alert(1)',
		'java\tscript:alert(1)',
		'data:text/html,<b>x</b>',
		'vbscript:msgbox(1)',
		'file:///etc/passwd',
		'//evil.example/x',
		'https:evil.example/x',
		'https:/evil.example/x',
		'https:\\\\evil.example',
		'https://evil.example\\x',
		'h\ttps://evil.example/x',
		'https://evil.example/\u0000',
		'https://evil.example/a b',
		'https://\u202eevil.example',
		'https://user:secret@evil.example/x',
		'https://@evil.example/x',
		'https://',
		'',
	])('refuses %j', (input) => {
		expect(webLinkOrNull(input)).toBeNull();
	});

	it('refuses what is not text, and text longer than a link', () => {
		for (const value of [undefined, null, 42, {}, ['https://x.example']]) expect(webLinkOrNull(value)).toBeNull();
		const long = `https://servicedesk.example.com/${'a'.repeat(MAX_WEB_LINK_LENGTH)}`;
		expect(webLinkOrNull(long)).toBeNull();
		expect(webLinkOrNull(long.slice(0, MAX_WEB_LINK_LENGTH))).toBe(long.slice(0, MAX_WEB_LINK_LENGTH));
	});

	it('Create From Ticket never writes a ticket link the trigger would refuse to pass on (AZDC-1062)', () => {
		for (const url of ['javascript:alert(1)', 'java\nscript:alert(1)', 'https://evil.example\\x']) {
			expect(() => ticketReferencePatch({ id: '1', url })).toThrow(/AZDC-1062/);
		}
		expect(ticketReferencePatch({ id: '1', url: ' https://servicedesk.example.com/t/1 ' }).at(-1)?.value).toMatchObject({
			url: 'https://servicedesk.example.com/t/1',
		});
	});
});
