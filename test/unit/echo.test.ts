// Issue 18, no echo loops: the invisible marker the connector puts on its comments, and how the trigger tells the
// connector's own changes from a person's.
import {
	commentToWrite,
	ECHO_MARKER,
	echoReason,
	hasEchoMarker,
	identityOfConnectionData,
	parseConnectorIdentities,
	readIdentity,
	sameIdentity,
	shouldMarkComment,
	stripEchoMarker,
	type EchoRules,
} from '../../nodes/AzureDevOpsConnector/connector/echo';
import { parseServiceHookDelivery } from '../../nodes/AzureDevOpsConnector/connector/delivery';

const SP = { id: '5e1f0000-0000-4000-8000-00000000005b', uniqueName: 'svc-desk@contoso.onmicrosoft.com', displayName: 'Service Desk Sync', service: 'service principal' as const };
const rules = (over: Partial<EchoRules> = {}): EchoRules => ({ mode: 'comments', own: null, listed: [], ...over });

describe('the marker', () => {
	it('is invisible: only zero-width characters, none of them white space to JavaScript', () => {
		expect([...ECHO_MARKER].every((c) => /[\u200B-\u200D\u2060]/.test(c))).toBe(true);
		expect(`a${ECHO_MARKER}`.trim()).toBe(`a${ECHO_MARKER}`);
	});

	it('is found as characters and as the HTML entities a sanitiser may write', () => {
		expect(hasEchoMarker(`<p>Paper jam</p>${ECHO_MARKER}`)).toBe(true);
		expect(hasEchoMarker('x&#8288;&#x200b;&zwnj;&#8205;&#X200C;&ZeroWidthSpace;&NoBreak;')).toBe(true);
		expect(hasEchoMarker('Paper jam')).toBe(false);
		// An emoji family (zero-width joiners) is no marker, and keeps its joiners when markers are removed.
		const family = '\u{1F468}\u200D\u{1F469}\u200D\u{1F467}';
		expect(hasEchoMarker(family)).toBe(false);
		expect(stripEchoMarker(`${family}${ECHO_MARKER}`)).toBe(family);
	});

	it('cannot be smuggled in by ticket text: pieces around a marker do not join into a new one', () => {
		const half = ECHO_MARKER.slice(0, 3);
		const rest = ECHO_MARKER.slice(3);
		const forged = `hello ${half}${ECHO_MARKER}${rest} world`;
		expect(hasEchoMarker(stripEchoMarker(forged))).toBe(false);
		expect(commentToWrite(forged, false)).not.toContain(ECHO_MARKER);
		expect(commentToWrite(forged, true).endsWith(ECHO_MARKER)).toBe(true);
		expect(commentToWrite(forged, true).split(ECHO_MARKER)).toHaveLength(2);
	});

	it('is written for a person\'s credential by default, for a service identity only when always', () => {
		expect(shouldMarkComment('person', 'azureDevOpsApi')).toBe(true);
		expect(shouldMarkComment('person', 'azureDevOpsMultiOrgApi')).toBe(true);
		expect(shouldMarkComment('person', 'azureDevOpsOAuth2Api')).toBe(true);
		expect(shouldMarkComment('person', 'azureDevOpsServicePrincipalApi')).toBe(false);
		expect(shouldMarkComment('person', 'azureDevOpsManagedIdentityApi')).toBe(false);
		expect(shouldMarkComment('always', 'azureDevOpsManagedIdentityApi')).toBe(true);
		expect(shouldMarkComment('never', 'azureDevOpsApi')).toBe(false);
	});
});

describe('identities', () => {
	it('come as objects or as "Name <email>" and are compared on id or unique name, never on display name alone', () => {
		const asObject = readIdentity({ displayName: 'Service Desk Sync', uniqueName: 'SVC-DESK@contoso.onmicrosoft.com', id: 'x' })!;
		const asText = readIdentity('Service Desk Sync <svc-desk@contoso.onmicrosoft.com>')!;
		expect(sameIdentity(asObject, SP)).toBe(true);
		expect(sameIdentity(asText, SP)).toBe(true);
		expect(sameIdentity(readIdentity('Service Desk Sync')!, SP)).toBe(false);
		expect(sameIdentity(readIdentity({ id: SP.id.toUpperCase() })!, SP)).toBe(true);
	});

	it('are read from connectionData with the kind of credential', () => {
		const body = { authenticatedUser: { id: SP.id, providerDisplayName: 'Service Desk Sync', properties: { Account: { $value: SP.uniqueName } } } };
		expect(identityOfConnectionData(body, 'azureDevOpsServicePrincipalApi')).toEqual(SP);
		expect(identityOfConnectionData(body, 'azureDevOpsApi')?.service).toBeNull();
		expect(identityOfConnectionData({}, 'azureDevOpsApi')).toBeNull();
	});

	it('Connector Identities takes e-mails, ids and "Name <email>", in any case', () => {
		expect(parseConnectorIdentities(' A@x.com, Bot <BOT@x.com>;3F2C-1 \n')).toEqual(['a@x.com', 'bot@x.com', '3f2c-1']);
	});
});

