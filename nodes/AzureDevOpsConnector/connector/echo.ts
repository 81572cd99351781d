/**
 * Echo loops (issue 18): a ticket's message written to a work item as a comment comes back as a service-hook delivery
 * and would be written to the ticket again, and so on. What the connector wrote is recognised in two ways: by who
 * made the change (an identity the connector signs in as) and, where that cannot tell (a person's token, used by the
 * person too), by an invisible marker at the end of the comments the connector writes. Pure: no n8n, no HTTP.
 */

/**
 * The marker: word joiners and zero-width (non-)joiners/spaces, in an order no text or emoji sequence produces. None of
 * them is white space to JavaScript or to an HTML sanitiser, so Azure DevOps keeps them, in HTML and Markdown alike, and
 * the web UI shows nothing.
 */
export const ECHO_MARKER = '\u2060\u200B\u200C\u200D\u200C\u200B\u2060';

/** Each marker character also in the HTML entity forms a sanitiser or an editor may turn it into. */
const CHARACTER_FORMS: Record<string, string[]> = {
	'\u2060': ['NoBreak'],
	'\u200B': ['ZeroWidthSpace'],
	'\u200C': ['zwnj'],
	'\u200D': ['zwj'],
};

function characterPattern(character: string): string {
	const code = character.codePointAt(0) as number;
	const names = CHARACTER_FORMS[character] ?? [];
	return `(?:${character}|&#0*${code};|&#[xX]0*${code.toString(16)};${names.map((name) => `|&${name};`).join('')})`;
}

/** The marker in any mix of its characters and their entities (hex digits in either case). */
const MARKER_SOURCE = [...ECHO_MARKER].map(characterPattern).join('');
const MARKER_TEST = new RegExp(MARKER_SOURCE, 'i');
const MARKER_ALL = new RegExp(MARKER_SOURCE, 'gi');

/** Whether a text carries the connector's marker. */
export function hasEchoMarker(text: unknown): boolean {
	return typeof text === 'string' && text !== '' && MARKER_TEST.test(text);
}

/**
 * The text without any marker. Repeated until none is left, so pieces of markers around a marker cannot join into a
 * new one once it is cut out (ticket text cannot smuggle a marker past this).
 */
export function stripEchoMarker(text: string): string {
	let current = text;
	for (let pass = 0; pass < 64 && MARKER_TEST.test(current); pass++) current = current.replace(MARKER_ALL, '');
	return current;
}

/** The text to write as a comment: any marker in it removed, and the connector's own marker added when asked. */
export function commentToWrite(text: string, mark: boolean): string {
	const clean = stripEchoMarker(text);
	return mark ? `${clean}${ECHO_MARKER}` : clean;
}

/** When comments are marked: `person` marks only what a person's credential writes (the identity cannot tell). */
export type MarkComments = 'person' | 'always' | 'never';

/** Credentials that sign in as a person, who may also write comments by hand with the same identity. */
const PERSON_CREDENTIALS: ReadonlySet<string> = new Set(['azureDevOpsApi', 'azureDevOpsMultiOrgApi', 'azureDevOpsOAuth2Api']);

/** Credentials that sign in as a service identity of their own. */
const SERVICE_CREDENTIALS: Readonly<Record<string, ServiceKind>> = {
	azureDevOpsServicePrincipalApi: 'service principal',
	azureDevOpsManagedIdentityApi: 'managed identity',
};

export type ServiceKind = 'service principal' | 'managed identity';

/** Reads the Mark Comments option; anything unknown is the default, `person`. */
export function readMarkComments(value: unknown): MarkComments {
	return value === 'always' || value === 'never' ? value : 'person';
}

/** Whether a comment written with this credential type gets the marker. */
export function shouldMarkComment(option: MarkComments, credentialType: string): boolean {
	if (option === 'always') return true;
	if (option === 'never') return false;
	return PERSON_CREDENTIALS.has(credentialType);
}

/** The kind of service identity a credential type signs in as, or null for a person. */
export function serviceKindOf(credentialType: string): ServiceKind | null {
	return SERVICE_CREDENTIALS[credentialType] ?? null;
}

/** An identity as deliveries and connectionData name it. Display names are kept for messages, never compared alone. */
export interface IdentityRef {
	id: string | null;
	uniqueName: string | null;
	displayName: string | null;
}

