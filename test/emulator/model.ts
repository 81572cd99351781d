// In-memory Azure DevOps: organizations, projects, the Agile process's work item types, and
// work items with revisions, comments and the recycle bin. Rules follow the real service where
// our nodes meet it; error bodies use the service's JSON error shape.
import { createHash, randomUUID } from 'crypto';

export class ApiError extends Error {
	constructor(
		readonly status: number,
		message: string,
		readonly typeKey: string,
		readonly typeName: string,
		readonly errorCode = 0,
		readonly eventId = 3000,
		readonly headers: Record<string, string> = {},
		readonly customProperties?: Record<string, unknown>,
	) {
		super(message);
	}

	body(): Record<string, unknown> {
		const b: Record<string, unknown> = {
			$id: '1',
			innerException: null,
			message: this.message,
			typeName: this.typeName,
			typeKey: this.typeKey,
			errorCode: this.errorCode,
			eventId: this.eventId,
		};
		if (this.customProperties) b.customProperties = this.customProperties;
		return b;
	}
}

const WIT_SERVER = 'Microsoft.TeamFoundation.WorkItemTracking.Server';
const witError = (status: number, message: string, typeKey: string, custom?: Record<string, unknown>) =>
	new ApiError(status, message, typeKey, `${WIT_SERVER}.${typeKey}, ${WIT_SERVER}`, 0, 3200, {}, custom);

export const errors = {
	workItemNotFound: (id: number | string) =>
		witError(404, `TF401232: Work item ${id} does not exist, or you do not have permissions to read it.`, 'WorkItemUnauthorizedAccessException'),
	projectNotFound: (name: string) =>
		new ApiError(
			404,
			`TF200016: The following project does not exist: ${name}. Verify that the name of the project is correct and that the project exists on the specified Azure DevOps Server.`,
			'ProjectDoesNotExistWithNameException',
			'Microsoft.TeamFoundation.Core.WebApi.ProjectDoesNotExistWithNameException, Microsoft.TeamFoundation.Core.WebApi',
		),
	typeNotFound: (type: string) => witError(404, `VS402323: Work item type ${type} does not exist.`, 'WorkItemTypeNotFoundException'),
	unknownField: (field: string) => witError(400, `TF51535: Cannot find field ${field}.`, 'WorkItemFieldInvalidException'),
	rule: (fieldName: string, refName: string, code: string) =>
		witError(
			400,
			`TF401320: Rule Error for field ${fieldName}. Error code: ${code}.`,
			'RuleValidationException',
			{ FieldReferenceName: refName, FieldStatusFlags: code, ErrorMessage: `TF401320: Rule Error for field ${fieldName}. Error code: ${code}.` },
		),
	badPatch: (detail?: string) =>
		new ApiError(
			400,
			detail ?? 'You must pass a valid patch document in the body of the request.',
			'VssPropertyValidationException',
			'Microsoft.VisualStudio.Services.Common.VssPropertyValidationException, Microsoft.VisualStudio.Services.Common',
		),
	revMismatch: () =>
		witError(
			412,
			'TF26071: This work item has been changed by someone else since you opened it. You will need to refresh it and discard your changes.',
			'WorkItemRevisionMismatchException',
		),
	invalidTree: (id: number, field: string) =>
		witError(400, `TF401347: Invalid tree name given for work item ${id}, field '${field}'.`, 'WorkItemInvalidTreeNameException'),
	argument: (message: string) => new ApiError(400, message, 'ArgumentException', 'System.ArgumentException, mscorlib'),
};

export interface Identity {
	id: string;
	displayName: string;
	uniqueName: string;
}

export function identityFromText(text: string): Identity {
	const m = /^(.*?)\s*<([^>]+)>$/.exec(text.trim());
	const displayName = m ? m[1] : text.trim();
	const uniqueName = m ? m[2] : text.includes('@') ? text.trim() : `${text.trim().toLowerCase().replace(/\s+/g, '.')}@emulator.local`;
	return { id: stableGuid(uniqueName.toLowerCase()), displayName, uniqueName };
}