describe('what the trigger drops', () => {
	const comment = (text: string, author: unknown = 'Jamie Requester <jamie@fabrikam.com>') => ({ eventType: 'workitem.commented', comment: text, author: readIdentity(author) });

	it('a marked comment, under comments and commentsAndUpdates; nothing under none', () => {
		expect(echoReason(comment(`Paper jam${ECHO_MARKER}`), rules())).toMatch(/written by the Azure DevOps Connector \(marker\)/i);
		expect(echoReason(comment(`Paper jam${ECHO_MARKER}`), rules({ mode: 'commentsAndUpdates' }))).toBeDefined();
		expect(echoReason(comment(`Paper jam${ECHO_MARKER}`), rules({ mode: 'none' }))).toBeUndefined();
	});

	it("a comment by the trigger's own service identity; a person's unmarked comment is kept", () => {
		expect(echoReason(comment('Done', `Service Desk Sync <${SP.uniqueName}>`), rules({ own: SP }))).toMatch(/made by the connector's identity svc-desk@contoso.onmicrosoft.com \(service principal\)/);
		const person = { ...SP, service: null };
		expect(echoReason(comment('Done', `Service Desk Sync <${SP.uniqueName}>`), rules({ own: person }))).toBeUndefined();
		expect(echoReason(comment('Done', 'Service Desk Sync'), rules({ own: SP }))).toBeUndefined();
	});

	it('a comment by a listed Connector Identity; updates only under commentsAndUpdates', () => {
		const listed = ['bot@fabrikam.com'];
		expect(echoReason(comment('x', 'Bot <BOT@fabrikam.com>'), rules({ listed }))).toMatch(/listed in Connector Identities/);
		const update = { eventType: 'workitem.updated', comment: null, author: readIdentity({ uniqueName: 'bot@fabrikam.com' }) };
		expect(echoReason(update, rules({ listed }))).toBeUndefined();
		expect(echoReason(update, rules({ listed, mode: 'commentsAndUpdates' }))).toMatch(/update was made by/);
	});

	it('an update that changed more than the comment (a state change with a comment) is an update: kept under comments', () => {
		const author = readIdentity(`Service Desk Sync <${SP.uniqueName}>`);
		const commentOnly = { eventType: 'workitem.updated', comment: `Note${ECHO_MARKER}`, author, changedFields: ['System.History', 'System.CommentCount', 'System.Rev', 'System.ChangedDate'] };
		const withState = { ...commentOnly, changedFields: [...commentOnly.changedFields, 'System.State', 'System.Reason'] };
		expect(echoReason(commentOnly, rules())).toMatch(/marker/);
		expect(echoReason(withState, rules({ own: SP }))).toBeUndefined();
		expect(echoReason(withState, rules({ mode: 'commentsAndUpdates' }))).toMatch(/marker/);
		expect(echoReason({ ...withState, comment: 'Note' }, rules({ mode: 'commentsAndUpdates', own: SP }))).toMatch(/service principal/);
	});

	it("reads the author of an update from revisedBy and of a comment from System.ChangedBy", () => {
		const updated = parseServiceHookDelivery({
			eventType: 'workitem.updated',
			resource: { workItemId: 7, rev: 3, revisedBy: { id: SP.id, name: `Service Desk Sync <${SP.uniqueName}>` }, fields: { 'System.History': { newValue: 'hi' } } },
		});
		expect(updated.author).toEqual({ id: SP.id, uniqueName: SP.uniqueName, displayName: 'Service Desk Sync' });
		const commented = parseServiceHookDelivery({ eventType: 'workitem.commented', resource: { id: 7, rev: 4, fields: { 'System.ChangedBy': 'Jamie <jamie@fabrikam.com>', 'System.History': 'hi' } } });
		expect(commented.author).toEqual({ id: null, uniqueName: 'jamie@fabrikam.com', displayName: 'Jamie' });
	});
});