function text(value: unknown): string | null {
	return typeof value === 'string' && value.trim() !== '' ? value.trim() : null;
}

/** "Name <unique name>" split in two; a bare text with an @ is a unique name, any other bare text a display name. */
function splitIdentityText(value: string): { displayName: string | null; uniqueName: string | null } {
	const trimmed = value.trim();
	const open = trimmed.lastIndexOf('<');
	if (open >= 0 && trimmed.endsWith('>')) {
		return { displayName: text(trimmed.slice(0, open)), uniqueName: text(trimmed.slice(open + 1, -1)) };
	}
	return trimmed.includes('@') ? { displayName: null, uniqueName: trimmed } : { displayName: text(trimmed), uniqueName: null };
}

/**
 * An identity from a delivery: an object `{ id, uniqueName, displayName, name }` (newer API versions) or a string
 * "Name <email>" (older ones and identity fields of resource version 1.0). Null when it names nobody.
 */
export function readIdentity(value: unknown): IdentityRef | null {
	if (typeof value === 'string') {
		const parts = splitIdentityText(value);
		return parts.displayName === null && parts.uniqueName === null ? null : { id: null, ...parts };
	}
	if (!value || typeof value !== 'object' || Array.isArray(value)) return null;
	const identity = value as Record<string, unknown>;
	const fromName = typeof identity.name === 'string' ? splitIdentityText(identity.name) : { displayName: null, uniqueName: null };
	const ref: IdentityRef = {
		id: text(identity.id),
		uniqueName: text(identity.uniqueName) ?? fromName.uniqueName,
		displayName: text(identity.displayName) ?? fromName.displayName,
	};
	return ref.id === null && ref.uniqueName === null && ref.displayName === null ? null : ref;
}

/** Two sources on one identity (e.g. revisedBy and System.ChangedBy) combined, the first winning. */
export function mergeIdentities(first: IdentityRef | null, second: IdentityRef | null): IdentityRef | null {
	if (!first) return second;
	if (!second) return first;
	return {
		id: first.id ?? second.id,
		uniqueName: first.uniqueName ?? second.uniqueName,
		displayName: first.displayName ?? second.displayName,
	};
}

/** Who the connector's credential signs in as (from connectionData), learnt when the trigger is activated. */
export interface ConnectorIdentity extends IdentityRef {
	/** The service identity's kind, or null when the credential signs in as a person. */
	service: ServiceKind | null;
}

/** The identity connectionData's `authenticatedUser` describes, or null when it names nobody. */
export function identityOfConnectionData(body: unknown, credentialType: string): ConnectorIdentity | null {
	if (!body || typeof body !== 'object') return null;
	const user = (body as { authenticatedUser?: unknown }).authenticatedUser;
	if (!user || typeof user !== 'object') return null;
	const entry = user as Record<string, unknown>;
	const properties = entry.properties && typeof entry.properties === 'object' ? (entry.properties as Record<string, unknown>) : {};
	const account = properties.Account && typeof properties.Account === 'object' ? (properties.Account as Record<string, unknown>).$value : undefined;
	const identity: ConnectorIdentity = {
		id: text(entry.id),
		uniqueName: text(account) ?? text(entry.uniqueName),
		displayName: text(entry.customDisplayName) ?? text(entry.providerDisplayName),
		service: serviceKindOf(credentialType),
	};
	return identity.id === null && identity.uniqueName === null ? null : identity;
}

/** A stored identity read back (static data may be old or edited): well-formed or null. */
export function readConnectorIdentity(value: unknown): ConnectorIdentity | null {
	if (!value || typeof value !== 'object' || Array.isArray(value)) return null;
	const entry = value as Record<string, unknown>;
	const service = entry.service === 'service principal' || entry.service === 'managed identity' ? entry.service : null;
	const identity: ConnectorIdentity = { id: text(entry.id), uniqueName: text(entry.uniqueName), displayName: text(entry.displayName), service };
	return identity.id === null && identity.uniqueName === null ? null : identity;
}

/** The Connector Identities option: comma- or line-separated unique names, e-mails or ids ("Name <email>" allowed). */
export function parseConnectorIdentities(value: unknown): string[] {
	if (typeof value !== 'string') return [];
	const entries: string[] = [];
	for (const part of value.split(/[,;\n]/)) {
		const trimmed = part.trim();
		if (trimmed === '') continue;
		const parsed = splitIdentityText(trimmed);
		const key = (parsed.uniqueName ?? trimmed).toLowerCase();
		if (!entries.includes(key)) entries.push(key);
	}
	return entries;
}