export function identityText(i: Identity): string {
	return `${i.displayName} <${i.uniqueName}>`;
}

/** A GUID derived from a name, so ids are stable across runs and resets. */
export function stableGuid(name: string): string {
	const h = createHash('sha1').update(name).digest('hex');
	return `${h.slice(0, 8)}-${h.slice(8, 12)}-4${h.slice(13, 16)}-a${h.slice(17, 20)}-${h.slice(20, 32)}`;
}

export interface WorkItemTypeSeed {
	name: string;
	states: string[];
	requiredFields?: string[];
	color?: string;
	/** Allowed transitions (On-premises XML process); absent: every transition, as inherited processes allow. */
	transitions?: Record<string, string[]>;
	/**
	 * Fields of the type beyond the ones every type has (TYPE_COMMON_FIELDS) and the organization's custom fields;
	 * absent: every field the organization knows.
	 */
	fields?: string[];
}

/** Fields every work item type of the Agile process has. */
export const TYPE_COMMON_FIELDS = [
	'System.Id', 'System.Rev', 'System.WorkItemType', 'System.State', 'System.Reason', 'System.AreaPath', 'System.IterationPath',
	'System.TeamProject', 'System.Title', 'System.Description', 'System.AssignedTo', 'System.CreatedDate', 'System.CreatedBy',
	'System.ChangedDate', 'System.ChangedBy', 'System.AuthorizedDate', 'System.AuthorizedAs', 'System.RevisedDate', 'System.Watermark',
	'System.CommentCount', 'System.History', 'System.Tags', 'System.Parent', 'System.BoardColumn',
	'Microsoft.VSTS.Common.Priority', 'Microsoft.VSTS.Common.StateChangeDate', 'Microsoft.VSTS.Common.ActivatedDate',
	'Microsoft.VSTS.Common.ActivatedBy', 'Microsoft.VSTS.Common.ClosedDate', 'Microsoft.VSTS.Common.ClosedBy',
];

export interface ProjectSeed {
	name: string;
	id?: string;
	description?: string;
	areaPaths?: string[];
	iterationPaths?: string[];
	/** The project's teams; the first is its default team. */
	teams?: string[];
	/** Iterations (field paths) each team has selected in its settings; by default every team has every sprint. */
	teamIterations?: Record<string, string[]>;
}

export interface Project {
	id: string;
	name: string;
	description: string;
	areaPaths: string[];
	iterationPaths: string[];
	teams: string[];
	/** Team name → the iteration field paths it has selected. */
	teamIterations: Map<string, string[]>;
}

export interface Relation {
	rel: string;
	url: string;
	attributes: Record<string, unknown>;
}

export interface Revision {
	rev: number;
	fields: Record<string, unknown>;
	relations: Relation[];
}

export interface Comment {
	commentId: number;
	version: number;
	text: string;
	/** How the text was written (the `format` query of Comments - Add / Update); html when not given. */
	format?: 'html' | 'markdown';
	/** The text as HTML (what the Discussion shows and System.History holds). */
	renderedText?: string;
	createdBy: Identity;
	createdDate: string;
	modifiedDate?: string;
	isDeleted: boolean;
}

export interface WorkItemRecord {
	id: number;
	projectId: string;
	revisions: Revision[];
	comments: Comment[];
	deleted?: { date: string; by: Identity };
}

const RESOLVED = ['Microsoft.VSTS.Common.ResolvedDate', 'Microsoft.VSTS.Common.ResolvedBy'];
const WORK = ['Microsoft.VSTS.Common.Activity', 'Microsoft.VSTS.Scheduling.RemainingWork', 'Microsoft.VSTS.Scheduling.OriginalEstimate', 'Microsoft.VSTS.Scheduling.CompletedWork'];

/** The Agile process's types with their states and type-specific fields (Agile process work item field reference). */
export const AGILE_TYPES: WorkItemTypeSeed[] = [
	{ name: 'Task', states: ['New', 'Active', 'Closed', 'Removed'], color: 'F2CB1D', fields: WORK },
	{
		name: 'Bug',
		states: ['New', 'Active', 'Resolved', 'Closed'],
		color: 'CC293D',
		fields: [...RESOLVED, ...WORK, 'Microsoft.VSTS.TCM.ReproSteps', 'Microsoft.VSTS.TCM.SystemInfo', 'Microsoft.VSTS.Common.Severity', 'Microsoft.VSTS.Scheduling.StoryPoints'],
	},
	{
		name: 'User Story',
		states: ['New', 'Active', 'Resolved', 'Closed', 'Removed'],
		color: '009CCC',
		fields: [...RESOLVED, 'Microsoft.VSTS.Scheduling.StoryPoints', 'Microsoft.VSTS.Common.AcceptanceCriteria', 'Microsoft.VSTS.Common.ValueArea'],
	},
	{
		name: 'Epic',
		states: ['New', 'Active', 'Resolved', 'Closed', 'Removed'],
		color: 'FF7B00',
		fields: [...RESOLVED, 'Microsoft.VSTS.Common.ValueArea', 'Microsoft.VSTS.Scheduling.StartDate', 'Microsoft.VSTS.Scheduling.TargetDate'],
	},
];

/** Whether a (resolved) field reference belongs to a type: common, type-specific, or a custom field of the organization. */
export function typeHasField(type: WorkItemTypeSeed, ref: string, custom: Set<string>): boolean {
	if (!type.fields || custom.has(ref)) return true;
	return TYPE_COMMON_FIELDS.includes(ref) || type.fields.includes(ref);
}

const STATE_CATEGORY: Record<string, string> = {
	New: 'Proposed',
	Active: 'InProgress',
	Resolved: 'Resolved',
	Closed: 'Completed',
	Removed: 'Removed',
};

const STATE_COLOR: Record<string, string> = {
	New: 'b2b2b2',
	Active: '007acc',
	Resolved: 'ff9d00',
	Closed: '339933',
	Removed: 'ffffff',
};

export function stateView(name: string): Record<string, string> {
	return { name, color: STATE_COLOR[name] ?? 'b2b2b2', category: STATE_CATEGORY[name] ?? 'InProgress' };
}

/** Display names of the fields the emulator knows; a patch naming any other field is refused (TF51535). */
export const FIELD_NAMES: Record<string, string> = {
	'System.Id': 'ID',
	'System.Rev': 'Rev',
	'System.WorkItemType': 'Work Item Type',
	'System.State': 'State',
	'System.Reason': 'Reason',
	'System.AreaPath': 'Area Path',
	'System.IterationPath': 'Iteration Path',
	'System.TeamProject': 'Team Project',
	'System.Title': 'Title',
	'System.Description': 'Description',
	'System.AssignedTo': 'Assigned To',
	'System.CreatedDate': 'Created Date',
	'System.CreatedBy': 'Created By',
	'System.ChangedDate': 'Changed Date',
	'System.ChangedBy': 'Changed By',
	'System.AuthorizedDate': 'Authorized Date',
	'System.AuthorizedAs': 'Authorized As',
	'System.RevisedDate': 'Revised Date',
	'System.Watermark': 'Watermark',
	'System.CommentCount': 'Comment Count',
	'System.History': 'History',
	'System.Tags': 'Tags',
	'System.Parent': 'Parent',
	'System.BoardColumn': 'Board Column',
	'Microsoft.VSTS.Common.Priority': 'Priority',
	'Microsoft.VSTS.Common.Severity': 'Severity',
	'Microsoft.VSTS.Common.StateChangeDate': 'State Change Date',
	'Microsoft.VSTS.Common.ActivatedDate': 'Activated Date',
	'Microsoft.VSTS.Common.ActivatedBy': 'Activated By',
	'Microsoft.VSTS.Common.ResolvedDate': 'Resolved Date',
	'Microsoft.VSTS.Common.ResolvedBy': 'Resolved By',
	'Microsoft.VSTS.Common.ClosedDate': 'Closed Date',
	'Microsoft.VSTS.Common.ClosedBy': 'Closed By',
	'Microsoft.VSTS.Common.ValueArea': 'Value Area',
	'Microsoft.VSTS.Common.AcceptanceCriteria': 'Acceptance Criteria',
	'Microsoft.VSTS.Common.Activity': 'Activity',
	'Microsoft.VSTS.TCM.ReproSteps': 'Repro Steps',
	'Microsoft.VSTS.TCM.SystemInfo': 'System Info',
	'Microsoft.VSTS.Scheduling.StoryPoints': 'Story Points',
	'Microsoft.VSTS.Scheduling.RemainingWork': 'Remaining Work',
	'Microsoft.VSTS.Scheduling.OriginalEstimate': 'Original Estimate',
	'Microsoft.VSTS.Scheduling.CompletedWork': 'Completed Work',
	'Microsoft.VSTS.Scheduling.StartDate': 'Start Date',
	'Microsoft.VSTS.Scheduling.TargetDate': 'Target Date',
};