/** Same person: on id, or on unique name (e-mail) in any case; never on display name alone. */
export function sameIdentity(a: IdentityRef, b: IdentityRef): boolean {
	if (a.id !== null && b.id !== null && a.id.toLowerCase() === b.id.toLowerCase()) return true;
	return a.uniqueName !== null && b.uniqueName !== null && a.uniqueName.toLowerCase() === b.uniqueName.toLowerCase();
}

function listed(author: IdentityRef, entries: readonly string[]): boolean {
	if (entries.length === 0) return false;
	const id = author.id?.toLowerCase();
	const uniqueName = author.uniqueName?.toLowerCase();
	return entries.some((entry) => entry === id || entry === uniqueName);
}

/** What the trigger's Ignore the Connector's Own Changes option drops. */
export type IgnoreOwnChanges = 'comments' | 'commentsAndUpdates' | 'none';

/** Reads the option; absent or unknown is `comments` (on by default for comment events). */
export function readIgnoreOwnChanges(value: unknown): IgnoreOwnChanges {
	return value === 'commentsAndUpdates' || value === 'none' ? value : 'comments';
}

export interface EchoRules {
	mode: IgnoreOwnChanges;
	/** The trigger credential's own identity, when it was learnt at activation. */
	own: ConnectorIdentity | null;
	/** Connector Identities, lower-cased unique names or ids. */
	listed: readonly string[];
}

/** What the echo check reads of a delivery. */
export interface EchoFacts {
	eventType: string;
	/** The comment the event carries (System.History), or null. */
	comment: string | null;
	/** Who made the change. */
	author: IdentityRef | null;
	/** Fields an update changed (empty for other events, and when the delivery does not say). */
	changedFields?: readonly string[];
}

/** Fields Azure DevOps changes with every comment: an update changing only these (and System.History) is the comment. */
const COMMENT_BOOKKEEPING: ReadonlySet<string> = new Set(
	[
		'System.History',
		'System.CommentCount',
		'System.Rev',
		'System.ChangedDate',
		'System.ChangedBy',
		'System.AuthorizedDate',
		'System.AuthorizedAs',
		'System.RevisedDate',
		'System.Watermark',
		'System.PersonId',
	].map((name) => name.toLowerCase()),
);

/** Whether a delivery is a comment: `workitem.commented`, or the update that added a comment and changed nothing else. */
function isCommentEvent(facts: EchoFacts): boolean {
	if (facts.eventType === 'workitem.commented') return true;
	if (facts.eventType !== 'workitem.updated' || facts.comment === null) return false;
	return (facts.changedFields ?? []).every((name) => COMMENT_BOOKKEEPING.has(name.toLowerCase()));
}

/**
 * Why a delivery is the connector's own change and must not start the workflow, or undefined. A comment (also the
 * update that only added it) is dropped when it carries the marker, or when its author is a connector identity the
 * trigger may trust by identity alone (a service identity, or one listed in Connector Identities); under
 * `commentsAndUpdates` every update carrying the marker or made by such an identity is dropped too. An update that
 * also changed other fields (a state change with a comment) counts as an update, so `comments` keeps it. A person's
 * comment without the marker is kept: it may be that person's own, written by hand.
 */
export function echoReason(facts: EchoFacts, rules: EchoRules): string | undefined {
	if (rules.mode === 'none') return undefined;
	const isComment = isCommentEvent(facts);
	const isUpdate = facts.eventType === 'workitem.updated';
	if (!isComment && !(rules.mode === 'commentsAndUpdates' && isUpdate)) return undefined;
	if (hasEchoMarker(facts.comment)) return 'Written by the Azure DevOps Connector (marker).';
	const author = facts.author;
	if (!author) return undefined;
	const what = isComment ? 'comment' : 'update';
	const name = author.uniqueName ?? author.displayName ?? author.id ?? '';
	if (rules.own?.service && sameIdentity(author, rules.own)) {
		return `The ${what} was made by the connector's identity ${name} (${rules.own.service}).`;
	}
	if (listed(author, rules.listed)) return `The ${what} was made by the connector's identity ${name} (listed in Connector Identities).`;
	return undefined;
}