/**
 * The type each field reports in `GET {project}/_apis/wit/fields` (WorkItemField.type, FieldType enum of the
 * descriptions); a field not named here is `string`. HTML fields are the ones the process renders as rich text.
 */
export const FIELD_TYPES: Record<string, string> = {
	'System.Id': 'integer',
	'System.Rev': 'integer',
	'System.AreaPath': 'treePath',
	'System.IterationPath': 'treePath',
	'System.Description': 'html',
	'System.History': 'history',
	'System.Tags': 'plainText',
	'System.AssignedTo': 'identity',
	'System.CreatedBy': 'identity',
	'System.ChangedBy': 'identity',
	'System.AuthorizedAs': 'identity',
	'System.CreatedDate': 'dateTime',
	'System.ChangedDate': 'dateTime',
	'System.AuthorizedDate': 'dateTime',
	'System.RevisedDate': 'dateTime',
	'System.Watermark': 'integer',
	'System.CommentCount': 'integer',
	'System.Parent': 'integer',
	'Microsoft.VSTS.Common.Priority': 'integer',
	'Microsoft.VSTS.Common.StateChangeDate': 'dateTime',
	'Microsoft.VSTS.Common.ActivatedDate': 'dateTime',
	'Microsoft.VSTS.Common.ActivatedBy': 'identity',
	'Microsoft.VSTS.Common.ResolvedDate': 'dateTime',
	'Microsoft.VSTS.Common.ResolvedBy': 'identity',
	'Microsoft.VSTS.Common.ClosedDate': 'dateTime',
	'Microsoft.VSTS.Common.ClosedBy': 'identity',
	'Microsoft.VSTS.Common.AcceptanceCriteria': 'html',
	'Microsoft.VSTS.TCM.ReproSteps': 'html',
	'Microsoft.VSTS.TCM.SystemInfo': 'html',
	'Microsoft.VSTS.Scheduling.StoryPoints': 'double',
	'Microsoft.VSTS.Scheduling.RemainingWork': 'double',
	'Microsoft.VSTS.Scheduling.OriginalEstimate': 'double',
	'Microsoft.VSTS.Scheduling.CompletedWork': 'double',
	'Microsoft.VSTS.Scheduling.StartDate': 'dateTime',
	'Microsoft.VSTS.Scheduling.TargetDate': 'dateTime',
};

export const IDENTITY_FIELDS = new Set([
	'System.AssignedTo',
	'System.CreatedBy',
	'System.ChangedBy',
	'System.AuthorizedAs',
	'Microsoft.VSTS.Common.ActivatedBy',
	'Microsoft.VSTS.Common.ResolvedBy',
	'Microsoft.VSTS.Common.ClosedBy',
]);

/** Fields only the service writes; with bypassRules a migration may set the dates and authors. */
const READ_ONLY = new Set([
	'System.Id',
	'System.Rev',
	'System.TeamProject',
	'System.WorkItemType',
	'System.AuthorizedDate',
	'System.AuthorizedAs',
	'System.RevisedDate',
	'System.Watermark',
	'System.CommentCount',
	'System.CreatedDate',
	'System.CreatedBy',
	'System.ChangedDate',
	'System.ChangedBy',
]);
/** Whether only the service writes this field (as `GET _apis/wit/fields` reports readOnly). */
export function isReadOnlyField(ref: string): boolean {
	return READ_ONLY.has(ref);
}
const BYPASS_WRITABLE = new Set(['System.CreatedDate', 'System.CreatedBy', 'System.ChangedDate', 'System.ChangedBy']);

/**
 * The link types of an organization with the default processes, as `GET _apis/wit/workitemrelationtypes` lists them
 * (Link types reference, learn.microsoft.com/azure/devops/boards/queries/link-type-reference: reference names, names,
 * topology; attributes as the Work Item Relation Types - List example shows them).
 */
/**
 * Allowed values of the Agile process's picklist fields (Agile process field reference: Priority 1-4, Severity
 * "1 - Critical" … "4 - Low"), as `Work Item Types Field - List` returns them with $expand=allowedValues.
 */
export const ALLOWED_VALUES: Readonly<Record<string, ReadonlyArray<string | number>>> = {
	'Microsoft.VSTS.Common.Priority': [1, 2, 3, 4],
	'Microsoft.VSTS.Common.Severity': ['1 - Critical', '2 - High', '3 - Medium', '4 - Low'],
};

export const RELATION_TYPE_LIST: ReadonlyArray<{ referenceName: string; name: string; attributes: Record<string, unknown> }> = [
	...[
		['System.LinkTypes.Hierarchy-Forward', 'Child', 'tree', false],
		['System.LinkTypes.Hierarchy-Reverse', 'Parent', 'tree', true],
		['System.LinkTypes.Related', 'Related', 'network', false],
		['System.LinkTypes.Dependency-Forward', 'Successor', 'dependency', false],
		['System.LinkTypes.Dependency-Reverse', 'Predecessor', 'dependency', false],
		['System.LinkTypes.Duplicate-Forward', 'Duplicate', 'tree', false],
		['System.LinkTypes.Duplicate-Reverse', 'Duplicate Of', 'tree', true],
		['Microsoft.VSTS.Common.TestedBy-Forward', 'Tested By', 'dependency', false],
		['Microsoft.VSTS.Common.TestedBy-Reverse', 'Tests', 'dependency', false],
	].map(([referenceName, name, topology, singleTarget]) => ({
		referenceName: referenceName as string,
		name: name as string,
		attributes: {
			usage: 'workItemLink',
			editable: true,
			enabled: true,
			acyclic: topology !== 'network',
			directional: topology !== 'network',
			singleTarget: singleTarget as boolean,
			topology: topology as string,
		},
	})),
	{ referenceName: 'Hyperlink', name: 'Hyperlink', attributes: { usage: 'resourceLink', editable: false, enabled: true } },
	{ referenceName: 'ArtifactLink', name: 'Artifact Link', attributes: { usage: 'resourceLink', editable: false, enabled: true } },
	{ referenceName: 'AttachedFile', name: 'Attached File', attributes: { usage: 'resourceLink', editable: false, enabled: true } },
];

export const RELATION_TYPES = new Set(RELATION_TYPE_LIST.map((type) => type.referenceName));

export interface PatchOperation {
	op: string;
	path: string;
	value?: unknown;
	from?: string;
}

const NUMERIC_OPS: Record<number, string> = { 0: 'add', 1: 'remove', 2: 'replace', 3: 'move', 4: 'copy', 5: 'test' };

export interface PatchResult {
	fields: Record<string, unknown>;
	relations: Relation[];
	history?: string;
}

/** Resolves `Title`-style names to reference names, as the service accepts both in patch paths. */
export function resolveFieldName(name: string, custom: Set<string>): string | undefined {
	if (FIELD_NAMES[name] || custom.has(name)) return name;
	const lower = name.toLowerCase();
	for (const [ref, display] of Object.entries(FIELD_NAMES)) {
		if (ref.toLowerCase() === lower || display.toLowerCase() === lower) return ref;
	}
	for (const c of custom) if (c.toLowerCase() === lower) return c;
	return undefined;
}

function normaliseTags(value: unknown): string {
	const seen = new Set<string>();
	const out: string[] = [];
	for (const t of String(value ?? '').split(/[;,]/)) {
		const tag = t.trim();
		if (tag && !seen.has(tag.toLowerCase())) {
			seen.add(tag.toLowerCase());
			out.push(tag);
		}
	}
	return out.join('; ');
}

/**
 * Applies a JSON Patch document to a copy of the current revision. Throws ApiError for
 * what the service refuses: malformed documents, unknown fields, read-only fields, bad relations,
 * and a failed `test`.
 */
export function applyPatch(
	current: Revision,
	ops: unknown,
	opts: { custom: Set<string>; bypassRules: boolean; isCreate: boolean; knownIdentity?: (text: string) => boolean; type?: WorkItemTypeSeed },
): PatchResult {
	if (!Array.isArray(ops) || ops.length === 0) throw errors.badPatch();
	const fields: Record<string, unknown> = { ...current.fields };
	const relations: Relation[] = current.relations.map((r) => ({ ...r, attributes: { ...r.attributes } }));
	let history: string | undefined;
	for (const raw of ops) {
		if (!raw || typeof raw !== 'object') throw errors.badPatch();
		const { path, value } = raw as PatchOperation;
		// The service deserialises `op` as an enum, so the numbers Microsoft's client sends are accepted too.
		const rawOp: unknown = (raw as { op?: unknown }).op;
		const op = typeof rawOp === 'number' ? NUMERIC_OPS[rawOp] : rawOp;
		if (typeof op !== 'string' || typeof path !== 'string') throw errors.badPatch();
		const opName = op.toLowerCase();
		if (!['add', 'replace', 'remove', 'test', 'copy', 'move'].includes(opName)) throw errors.badPatch();
		if (opName === 'copy' || opName === 'move') {
			throw errors.badPatch(`The operation '${op}' is not supported for work items. Use add, replace, remove or test.`);
		}
		const segments = path.split('/').slice(1);
		const root = (segments[0] ?? '').toLowerCase();
		if (opName === 'test') {
			if (root === 'rev' || root === 'id') {
				const actual = root === 'rev' ? current.rev : fields['System.Id'];
				if (Number(value) !== Number(actual)) throw errors.revMismatch();
				continue;
			}
			if (root === 'fields' && segments[1]) {
				const ref = resolveFieldName(decodeURIComponent(segments.slice(1).join('/')), opts.custom);
				if (!ref) throw errors.unknownField(segments.slice(1).join('/'));
				if (JSON.stringify(fields[ref] ?? null) !== JSON.stringify(value ?? null)) {
					throw errors.badPatch(`Test operation failed: the value of ${ref} is not ${JSON.stringify(value)}.`);
				}
				continue;
			}
			throw errors.badPatch(`The path '${path}' is not valid for a test operation.`);
		}
		if (root === 'fields' && segments.length >= 2) {
			const name = decodeURIComponent(segments.slice(1).join('/'));
			const ref = resolveFieldName(name, opts.custom);
			// A field the organization knows but the type does not have is refused with the same words (TF51535).
			if (!ref || (opts.type && !typeHasField(opts.type, ref, opts.custom))) throw errors.unknownField(name);
			if (READ_ONLY.has(ref) && !(opts.bypassRules && BYPASS_WRITABLE.has(ref))) {
				throw errors.rule(FIELD_NAMES[ref] ?? ref, ref, 'ReadOnly, InvalidNotOldValue');
			}
			if (opName === 'remove' || value === null || value === undefined || value === '') {
				if (opName === 'replace' && !(ref in fields) && !opts.isCreate) {
					throw errors.badPatch(`The field ${ref} has no value to replace.`);
				}
				delete fields[ref];
				continue;
			}
			if (ref === 'System.History') {
				history = String(value);
				fields[ref] = history;
				continue;
			}
			if (ref === 'System.Tags') {
				fields[ref] = normaliseTags(value);
				if (!fields[ref]) delete fields[ref];
				continue;
			}
			if (IDENTITY_FIELDS.has(ref)) {
				const text = typeof value === 'object' && value !== null && 'uniqueName' in value
					? identityText(value as Identity)
					: String(value);
				if (opts.knownIdentity && !opts.knownIdentity(text)) {
					throw witError(400, `The identity value '${text}' for field '${FIELD_NAMES[ref] ?? ref}' is an unknown identity.`, 'WorkItemFieldInvalidIdentityException');
				}
				fields[ref] = identityText(identityFromText(text));
				continue;
			}
			fields[ref] = value;
			continue;
		}
		if (root === 'relations') {
			const idx = segments[1];
			if (opName === 'add' && idx === '-') {
				const v = value as Partial<Relation> | undefined;
				if (!v || typeof v.rel !== 'string' || typeof v.url !== 'string') {
					throw errors.badPatch('A relation needs "rel" and "url".');
				}
				if (!RELATION_TYPES.has(v.rel)) {
					throw witError(400, `VS402324: The link type '${v.rel}' does not exist.`, 'WorkItemLinkTypeNotFoundException');
				}
				if (relations.some((r) => r.rel === v.rel && r.url.toLowerCase() === v.url!.toLowerCase())) {
					throw witError(
						400,
						`TF201035: The link of type '${v.rel}' to '${v.url}' already exists on this work item.`,
						'WorkItemLinkAlreadyExistsException',
					);
				}
				relations.push({ rel: v.rel, url: v.url, attributes: { ...(v.attributes ?? {}) } });
				continue;
			}
			const n = Number(idx);
			if (!/^\d+$/.test(idx ?? '') || n >= relations.length) {
				throw errors.badPatch(`The path '${path}' does not point at an existing relation.`);
			}
			if (opName === 'remove' && segments.length === 2) {
				relations.splice(n, 1);
				continue;
			}
			if ((opName === 'add' || opName === 'replace') && segments[2] === 'attributes' && segments[3]) {
				relations[n].attributes[segments[3]] = value;
				continue;
			}
			throw errors.badPatch(`The operation '${op}' on '${path}' is not supported.`);
		}
		throw errors.badPatch(`The path '${path}' is not valid. Paths start with /fields/, /relations/, /rev or /id.`);
	}
	return { fields, relations, history };
}

export function newGuid(): string {
	return randomUUID();
}

/**
 * What the service keeps of comment HTML: its sanitiser drops script and style elements, event-handler attributes and
 * javascript: links (Azure DevOps "Work item comments" docs: HTML is sanitised; recorded: <script> removed). Text,
 * including zero-width characters, is kept as sent.
 */
export function sanitiseCommentHtml(html: string): string {
	return html
		.replace(/<(script|style)\b[\s\S]*?<\/\1\s*>/gi, '')
		.replace(/<(script|style)\b[^>]*>/gi, '')
		.replace(/<[a-z][^>]*>/gi, (tag) =>
			tag
				.replace(/\s+on[a-z]+\s*=\s*("[^"]*"|'[^']*'|[^\s>]+)/gi, '')
				.replace(/(href|src)\s*=\s*(["'])\s*javascript:[^"']*\2/gi, '$1=$2#$2'),
		);
}

/**
 * Comment Markdown as HTML, enough for what the tests write: paragraphs, line breaks, **bold**, *emphasis*, `code`,
 * with markup characters escaped (the service renders Markdown server-side and stores the HTML in System.History).
 */
export function renderCommentMarkdown(markdown: string): string {
	const escape = (text: string) => text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
	return markdown
		.replace(/\r\n/g, '\n')
		.split(/\n{2,}/)
		.filter((block) => block.trim() !== '')
		.map((block) => {
			const inline = escape(block)
				.replace(/`([^`]+)`/g, '<code>$1</code>')
				.replace(/\*\*([^*]+)\*\*/g, '<strong>$1</strong>')
				.replace(/\*([^*]+)\*/g, '<em>$1</em>')
				.replace(/\n/g, '<br>');
			return `<p>${inline}</p>`;
		})
		.join('');
}
