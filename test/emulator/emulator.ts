// Azure DevOps on 127.0.0.1: the HTTP front (auth, URL forms, api-version, request checking,
// faults) and the routes our nodes and Microsoft's client use.
import * as http from 'http';
import type { AddressInfo, Socket } from 'net';
import {
	AGILE_TYPES,
	ApiError,
	typeHasField,
	applyPatch,
	errors,
	FIELD_NAMES,
	FIELD_TYPES,
	IDENTITY_FIELDS,
	isReadOnlyField,
	RELATION_TYPE_LIST,
	ALLOWED_VALUES,
	identityFromText,
	identityText,
	stableGuid,
	stateView,
	type Comment,
	type Identity,
	type Project,
	type ProjectSeed,
	type Relation,
	type Revision,
	type WorkItemRecord,
	type WorkItemTypeSeed,
	renderCommentMarkdown,
	sanitiseCommentHtml,
} from './model';
import { FaultBook, RateLimiter, rateLimitHeaders, type FaultSpec, type RateLimit } from './faults';
import {
	HookDispatcher,
	newSubscriptionId,
	subscriptionView,
	WORK_ITEM_EVENTS,
	type Delivery,
	type HookOptions,
	type Subscription,
	type WorkItemEvent,
} from './hooks';
import { demoToken, EMULATOR_PROFILES, profileNamed, RELEASES, type ProfileName, type Release } from './profiles';
import { mediaType, OVER_REQUIRED_QUERY, PROJECT_OPTIONAL, SpecBook, type SpecNote, type SpecOperation, type SpecViolation } from './spec';
import { checkResponseBody, type ResponseProblem } from './responses';
import { fieldsOf, matches, orderComparator, parseWiql, WiqlError } from './wiql';

export { demoToken };
export const FABRIKAM_TOKEN = demoToken('fabrikam', 1);
export const FABRIKAM_SECOND_TOKEN = demoToken('fabrikam', 2);
export const CONTOSO_TOKEN = demoToken('contoso', 1);
export const SERVER_TOKEN = demoToken('server', 1);
export const DEMO_TOKENS: Readonly<Record<string, readonly string[]>> = {
	fabrikam: [FABRIKAM_TOKEN, FABRIKAM_SECOND_TOKEN],
	contoso: [CONTOSO_TOKEN],
	DefaultCollection: [SERVER_TOKEN],
	...Object.fromEntries(EMULATOR_PROFILES.filter((p) => p.hosting === 'server').map((p) => [p.organization, [p.token]])),
};

export type TokenSeed = string | { token: string; user?: string };

export interface OrganizationSeed {
	tokens: TokenSeed[];
	projects?: Array<string | ProjectSeed>;
	hosting?: 'services' | 'server';
	/** Which release it runs: versions, routes and descriptions. Default: 'services', or 'server2022.1' for a server. */
	release?: ProfileName;
	workItemTypes?: WorkItemTypeSeed[];
	/** Extra field reference names (e.g. custom fields of an inherited process). */
	fields?: string[];
	/** Types of custom fields as `GET _apis/wit/fields` reports them (e.g. { 'Custom.Notes': 'html' }); default string. */
	fieldTypes?: Record<string, string>;
	/** People the organization knows besides its token owners ("Name <unique name>"): identity fields accept only these. */
	members?: string[];
}

export interface EmulatorOptions {
	port?: number;
	/** Replaces the default seed (fabrikam, contoso, DefaultCollection). */
	organizations?: Record<string, OrganizationSeed>;
	/**
	 * The real service refuses consumer URLs on loopback and private addresses (see createSubscription);
	 * a test or the demo whose receiver runs on 127.0.0.1 turns this on. Default false.
	 */
	allowLocalhostConsumers?: boolean;
	latencyMs?: number;
	rateLimit?: RateLimit;
	/** Seed of the generator behind `probability` faults. */
	seed?: number;
	hooks?: HookOptions;
	openApiDir?: string;
	/**
	 * Accepts Bearer tokens that are not PATs (Microsoft Entra access tokens, see entra.ts): answers who the token is in
	 * this organization, or why the service refuses it. Without it, only PATs sign in.
	 */
	bearer?: BearerVerifier;
}

/** Who a Bearer token is in an organization (`label` as in RequestRecord.token, never the token), or why not. */
export type BearerVerifier = (
	token: string,
	organization: { name: string; hosting: 'services' | 'server' },
) => { ok: true; label: string; user: string } | { ok: false; reason: string; challenge?: string };

export interface RequestRecord {
	at: string;
	method: string;
	path: string;
	query: Record<string, string>;
	headers: Record<string, string>;
	organization?: string;
	/** Which token authenticated the request, as `org#index`; never the token itself. */
	token?: string;
	body?: unknown;
	status?: number;
	/** The operation of the API description the request matched. */
	operationId?: string;
	/** The api-version the request asked for (query or Accept header). */
	apiVersion?: string;
	outcome: 'answered' | 'dropped' | 'droppedAfterCommit';
}

interface TokenEntry {
	token: string;
	label: string;
	user: Identity;
}

interface OrgState {
	name: string;
	hosting: 'services' | 'server';
	release: Release;
	collectionId: string;
	accountId: string;
	tokens: TokenEntry[];
	projects: Project[];
	types: WorkItemTypeSeed[];
	customFields: Set<string>;
	customFieldTypes: Record<string, string>;
	/** Everyone the organization knows: token owners and seeded members. */
	members: Identity[];
	items: Map<number, WorkItemRecord>;
	nextId: number;
	nextCommentId: number;
	subscriptions: Map<string, Subscription>;
	/** Uploaded attachments by id; a chunked upload grows until its Content-Range total is reached. */
	attachments: Map<string, { fileName: string; bytes: Buffer; total?: number }>;
}

const DEFAULT_USERS: Record<string, string> = {
	fabrikam: 'Jamal Hartnett <fabrikamfiber4@hotmail.com>',
	contoso: 'Chuck Reinhart <chuck@contoso.example>',
	DefaultCollection: 'Server Admin <admin@fabrikam.local>',
};

export function defaultSeed(): Record<string, OrganizationSeed> {
	return {
		fabrikam: {
			tokens: [FABRIKAM_TOKEN, { token: FABRIKAM_SECOND_TOKEN, user: 'Christie Church <christie@fabrikam.example>' }],
			projects: [
				{ name: 'Fabrikam Fiber', areaPaths: ['Fabrikam Fiber\\Service Desk', 'Fabrikam Fiber\\Web'] },
				{ name: 'Service Desk' },
			],
			fields: ['Custom.TicketId'],
		},
		contoso: { tokens: [CONTOSO_TOKEN], projects: ['Contoso Support'] },
		DefaultCollection: { tokens: [SERVER_TOKEN], projects: ['Fabrikam Fiber'], hosting: 'server' },
		// One collection per Azure DevOps Server release, with fabrikam's content, so a test runs unchanged on each.
		...Object.fromEntries(
			EMULATOR_PROFILES.filter((p) => p.hosting === 'server').map((p) => [
				p.organization,
				{
					tokens: [{ token: p.token, user: DEFAULT_USERS.fabrikam }],
					projects: [{ name: 'Fabrikam Fiber', areaPaths: ['Fabrikam Fiber\\Service Desk', 'Fabrikam Fiber\\Web'] }, { name: 'Service Desk' }],
					fields: ['Custom.TicketId'],
					hosting: 'server',
					release: p.name,
				} satisfies OrganizationSeed,
			]),
		),
	};
}

/**
 * Resource locations the client discovers with OPTIONS /_apis[/{area}]; ids and route templates are the
 * service's (as azure-devops-node-api 15.x names them). A location exists on a release when the release's
 * description has its marker operation; it is released there unless that operation is preview-only.
 */
const LOCATIONS: Array<{ id: string; area: string; resourceName: string; routeTemplate: string; resourceVersion: number; marker: string }> = [
	{ id: 'e81700f7-3be2-46de-8624-2eb35882fcaa', area: 'Location', resourceName: 'ResourceAreas', routeTemplate: '_apis/{resource}/{areaId}', resourceVersion: 1, marker: 'Resource Areas_List' },
	{ id: '00d9565f-ed9c-4a06-9a50-00e7896ccab4', area: 'Location', resourceName: 'ConnectionData', routeTemplate: '_apis/{resource}', resourceVersion: 1, marker: 'Connection Data_Get' },
	{ id: '603fe2ac-9723-48b9-88ad-09305aa6c6e1', area: 'core', resourceName: 'projects', routeTemplate: '_apis/{resource}/{*projectId}', resourceVersion: 4, marker: 'Projects_List' },
	{ id: '72c7ddf8-2cdc-4f60-90cd-ab71c14a399b', area: 'wit', resourceName: 'workItems', routeTemplate: '{project}/_apis/{area}/{resource}/{id}', resourceVersion: 3, marker: 'Work Items_Get Work Item' },
	{ id: '62d3d110-0047-428c-ad3c-4fe872c91c74', area: 'wit', resourceName: 'workItems', routeTemplate: '{project}/_apis/{area}/workitems/${type}', resourceVersion: 3, marker: 'Work Items_Create' },
	{ id: '908509b6-4248-4475-a1cd-829139ba419f', area: 'wit', resourceName: 'workItemsBatch', routeTemplate: '{project}/_apis/{area}/{resource}', resourceVersion: 1, marker: 'Work Items_Get Work Items Batch' },
	{ id: '1a9c53f7-f243-4447-b110-35ef023636e4', area: 'wit', resourceName: 'wiql', routeTemplate: '{project}/{team}/_apis/{area}/{resource}/{id}', resourceVersion: 2, marker: 'Wiql_Query By Wiql' },
	// The 5.0 comments resource (read-only, another id) is not this one: Server 2019 has no location 608aac0a.
	{ id: '608aac0a-32e1-4493-a863-b9cf4566d257', area: 'wit', resourceName: 'comments', routeTemplate: '{project}/_apis/{area}/workItems/{workItemId}/{resource}/{commentId}', resourceVersion: 4, marker: 'Comments_Get Comments Batch' },
	{ id: 'a00c85a5-80fa-4565-99c3-bcd2181434bb', area: 'wit', resourceName: 'revisions', routeTemplate: '{project}/_apis/{area}/workItems/{id}/{resource}/{revisionNumber}', resourceVersion: 3, marker: 'Revisions_List' },
	{ id: '6570bf97-d02c-4a91-8d93-3abe9895b1a9', area: 'wit', resourceName: 'updates', routeTemplate: '{project}/_apis/{area}/workItems/{id}/{resource}/{updateNumber}', resourceVersion: 3, marker: 'Updates_List' },
	{ id: 'bc15bc60-e7a8-43cb-ab01-2106be3983a1', area: 'wit', resourceName: 'tags', routeTemplate: '{project}/_apis/{area}/{resource}/{tagIdOrName}', resourceVersion: 1, marker: 'Tags_List' },
	{ id: '7c8d7a76-4a09-43e8-b5df-bd792f4ac6aa', area: 'wit', resourceName: 'workItemTypes', routeTemplate: '{project}/_apis/{area}/{resource}/{type}', resourceVersion: 2, marker: 'Work Item Types_List' },
	{ id: '7c9d7a76-4a09-43e8-b5df-bd792f4ac6aa', area: 'wit', resourceName: 'states', routeTemplate: '{project}/_apis/{area}/workitemtypes/{type}/{resource}', resourceVersion: 1, marker: 'Work Item Type States_List' },
	{ id: 'b70d8d39-926c-465e-b927-b1bf0e5ca0e0', area: 'wit', resourceName: 'recyclebin', routeTemplate: '{project}/_apis/{area}/{resource}/{id}', resourceVersion: 2, marker: 'Recyclebin_Get' },
	{ id: 'b51fd764-e5c2-4b9b-aaf7-3395cf4bdd94', area: 'wit', resourceName: 'fields', routeTemplate: '{project}/_apis/{area}/{resource}/{fieldNameOrRefName}', resourceVersion: 2, marker: 'Fields_List' },
	{ id: 'bd293ce5-3d25-4192-8e67-e8092e879efb', area: 'wit', resourceName: 'workItemTypesField', routeTemplate: '{project}/_apis/{area}/workitemtypes/{type}/fields/{field}', resourceVersion: 3, marker: 'Work Item Types Field_List' },
	{ id: 'e07b5fa4-1499-494d-a496-64b860fd64ff', area: 'wit', resourceName: 'attachments', routeTemplate: '{project}/_apis/{area}/{resource}/{id}', resourceVersion: 3, marker: 'Attachments_Create' },
	{ id: 'a70579d1-f53a-48ee-a5be-7be8659023b9', area: 'wit', resourceName: 'classificationNodes', routeTemplate: '{project}/_apis/{area}/{resource}/{structureGroup}/{*path}', resourceVersion: 2, marker: 'Classification Nodes_Get Root Nodes' },
	{ id: 'f5d33bc9-5b49-4a3c-a9bd-f3cd46dd2165', area: 'wit', resourceName: 'workItemRelationTypes', routeTemplate: '_apis/{area}/{resource}/{relation}', resourceVersion: 2, marker: 'Work Item Relation Types_List' },
	{ id: 'fc50d02a-849f-41fb-8af1-0a5216103269', area: 'hooks', resourceName: 'subscriptions', routeTemplate: '_apis/{area}/{resource}/{subscriptionId}', resourceVersion: 1, marker: 'Subscriptions_List' },
	{ id: 'd30a3dd1-f8ba-442a-b86a-bd0c0c383e59', area: 'core', resourceName: 'teams', routeTemplate: '_apis/projects/{projectId}/{resource}/{*teamId}', resourceVersion: 3, marker: 'Teams_Get Teams' },
	{ id: 'c9175577-28a1-4b06-9197-8636af9f64ad', area: 'work', resourceName: 'iterations', routeTemplate: '{project}/{team}/_apis/{area}/teamsettings/{resource}/{id}', resourceVersion: 1, marker: 'Iterations_List' },
];
const RESOURCE_AREAS = [
	{ id: '79134c72-4a58-4b42-976c-04e7115f32bf', name: 'core' },
	{ id: '5264459e-e5e0-4bd8-b118-0985e68a4ec5', name: 'wit' },
	{ id: '1814ab31-2f4f-4a9f-8761-f4d77dc5a5d7', name: 'hooks' },
	{ id: '1d4f49f9-02b9-4e26-b826-2cdb6195f2a9', name: 'work' },
];
const VSS = 'Microsoft.VisualStudio.Services.WebApi';
/**
 * The numbers of the service's enums (the C# values behind the names the descriptions list, as Microsoft's
 * generated clients carry them, e.g. azure-devops-node-api interfaces/WorkItemTrackingInterfaces): the service
 * binds an enum from its name or its number, and Microsoft's client sends numbers.
 */
const ENUM_NUMBERS: Array<{ names: string[]; numbers: Record<string, string> }> = [
	{ names: ['none', 'relations', 'fields', 'links', 'all'], numbers: { 0: 'none', 1: 'relations', 2: 'fields', 3: 'links', 4: 'all' } },
	{ names: ['fail', 'omit'], numbers: { 1: 'fail', 2: 'omit' } },
	{ names: ['asc', 'desc'], numbers: { 1: 'asc', 2: 'desc' } },
	{ names: ['none', 'reactions', 'renderedText', 'renderedTextOnly', 'all'], numbers: { 0: 'none', 1: 'reactions', 8: 'renderedText', 16: 'renderedTextOnly', '-17': 'all' } },
	{ names: ['none', 'extensionFields', 'includeDeleted'], numbers: { 0: 'none', 1: 'extensionFields', 2: 'includeDeleted' } },
	{ names: ['none', 'wiql', 'clauses', 'all', 'minimal'], numbers: { 0: 'none', 1: 'wiql', 2: 'clauses', 3: 'all', 4: 'minimal' } },
	{ names: ['none', 'allowedValues', 'dependentFields', 'all'], numbers: { 0: 'none', 1: 'allowedValues', 2: 'dependentFields', 3: 'all' } },
];
/** Parameters the descriptions leave untyped but the service binds to an enum (comments' sort order). */
const UNTYPED_ENUMS: Record<string, string[]> = { order: ['asc', 'desc'] };

/** The enum name for a value given by number; other values unchanged. */
export function enumName(param: string, value: string, names?: string[]): string {
	const list = names ?? UNTYPED_ENUMS[param];
	if (!list || !/^-?\d+$/.test(value.trim())) return value;
	const table = ENUM_NUMBERS.find((e) => e.names.length === list.length && e.names.every((n, i) => n.toLowerCase() === list[i].toLowerCase()));
	return table?.numbers[value.trim()] ?? value;
}

/** Documented limits (each cited where it is enforced). */
export const MAX_BATCH_IDS = 200;
export const MAX_WIQL_LENGTH = 32768;
export const MAX_FLAT_RESULTS = 20000;

interface WriteOptions {
	validateOnly?: boolean;
	bypassRules?: boolean;
	suppressNotifications?: boolean;
	expand?: string;
	/** A REST call (checked as the service checks callers), not a helper acting as a person in Azure DevOps. */
	fromRest?: boolean;
}

interface Ctx {
	req: http.IncomingMessage;
	res: http.ServerResponse;
	record: RequestRecord;
	org: OrgState;
	orgUrl: string;
	user: Identity;
	project?: Project;
	team?: string;
	rest: string[];
	query: URLSearchParams;
	body: unknown;
	/** The request body as sent (attachments are binary). */
	bytes: Buffer;
	op?: SpecOperation;
	params: Record<string, string>;
}

class Reply {
	constructor(
		readonly status: number,
		readonly body?: unknown,
		readonly headers: Record<string, string> = {},
	) {}
}

/** A response that does not match the response definition of the requested release. */
export interface ResponseViolation extends ResponseProblem {
	at: string;
	method: string;
	url: string;
	organization?: string;
	operationId: string;
	/** Which description the answer was checked against, e.g. 'wit-7.1' or 'wit-azure-devops-server-5.0'. */
	source: string;
	status: number;
}

/** Emulators currently listening: the test-wide guard (test/support/response-guard.ts) checks each after every test. */
const LIVE = new Set<Emulator>();
export function liveEmulators(): Emulator[] {
	return [...LIVE];
}

export interface WorkItemHelperOptions {
	organization?: string;
	by?: string;
}

export class Emulator {
	url = '';
	readonly faults: FaultBook;
	readonly hooks: {
		flush: () => Promise<void>;
		hold: () => void;
		release: (opts?: { order?: 'fifo' | 'reverse' }) => Promise<void>;
		redeliver: (notificationId: number) => Delivery;
		deliveries: () => Delivery[];
		subscriptions: (organization?: string) => Subscription[];
		configure: (opts: HookOptions) => void;
	};
	latencyMs: number;
	/** REST requests being answered right now, and the most there were at once since the last reset. */
	private inFlight = 0;
	peakInFlight = 0;
	allowLocalhostConsumers: boolean;
	private readonly seeds: Map<string, OrganizationSeed>;
	private orgs = new Map<string, OrgState>();
	/** When the emulator started: iteration dates are laid out around it. */
	private readonly startedAt = Date.now();
	private log: RequestRecord[] = [];
	private violations: SpecViolation[] = [];
	private notes: SpecNote[] = [];
	private responseIssues: ResponseViolation[] = [];
	private readonly dispatcher: HookDispatcher;
	private readonly limiter: RateLimiter;
	private readonly spec: SpecBook;
	private server?: http.Server;
	private readonly sockets = new Set<Socket>();

	constructor(private readonly options: EmulatorOptions = {}) {
		this.seeds = new Map(Object.entries(options.organizations ?? defaultSeed()));
		this.spec = new SpecBook(options.openApiDir);
		this.faults = new FaultBook(options.seed ?? 1);
		this.limiter = new RateLimiter(options.rateLimit);
		this.latencyMs = options.latencyMs ?? 0;
		this.allowLocalhostConsumers = options.allowLocalhostConsumers ?? false;
		this.dispatcher = new HookDispatcher(options.hooks);
		const d = this.dispatcher;
		this.hooks = {
			flush: () => d.flush(),
			hold: () => d.hold(),
			release: (o) => d.release(o),
			redeliver: (n) => d.redeliver(n),
			deliveries: () => d.deliveries(),
			subscriptions: (org) =>
				[...this.orgs.values()].filter((o) => !org || o.name === org).flatMap((o) => [...o.subscriptions.values()]),
			configure: (o) => d.configure(o),
		};
		this.rebuild();
	}

	get openApiDir(): string {
		return this.spec.dir;
	}

	async listen(port = this.options.port ?? 0): Promise<void> {
		this.server = http.createServer((req, res) => {
			const api = !(req.url ?? '').startsWith('/_emulator/');
			if (api) this.peakInFlight = Math.max(this.peakInFlight, ++this.inFlight);
			void this.handle(req, res).finally(() => {
				if (api) this.inFlight--;
			});
		});
		this.server.on('connection', (s: Socket) => {
			this.sockets.add(s);
			s.on('close', () => this.sockets.delete(s));
		});
		await new Promise<void>((resolve, reject) => {
			this.server!.once('error', reject);
			this.server!.listen(port, '127.0.0.1', () => resolve());
		});
		this.url = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
		LIVE.add(this);
	}

	async stop(): Promise<void> {
		LIVE.delete(this);
		await this.dispatcher.flush();
		for (const s of this.sockets) s.destroy();
		await new Promise<void>((resolve) => (this.server ? this.server.close(() => resolve()) : resolve()));
	}

	/** Back to the seed: organizations keep their definitions (including ones added later), lose their data. */
	reset(): void {
		this.rebuild();
		this.log = [];
		this.violations = [];
		this.notes = [];
		this.responseIssues = [];
		this.faults.clear();
		this.limiter.reset();
		this.limiter.limit = this.options.rateLimit;
		this.latencyMs = this.options.latencyMs ?? 0;
		this.peakInFlight = this.inFlight;
		this.allowLocalhostConsumers = this.options.allowLocalhostConsumers ?? false;
		this.dispatcher.reset();
	}

	/** The organization or collection URL, no trailing slash. Collections named 'server2020/DefaultCollection' live at that path. */
	orgUrl(name: string): string {
		const org = this.mustOrg(name);
		if (org.hosting === 'server' && !org.name.includes('/')) return `${this.url}/tfs/${org.name}`;
		return `${this.url}/${org.name}`;
	}

	/** The organization or collection URL of a profile (see EMULATOR_PROFILES). */
	profileUrl(name: ProfileName): string {
		return this.orgUrl(profileNamed(name).organization);
	}

	/** Every organization and collection: what `GET /_emulator/health` and the `npm run emulator` banner list. */
	organizations(): Array<{ name: string; url: string; hosting: 'services' | 'server'; serverVersion: string; maxApiVersion: string; tokens: string[] }> {
		return [...this.orgs.values()].map((o) => ({
			name: o.name,
			url: this.orgUrl(o.name),
			hosting: o.hosting,
			serverVersion: o.release.serverVersion,
			maxApiVersion: o.release.maxApiVersion,
			tokens: o.tokens.map((t) => t.token),
		}));
	}

	addOrganization(name: string, seed: OrganizationSeed): void {
		this.seeds.set(name, seed);
		this.orgs.set(name.toLowerCase(), this.buildOrg(name, seed));
	}

	addProject(organization: string, project: string | ProjectSeed): Project {
		const seed = this.seeds.get(this.mustOrg(organization).name)!;
		seed.projects = [...(seed.projects ?? []), project];
		const p = toProject(project);
		this.mustOrg(organization).projects.push(p);
		return p;
	}

	addWorkItemType(organization: string, type: WorkItemTypeSeed): void {
		const org = this.mustOrg(organization);
		const seed = this.seeds.get(org.name)!;
		seed.workItemTypes = [...(seed.workItemTypes ?? AGILE_TYPES).filter((t) => t.name !== type.name), type];
		org.types = seed.workItemTypes;
	}

	addField(organization: string, referenceName: string): void {
		const org = this.mustOrg(organization);
		const seed = this.seeds.get(org.name)!;
		seed.fields = [...(seed.fields ?? []), referenceName];
		org.customFields.add(referenceName);
	}

	setRateLimit(limit: RateLimit | undefined): void {
		this.limiter.limit = limit;
		this.limiter.reset();
	}

	requests(): RequestRecord[] {
		return [...this.log];
	}

	specViolations(): SpecViolation[] {
		return [...this.violations];
	}

	specNotes(): SpecNote[] {
		return [...this.notes];
	}

	/** Answers that did not match the response definitions of the requested release (should always be empty). */
	responseViolations(): ResponseViolation[] {
		return [...this.responseIssues];
	}

	/** Returns the response violations so far and forgets them (the test-wide guard calls this after each test). */
	takeResponseViolations(): ResponseViolation[] {
		const v = this.responseIssues;
		this.responseIssues = [];
		return v;
	}

	projects(organization = 'fabrikam'): Project[] {
		return [...this.mustOrg(organization).projects];
	}

	/** The bytes of the attachment an AttachedFile URL points at; undefined when the organization has no such file. */
	getAttachment(url: string, organization = 'fabrikam'): Buffer | undefined {
		const id = /\/_apis\/wit\/attachments\/([0-9a-f-]{36})/i.exec(url)?.[1]?.toLowerCase();
		return id ? this.mustOrg(organization).attachments.get(id)?.bytes : undefined;
	}

	/** The stored work item at its latest revision, in the REST shape with relations; undefined when absent. */
	getWorkItem(id: number, organization = 'fabrikam'): Record<string, unknown> | undefined {
		const org = this.mustOrg(organization);
		const wi = org.items.get(id);
		if (!wi) return undefined;
		const view = this.workItemView(org, this.orgUrl(org.name), wi, wi.revisions.at(-1)!, 'all');
		if (wi.deleted) view.isDeleted = true;
		return view;
	}

	createWorkItem(
		project: string,
		type: string,
		fields: Record<string, unknown>,
		opts: WorkItemHelperOptions = {},
	): Record<string, unknown> {
		const org = this.mustOrg(opts.organization ?? 'fabrikam');
		const p = this.findProject(org, project);
		const ops = Object.entries(fields).map(([k, v]) => ({ op: 'add', path: `/fields/${k}`, value: v }));
		return this.create(org, this.orgUrl(org.name), p, type, ops, this.actor(org, opts.by), {});
	}

	/** Changes a work item as a person in Azure DevOps would, firing workitem.updated. */
	updateWorkItem(id: number, fields: Record<string, unknown>, opts: WorkItemHelperOptions = {}): Record<string, unknown> {
		const org = this.mustOrg(opts.organization ?? 'fabrikam');
		const ops = Object.entries(fields).map(([k, v]) =>
			v === null ? { op: 'remove', path: `/fields/${k}` } : { op: 'add', path: `/fields/${k}`, value: v },
		);
		return this.update(org, this.orgUrl(org.name), id, ops, this.actor(org, opts.by), {});
	}

	addComment(id: number, text: string, opts: WorkItemHelperOptions = {}): Record<string, unknown> {
		const org = this.mustOrg(opts.organization ?? 'fabrikam');
		return this.comment(org, this.orgUrl(org.name), id, text, this.actor(org, opts.by));
	}

	deleteWorkItem(id: number, opts: WorkItemHelperOptions & { destroy?: boolean } = {}): void {
		const org = this.mustOrg(opts.organization ?? 'fabrikam');
		this.remove(org, this.orgUrl(org.name), id, !!opts.destroy, this.actor(org, opts.by));
	}

	restoreWorkItem(id: number, opts: WorkItemHelperOptions = {}): void {
		const org = this.mustOrg(opts.organization ?? 'fabrikam');
		this.restore(org, this.orgUrl(org.name), id, this.actor(org, opts.by));
	}

	// ---------------------------------------------------------------- state

	private rebuild(): void {
		this.orgs = new Map();
		for (const [name, seed] of this.seeds) this.orgs.set(name.toLowerCase(), this.buildOrg(name, seed));
	}

	private buildOrg(name: string, seed: OrganizationSeed): OrgState {
		const org = this.buildOrgState(name, seed);
		org.members = [...org.tokens.map((t) => t.user), ...(seed.members ?? []).map(identityFromText)];
		return org;
	}

	private buildOrgState(name: string, seed: OrganizationSeed): OrgState {
		const fallbackUser = DEFAULT_USERS[name] ?? `${name} Admin <admin@${name.toLowerCase()}.example>`;
		const hosting = seed.hosting ?? 'services';
		const release = RELEASES[seed.release ?? (hosting === 'server' ? 'server2022.1' : 'services')];
		if (release.hosting !== hosting) throw new Error(`Organization '${name}': release ${seed.release} is not a ${hosting} release`);
		return {
			name,
			hosting,
			release,
			collectionId: stableGuid(`collection:${name}`),
			accountId: stableGuid(`account:${name}`),
			tokens: seed.tokens.map((t, i) => {
				const entry = typeof t === 'string' ? { token: t } : t;
				return { token: entry.token, label: `${name}#${i}`, user: identityFromText(entry.user ?? fallbackUser) };
			}),
			projects: (seed.projects ?? []).map(toProject),
			types: seed.workItemTypes ?? AGILE_TYPES,
			customFields: new Set([...(seed.fields ?? []), ...Object.keys(seed.fieldTypes ?? {})]),
			customFieldTypes: { ...(seed.fieldTypes ?? {}) },
			members: [],
			items: new Map(),
			nextId: 1,
			nextCommentId: 1,
			attachments: new Map(),
			subscriptions: new Map(),
		};
	}

	private mustOrg(name: string): OrgState {
		const org = this.orgs.get(name.toLowerCase());
		if (!org) throw new Error(`The emulator has no organization '${name}'`);
		return org;
	}

	private actor(org: OrgState, by?: string): Identity {
		return by ? identityFromText(by) : org.tokens[0]?.user ?? identityFromText('Emulator User');
	}

	private findProject(org: OrgState, nameOrId: string): Project {
		const key = nameOrId.toLowerCase();
		const p = org.projects.find((x) => x.name.toLowerCase() === key || x.id === key);
		if (!p) throw errors.projectNotFound(nameOrId);
		return p;
	}

	// ---------------------------------------------------------------- HTTP front

	private async handle(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
		const url = new URL(req.url ?? '/', 'http://127.0.0.1');
		const chunks: Buffer[] = [];
		for await (const c of req) chunks.push(c as Buffer);
		const bytes = Buffer.concat(chunks);
		const raw = bytes.toString('utf8');
		const headers: Record<string, string> = {};
		for (const [k, v] of Object.entries(req.headers)) {
			if (k !== 'authorization' && v !== undefined) headers[k] = Array.isArray(v) ? v.join(', ') : v;
		}
		let body: unknown = raw || undefined;
		if (raw) {
			try {
				body = JSON.parse(raw);
			} catch {
				body = raw;
			}
		}
		if (/application\/octet-stream/i.test(headers['content-type'] ?? '')) body = `<${bytes.length} bytes>`;
		const record: RequestRecord = {
			at: new Date().toISOString(),
			method: req.method ?? 'GET',
			path: url.pathname,
			query: Object.fromEntries(url.searchParams),
			headers,
			body,
			outcome: 'answered',
		};
		this.log.push(record);

		if (url.pathname.startsWith('/_emulator/')) {
			const reply = this.control(req.method ?? 'GET', url.pathname, body);
			this.write(res, record, reply, []);
			return;
		}

		const segments = url.pathname.split('/').filter(Boolean).map(safeDecode);
		let prefix = '';
		if (segments[0]?.toLowerCase() === 'tfs') {
			prefix = '/tfs';
			segments.shift();
		}
		// A collection key may span two segments: /server2020/DefaultCollection/...
		const twoSegments = segments.length > 1 ? this.orgs.get(`${segments[0]}/${segments[1]}`.toLowerCase()) : undefined;
		const orgName = twoSegments ? `${segments.shift()}/${segments.shift()}` : segments.shift() ?? '';
		const org = twoSegments ?? this.orgs.get(orgName.toLowerCase());
		if (org) record.organization = org.name;
		const faults = this.faults.take(record.method, url.pathname, org?.name);
		const delay = this.latencyMs + faults.reduce((s, f) => s + (f.spec.kind === 'latency' ? f.spec.ms : 0), 0);
		if (delay > 0) await sleep(delay);
		if (faults.some((f) => f.spec.kind === 'drop')) {
			record.outcome = 'dropped';
			req.socket.destroy();
			return;
		}
		const statusFault = faults.find((f) => f.spec.kind === 'status');
		if (statusFault && statusFault.spec.kind === 'status') {
			this.write(res, record, this.faultReply(statusFault.spec.status, statusFault.spec.retryAfterSeconds), faults);
			return;
		}
		let reply: Reply;
		try {
			if (!org || (prefix === '/tfs' && (org.hosting !== 'server' || org.name.includes('/')))) {
				throw new ApiError(404, `The organization or collection '${orgName}' does not exist.`, 'HostNotFoundException', `${VSS}.HostNotFoundException, ${VSS}`);
			}
			const orgUrl = this.orgUrl(org.name);
			reply = await this.route(req, res, record, org, orgUrl, segments, url.searchParams, body, raw, bytes);
		} catch (e) {
			reply = e instanceof ApiError ? new Reply(e.status, e.body(), e.headers) : new Reply(500, new ApiError(500, String(e), 'Exception', 'System.Exception').body());
		}
		this.write(res, record, reply, faults);
	}

	private faultReply(status: number, retryAfterSeconds?: number): Reply {
		if (status === 429) {
			return new Reply(
				429,
				new ApiError(
					429,
					'TF400733: The request has been canceled: Request was blocked due to exceeding usage of resource \'Core\' in namespace \'User\'.',
					'RequestBlockedException',
					'Microsoft.TeamFoundation.Framework.Server.RequestBlockedException, Microsoft.TeamFoundation.Framework.Server',
				).body(),
				rateLimitHeaders(retryAfterSeconds ?? 1),
			);
		}
		const headers: Record<string, string> = {};
		if (retryAfterSeconds !== undefined || status === 503) headers['Retry-After'] = String(retryAfterSeconds ?? 1);
		const message = status === 503 ? 'TF400919: The service is temporarily unavailable.' : 'TF400898: An Internal Error Occurred.';
		return new Reply(status, new ApiError(status, message, 'VssServiceException', `${VSS}.VssServiceException, ${VSS}`).body(), headers);
	}

	private write(res: http.ServerResponse, record: RequestRecord, reply: Reply, faults: Array<{ spec: FaultSpec }>): void {
		record.status = reply.status;
		if (faults.some((f) => f.spec.kind === 'dropAfterCommit')) {
			record.outcome = 'droppedAfterCommit';
			res.socket?.destroy();
			return;
		}
		const binary = Buffer.isBuffer(reply.body);
		const payload: string | Buffer = reply.body === undefined ? '' : binary ? (reply.body as Buffer) : JSON.stringify(reply.body);
		const headers: Record<string, string | number> = {
			'X-VSS-E2EID': stableGuid(`${record.at}:${this.log.length}`),
			'ActivityId': stableGuid(`activity:${this.log.length}`),
			...reply.headers,
		};
		// The service names the version it answered in the Content-Type.
		if (binary) headers['Content-Type'] = 'application/octet-stream';
		else if (payload) headers['Content-Type'] = `application/json; charset=utf-8${record.apiVersion ? `; api-version=${record.apiVersion}` : ''}`;
		const slow = faults.find((f) => f.spec.kind === 'slowBody')?.spec;
		if (slow && slow.kind === 'slowBody' && typeof payload === 'string' && payload) {
			res.writeHead(reply.status, headers);
			const size = slow.chunkSize ?? 16;
			const parts: string[] = [];
			for (let i = 0; i < payload.length; i += size) parts.push(payload.slice(i, i + size));
			const next = (): void => {
				const part = parts.shift();
				if (part === undefined) {
					res.end();
					return;
				}
				res.write(part);
				setTimeout(next, slow.chunkDelayMs ?? 20);
			};
			next();
			return;
		}
		headers['Content-Length'] = Buffer.byteLength(payload);
		res.writeHead(reply.status, headers);
		res.end(payload);
	}

	private authenticate(req: http.IncomingMessage, org: OrgState, orgUrl: string): TokenEntry {
		const header = req.headers.authorization ?? '';
		let token: string | undefined;
		const basic = /^Basic\s+(.+)$/i.exec(header);
		if (basic) {
			const decoded = Buffer.from(basic[1], 'base64').toString('utf8');
			token = decoded.slice(decoded.indexOf(':') + 1);
		}
		const bearer = /^Bearer\s+(.+)$/i.exec(header);
		if (bearer) token = bearer[1];
		const entry = token ? org.tokens.find((t) => t.token === token) : undefined;
		if (entry) return entry;
		const verdict = bearer && this.options.bearer ? this.options.bearer(bearer[1], { name: org.name, hosting: org.hosting }) : undefined;
		if (verdict?.ok) return { token: '', label: verdict.label, user: identityFromText(verdict.user) };
		const message = token
			? 'TF400813: The user is not authorized to access this resource.'
			: 'TF400813: Resource not available for anonymous access. Client authentication required.';
		throw new ApiError(
			401,
			message,
			'UnauthorizedRequestException',
			'Microsoft.TeamFoundation.Framework.Server.UnauthorizedRequestException, Microsoft.TeamFoundation.Framework.Server',
			0,
			3000,
			{
				'WWW-Authenticate': verdict?.challenge ? `${verdict.challenge}, Basic realm="${orgUrl}"` : `Basic realm="${orgUrl}"`,
				'X-TFS-FedAuthRealm': orgUrl,
			},
		);
	}

	private violate(record: RequestRecord, v: Omit<SpecViolation, 'at' | 'method' | 'path' | 'organization'>): void {
		this.violations.push({ at: record.at, method: record.method, path: record.path, organization: record.organization, ...v });
	}

	private note(record: RequestRecord, n: Omit<SpecNote, 'at' | 'method' | 'path'>): void {
		this.notes.push({ at: record.at, method: record.method, path: record.path, ...n });
	}

	private async route(
		req: http.IncomingMessage,
		res: http.ServerResponse,
		record: RequestRecord,
		org: OrgState,
		orgUrl: string,
		segments: string[],
		query: URLSearchParams,
		body: unknown,
		raw: string,
		bytes: Buffer,
	): Promise<Reply> {
		const apisAt = segments.findIndex((s) => s.toLowerCase() === '_apis');
		if (apisAt < 0 || apisAt > 2) {
			this.violate(record, { kind: 'unknown-path', message: 'No API description covers this path.', specRequires: 'a path under /_apis/' });
			throw new ApiError(404, `The resource cannot be found: ${record.path}`, 'HttpException', 'System.Web.HttpException, System.Web');
		}
		const scopeSegs = segments.slice(0, apisAt);
		const rest = segments.slice(apisAt + 1);
		const entry = this.authenticate(req, org, orgUrl);
		record.token = entry.label;
		const limited = this.limiter.check(entry.label);
		if (limited) return this.faultReply(429, Number(limited['Retry-After']));

		const method = record.method;
		if (method === 'OPTIONS') return this.locations(org, rest);
		if (method === 'GET' && rest.length === 1 && rest[0].toLowerCase() === 'connectiondata') {
			return new Reply(200, this.connectionData(org, entry));
		}

		const ctx: Ctx = { req, res, record, org, orgUrl, user: entry.user, rest, query, body, bytes, params: {} };
		if (scopeSegs[0]) ctx.project = this.findProject(org, scopeSegs[0]);
		if (scopeSegs[1]) {
			const team = ctx.project!.teams.find((t) => t.toLowerCase() === scopeSegs[1].toLowerCase());
			if (!team) {
				throw new ApiError(404, `The team with id or name '${scopeSegs[1]}' does not exist.`, 'TeamNotFoundException', 'Microsoft.TeamFoundation.Core.WebApi.TeamNotFoundException, Microsoft.TeamFoundation.Core.WebApi');
			}
			ctx.team = team;
		}
		this.checkAgainstSpec(ctx, raw);
		const reply = await this.dispatch(ctx);
		this.checkResponse(ctx, reply);
		return reply;
	}

	/** Compares the answer with the response definition of the operation in the requested release's description. */
	private checkResponse(ctx: Ctx, reply: Reply): void {
		const op = ctx.op;
		if (!op || op.source === 'emulator-supplement') return;
		if (Buffer.isBuffer(reply.body)) return;
		// Round-trip through JSON so the check sees what the client sees.
		const body = reply.body === undefined ? undefined : (JSON.parse(JSON.stringify(reply.body)) as unknown);
		for (const p of checkResponseBody(op, reply.status, body)) {
			this.responseIssues.push({
				at: ctx.record.at,
				method: ctx.record.method,
				url: ctx.record.path,
				organization: ctx.record.organization,
				operationId: op.operationId,
				source: op.source,
				status: reply.status,
				...p,
			});
		}
	}

	/** Finds the described operation and refuses what the service would refuse. */
	private checkAgainstSpec(ctx: Ctx, raw: string): void {
		const { record, org, rest } = ctx;
		const found = this.spec.match(org.release.book, record.method, rest, !!ctx.project, !!ctx.team);
		if (!found) {
			const known = this.spec.pathKnown(org.release.book, rest);
			this.violate(record, {
				kind: 'unknown-path',
				message: known ? `The method ${record.method} is not described for this path.` : 'No API description covers this path.',
				specRequires: known ? 'one of the described methods' : 'a described path',
			});
			if (known) {
				throw new ApiError(405, `The requested resource does not support http method '${record.method}'.`, 'HttpException', 'System.Web.HttpException, System.Web');
			}
			throw new ApiError(404, `The resource cannot be found: ${record.path}`, 'HttpException', 'System.Web.HttpException, System.Web');
		}
		const { op, params } = found;
		ctx.op = op;
		ctx.params = params;
		record.operationId = op.operationId;
		if (op.source === 'emulator-supplement') {
			this.note(record, { operationId: op.operationId, kind: 'supplement', message: 'Route outside the supplied descriptions; checked against the emulator supplement.' });
		}
		if (!found.exact) {
			if (op.scope.includes('project') && !ctx.project) {
				if (!PROJECT_OPTIONAL.has(op.operationId)) {
					this.violate(record, { operationId: op.operationId, kind: 'project-required', message: 'This route needs a project.', specRequires: `${op.template} (project in the path)` });
					throw new ApiError(404, `The resource cannot be found: ${record.path}`, 'HttpException', 'System.Web.HttpException, System.Web');
				}
				this.note(record, { operationId: op.operationId, kind: 'project-omitted', message: 'Project omitted; the service accepts the organization-level route.' });
			}
			if (op.scope.includes('team') && !ctx.team) {
				this.note(record, { operationId: op.operationId, kind: 'team-omitted', message: 'Team omitted; the service uses the default team.' });
			}
		}
		// api-version: query parameter per the description; the service also takes it from Accept.
		const fromQuery = ctx.query.get('api-version');
		const accept = /api-version=([^;,\s]+)/i.exec(String(ctx.req.headers.accept ?? ''));
		const version = fromQuery ?? accept?.[1];
		if (!version) {
			this.violate(record, { operationId: op.operationId, kind: 'missing-api-version', message: 'No api-version', specRequires: `api-version=${op.apiVersion.preview ? `${org.release.releasedApiVersion}-preview.${op.apiVersion.resourceVersion}` : org.release.releasedApiVersion} (query, required)` });
			throw new ApiError(
				400,
				`No api-version was supplied for the "${record.method}" request. The version must be supplied either as part of the Accept header (e.g. "application/json; api-version=1.0") or as a query parameter (e.g. "?api-version=1.0").`,
				'VssVersionNotSpecifiedException',
				`${VSS}.VssVersionNotSpecifiedException, ${VSS}`,
			);
		}
		if (!fromQuery) {
			this.note(record, { operationId: op.operationId, kind: 'api-version-in-accept-header', message: `api-version ${version} sent in the Accept header, not the query the description names.` });
		}
		this.checkVersion(record, org, op, version);
		record.apiVersion = version;
		for (const p of op.parameters) {
			if (p.in === 'query' && p.name !== 'api-version') {
				const v = ctx.query.get(p.name);
				if (v === null) {
					if (p.required && !(OVER_REQUIRED_QUERY[op.operationId] ?? []).includes(p.name)) {
						this.violate(record, { operationId: op.operationId, kind: 'missing-query-parameter', message: `Missing ${p.name}`, specRequires: `${p.name} (query, required)` });
						throw errors.argument(`The query parameter '${p.name}' is required by ${op.operationId}.`);
					}
					if (p.required) this.note(record, { operationId: op.operationId, kind: 'description-over-requires', message: `${p.name} omitted; the service does not require it.` });
					continue;
				}
				const named = enumName(p.name, v, p.enum);
				if (named !== v) ctx.query.set(p.name, named);
				this.checkType(record, op, p.name, named, p.type, p.enum);
			} else if (p.in === 'path' && !['organization', 'collection', 'project', 'team'].includes(p.name)) {
				const v = params[p.name];
				if (v !== undefined) this.checkType(record, op, p.name, v, p.type, p.enum);
			} else if (p.in === 'body' && p.required && !raw.trim() && !startsChunkedUpload(op.operationId, ctx.query)) {
				this.violate(record, { operationId: op.operationId, kind: 'missing-body', message: 'No request body', specRequires: 'a request body' });
				throw errors.argument(`Value cannot be null.\r\nParameter name: ${p.name}`);
			}
		}
		for (const name of Object.keys(UNTYPED_ENUMS)) {
			const v = ctx.query.get(name);
			if (v !== null) ctx.query.set(name, enumName(name, v));
		}
		if (Array.isArray(ctx.body) && ctx.body.some((o) => typeof (o as { op?: unknown })?.op === 'number')) {
			this.note(record, { operationId: op.operationId, kind: 'numeric-patch-op', message: 'JSON Patch "op" sent as a number; the description says a string, the service accepts both.' });
		}
		if (op.consumes && raw.trim()) {
			const type = mediaType(ctx.req.headers['content-type']);
			if (!op.consumes.includes(type)) {
				this.violate(record, { operationId: op.operationId, kind: 'content-type', message: `Content-Type ${type || '(none)'}`, specRequires: `Content-Type: ${op.consumes.join(' or ')}` });
				throw new ApiError(
					415,
					`The request indicated a Content-Type of "${type}" for method type "${record.method}" which is not supported. Valid content types for this method are: ${op.consumes.join(', ')}.`,
					'VssRequestContentTypeNotSupportedException',
					`${VSS}.VssRequestContentTypeNotSupportedException, ${VSS}`,
				);
			}
		}
	}

	private checkType(record: RequestRecord, op: SpecOperation, name: string, value: string, type?: string, values?: string[]): void {
		let ok = true;
		if (type === 'integer') ok = /^-?\d+$/.test(value);
		else if (type === 'boolean') ok = /^(true|false)$/i.test(value);
		if (ok && values) ok = values.some((e) => e.toLowerCase() === value.toLowerCase());
		if (!ok) {
			this.violate(record, { operationId: op.operationId, kind: 'invalid-parameter', message: `${name}=${value}`, specRequires: `${name}: ${values ? values.join('|') : type}` });
			throw errors.argument(`The value '${value}' is not valid for ${name}.`);
		}
	}

	/**
	 * The service's api-version rules (learn.microsoft.com/azure/devops/integrate/concepts/rest-api-versioning):
	 * above the deployment's highest version -> VssVersionOutOfRangeException, words as recorded from servers
	 * (e.g. microsoft/azure-devops-extension-sample#161: "The requested REST API version of 7.2 is out of range
	 * for this server. The latest REST API version this server supports is 6.1."); a route that is preview at
	 * that version, or any version above the released one, without -preview -> VssInvalidPreviewVersionException.
	 */
	private checkVersion(record: RequestRecord, org: OrgState, op: SpecOperation, version: string): void {
		const m = /^(\d+)\.(\d+)(-preview(\.(\d+))?)?$/.exec(version);
		const { maxApiVersion: max, releasedApiVersion: released } = org.release;
		const wanted = op.apiVersion.preview ? `${released}-preview.${op.apiVersion.resourceVersion}` : released;
		const fail = (message: string, typeKey: string): never => {
			this.violate(record, { operationId: op.operationId, kind: 'invalid-api-version', message, specRequires: wanted });
			throw new ApiError(400, message, typeKey, `${VSS}.${typeKey}, ${VSS}`);
		};
		if (!m) return fail(`The api-version '${version}' is not valid. Versions look like ${released} or ${released}-preview.1.`, 'VssInvalidApiVersionException');
		const num = Number(`${m[1]}.${m[2]}`);
		if (num > Number(max) || num < 1) {
			return fail(`The requested REST API version of ${version} is out of range for this server. The latest REST API version this server supports is ${max}.`, 'VssVersionOutOfRangeException');
		}
		const preview = !!m[3];
		const resourceVersion = m[5] ? Number(m[5]) : undefined;
		if (!preview && (op.apiVersion.preview || num > Number(released))) {
			return fail(`The requested version "${version}" of the resource is under preview. The -preview flag must be supplied in the api-version for such requests. For example: "${version}-preview"`, 'VssInvalidPreviewVersionException');
		}
		if (resourceVersion !== undefined && op.apiVersion.preview && resourceVersion > op.apiVersion.resourceVersion) {
			return fail(`The requested resource version ${resourceVersion} is out of range. The latest resource version of this resource is ${op.apiVersion.resourceVersion}.`, 'VssVersionOutOfRangeException');
		}
	}

	/** OPTIONS /_apis (every location) or /_apis/{area}: what the client negotiates versions from. */
	private locations(org: OrgState, rest: string[]): Reply {
		const area = rest[0]?.toLowerCase();
		const { book, maxApiVersion, releasedApiVersion } = org.release;
		const value = LOCATIONS.filter((l) => !area || l.area.toLowerCase() === area).flatMap((l) => {
			const op = this.spec.find(book, l.marker);
			if (!op) return [];
			return [
				{
					id: l.id,
					area: l.area,
					resourceName: l.resourceName,
					routeTemplate: l.routeTemplate,
					resourceVersion: op.apiVersion.preview ? op.apiVersion.resourceVersion : l.resourceVersion,
					minVersion: '1.0',
					maxVersion: maxApiVersion,
					releasedVersion: op.apiVersion.preview ? '0.0' : releasedApiVersion,
				},
			];
		});
		return new Reply(200, { count: value.length, value });
	}

	private connectionData(org: OrgState, entry: TokenEntry): Record<string, unknown> {
		const user = {
			id: entry.user.id,
			descriptor: `Microsoft.IdentityModel.Claims.ClaimsIdentity;${entry.user.uniqueName}`,
			subjectDescriptor: `aad.${Buffer.from(entry.user.uniqueName).toString('base64url')}`,
			providerDisplayName: entry.user.displayName,
			isActive: true,
			properties: { Account: { $type: 'System.String', $value: entry.user.uniqueName } },
			resourceVersion: 2,
			metaTypeId: 0,
		};
		return {
			authenticatedUser: user,
			authorizedUser: user,
			instanceId: org.collectionId,
			deploymentId: stableGuid(`deployment:${org.name}`),
			deploymentType: org.release.deploymentType,
			locationServiceData: {
				serviceOwner: '00025394-6065-48ca-87d9-7f5672854ef7',
				defaultAccessMappingMoniker: 'PublicAccessMapping',
				lastChangeId: 1,
				lastChangeId64: 1,
			},
		};
	}

	// ---------------------------------------------------------------- routes

	private async dispatch(ctx: Ctx): Promise<Reply> {
		const { org, orgUrl, query, params } = ctx;
		const op = ctx.op!.operationId;
		const bool = (name: string) => (query.get(name) ?? '').toLowerCase() === 'true';
		switch (op) {
			case 'Projects_List': {
				// $top (default 100), $skip, continuationToken and stateFilter as the Projects - List page describes;
				// more to come is announced in the x-ms-continuationtoken header, which the client reads.
				const state = (query.get('stateFilter') ?? 'wellFormed').toLowerCase();
				const all = org.projects.filter(() => state === 'all' || state === 'wellformed');
				const skip = Number(query.get('continuationToken') ?? query.get('$skip') ?? '0');
				const top = Number(query.get('$top') ?? '100');
				const value = all.slice(skip, skip + top).map((p) => this.projectView(orgUrl, p));
				const headers: Record<string, string> = skip + top < all.length ? { 'x-ms-continuationtoken': String(skip + top) } : {};
				return new Reply(200, { count: value.length, value }, headers);
			}
			case 'Projects_Get':
				return new Reply(200, this.projectView(orgUrl, this.findProject(org, params.projectId)));
			case 'Resource Areas_List':
				if (org.hosting === 'server') return new Reply(200, { count: 0, value: null });
				return new Reply(200, {
					count: RESOURCE_AREAS.length,
					value: RESOURCE_AREAS.map((a) => ({ ...a, locationUrl: `${orgUrl}/` })),
				});
			case 'Work Item Types_List': {
				const value = org.types.map((t) => this.typeView(org, orgUrl, ctx.project!, t));
				return new Reply(200, { count: value.length, value });
			}
			case 'Work Item Types_Get':
				return new Reply(200, this.typeView(org, orgUrl, ctx.project!, this.findType(org, params.type)));
			case 'Attachments_Create': {
				const fileName = query.get('fileName') ?? '';
				if (!fileName.trim()) throw errors.argument('The fileName query parameter is required.');
				const id = stableGuid(`attachment:${org.name}:${org.attachments.size}:${fileName}`);
				const chunked = (query.get('uploadType') ?? '').toLowerCase() === 'chunked';
				if (!chunked) this.checkAttachmentSize(ctx.bytes.length);
				org.attachments.set(id, { fileName, bytes: chunked ? Buffer.alloc(0) : Buffer.from(ctx.bytes) });
				return new Reply(200, this.attachmentReference(ctx, id, fileName));
			}
			case 'Attachments_Upload Chunk': {
				const attachment = org.attachments.get(String(params.id).toLowerCase());
				if (!attachment) throw witError404(`The attachment '${params.id}' does not exist.`, 'AttachmentNotFoundException');
				// Attachments - Upload Chunk: each chunk names its place as "Content-Range: bytes {first}-{last}/{total}".
				const range = /^bytes (\d+)-(\d+)\/(\d+)$/.exec(String(ctx.req.headers['content-range'] ?? ''));
				if (!range) throw errors.argument('Content-Range must be "bytes {first}-{last}/{total}".');
				const [first, last, total] = [Number(range[1]), Number(range[2]), Number(range[3])];
				if (first !== attachment.bytes.length || last - first + 1 !== ctx.bytes.length || last >= total || (attachment.total !== undefined && attachment.total !== total)) {
					throw errors.argument(`The chunk ${first}-${last}/${total} does not continue the upload at byte ${attachment.bytes.length}.`);
				}
				this.checkAttachmentSize(total);
				attachment.total = total;
				attachment.bytes = Buffer.concat([attachment.bytes, ctx.bytes]);
				return new Reply(200, this.attachmentReference(ctx, String(params.id), attachment.fileName));
			}
			case 'Attachments_Get': {
				const attachment = org.attachments.get(String(params.id).toLowerCase());
				if (!attachment || (attachment.total !== undefined && attachment.bytes.length < attachment.total)) {
					throw witError404(`VS402427: The attachment ${params.id} could not be found.`, 'AttachmentNotFoundException');
				}
				return new Reply(200, attachment.bytes);
			}
			case 'Classification Nodes_Get Root Nodes': {
				const depth = Number(query.get('$depth') ?? '0');
				const value = (['area', 'iteration'] as const).map((kind) => this.classificationNode(ctx, kind, [], depth));
				return new Reply(200, { count: value.length, value });
			}
			case 'Classification Nodes_Get': {
				const group = String(params.structureGroup).toLowerCase();
				// TreeStructureGroup: areas (0) or iterations (1), by name or number.
				const kind = group === 'areas' || group === '0' ? 'area' : group === 'iterations' || group === '1' ? 'iteration' : undefined;
				if (!kind) throw errors.argument(`The structure group '${params.structureGroup}' is not valid; use areas or iterations.`);
				const path = String(params.path ?? '').split(/[\\/]/).filter(Boolean);
				return new Reply(200, this.classificationNode(ctx, kind, path, Number(query.get('$depth') ?? '0')));
			}
			case 'Teams_Get Teams': {
				const project = this.findProject(org, params.projectId);
				const skip = Number(query.get('$skip') ?? '0');
				const top = Number(query.get('$top') ?? '100');
				const value = project.teams.slice(skip, skip + top).map((team) => ({
					id: stableGuid(`team:${project.id}:${team}`),
					name: team,
					url: `${orgUrl}/_apis/projects/${project.id}/teams/${stableGuid(`team:${project.id}:${team}`)}`,
					description: team === project.teams[0] ? 'The default project team.' : '',
					identityUrl: `${orgUrl}/_apis/Identities/${stableGuid(`team:${project.id}:${team}`)}`,
					projectName: project.name,
					projectId: project.id,
				}));
				return new Reply(200, { count: value.length, value });
			}
			case 'Iterations_List': {
				// The team in the path, or the project's default team when it is left out (as the service does).
				const project = ctx.project!;
				const team = ctx.team ?? project.teams[0];
				const timeframe = query.get('$timeframe');
				// The service supports one time frame filter, "current".
				if (timeframe !== null && timeframe.toLowerCase() !== 'current') {
					throw errors.argument(`The value '${timeframe}' is not valid for $timeframe; only 'current' is supported.`);
				}
				let value = (project.teamIterations.get(team) ?? []).map((path) => this.teamIterationView(ctx, team, path));
				if (timeframe !== null) value = value.filter((it) => (it.attributes as Record<string, unknown>).timeFrame === 'current').slice(0, 1);
				return new Reply(200, { count: value.length, value });
			}
			case 'Work Item Relation Types_List': {
				const value = RELATION_TYPE_LIST.map((type) => this.relationTypeView(orgUrl, type));
				return new Reply(200, { count: value.length, value });
			}
			case 'Work Item Relation Types_Get': {
				const type = RELATION_TYPE_LIST.find((t) => t.referenceName.toLowerCase() === String(params.relation).toLowerCase());
				// Recorded wording of the service for an unknown link type (VS402324, as on a patch naming one).
				if (!type) throw witError404(`VS402324: The link type '${params.relation}' does not exist.`, 'WorkItemLinkTypeNotFoundException');
				return new Reply(200, this.relationTypeView(orgUrl, type));
			}
			case 'Fields_List': {
				// Every field of the process with the type the service reports (WorkItemField of the descriptions).
				const value = [...Object.keys(FIELD_NAMES), ...org.customFields].map((ref) => this.fieldView(org, ref));
				return new Reply(200, { count: value.length, value });
			}
			case 'Work Item Types Field_List': {
				const type = this.findType(org, params.type);
				const expand = (query.get('$expand') ?? 'none').toLowerCase();
				const withAllowed = expand === 'allowedvalues' || expand === 'all';
				const value = ((this.typeView(org, orgUrl, ctx.project!, type).fields as Array<{ referenceName: string }>) ?? []).map((field) => {
					if (!withAllowed) return field;
					// System.State allows the type's states; the picklists their process values.
					const allowed = field.referenceName === 'System.State' ? type.states : ALLOWED_VALUES[field.referenceName];
					return allowed ? { ...field, allowedValues: [...allowed] } : field;
				});
				return new Reply(200, { count: value.length, value });
			}
			case 'Work Item Type States_List': {
				const value = this.findType(org, params.type).states.map(stateView);
				return new Reply(200, { count: value.length, value });
			}
			case 'Work Items_Create':
				return new Reply(
					200,
					this.create(org, orgUrl, ctx.project!, params.type, ctx.body, ctx.user, {
						validateOnly: bool('validateOnly'),
						bypassRules: bool('bypassRules'),
						suppressNotifications: bool('suppressNotifications'),
						expand: query.get('$expand') ?? undefined,
						fromRest: true,
					}),
				);
			case 'Work Items_Get Work Item': {
				const wi = this.liveItem(org, Number(params.id));
				return new Reply(200, this.shape(org, orgUrl, wi, query.get('$expand'), query.get('fields')));
			}
			case 'Work Items_List':
				return new Reply(200, this.batch(org, orgUrl, query.get('ids') ?? '', query.get('fields'), query.get('$expand'), query.get('errorPolicy')));
			case 'Work Items_Get Work Items Batch': {
				const b = (ctx.body ?? {}) as { ids?: number[]; fields?: string[]; $expand?: string | number; errorPolicy?: string | number };
				if (!Array.isArray(b.ids)) throw errors.argument('The ids of the work items are required.');
				// Enums in the body bind by name or number, like the query string (Microsoft's client sends numbers).
				const expand = b.$expand === undefined ? null : enumName('$expand', String(b.$expand), ['none', 'relations', 'fields', 'links', 'all']);
				const policy = b.errorPolicy === undefined ? null : enumName('errorPolicy', String(b.errorPolicy), ['fail', 'omit']);
				return new Reply(200, this.batch(org, orgUrl, b.ids.join(','), b.fields?.join(',') ?? null, expand, policy));
			}
			case 'Work Items_Update':
				return new Reply(
					200,
					this.update(org, orgUrl, Number(params.id), ctx.body, ctx.user, {
						validateOnly: bool('validateOnly'),
						bypassRules: bool('bypassRules'),
						suppressNotifications: bool('suppressNotifications'),
						expand: query.get('$expand') ?? undefined,
						fromRest: true,
					}),
				);
			case 'Work Items_Delete': {
				const destroy = bool('destroy');
				const result = this.remove(org, orgUrl, Number(params.id), destroy, ctx.user);
				return destroy ? new Reply(204) : new Reply(200, result);
			}
			case 'Recyclebin_Get': {
				const wi = org.items.get(Number(params.id));
				if (!wi?.deleted) throw errors.workItemNotFound(params.id);
				return new Reply(200, this.deletedView(org, orgUrl, wi));
			}
			case 'Recyclebin_Restore Work Item': {
				const b = (ctx.body ?? {}) as Record<string, unknown>;
				const key = Object.keys(b).find((k) => k.toLowerCase() === 'isdeleted');
				if (!key || b[key] !== false) throw errors.argument('The body must be {"IsDeleted": false} to restore a work item.');
				const wi = this.restore(org, orgUrl, Number(params.id), ctx.user);
				return new Reply(200, this.deletedView(org, orgUrl, wi, true));
			}
			case 'Recyclebin_Destroy Work Item': {
				const wi = org.items.get(Number(params.id));
				if (!wi?.deleted) throw errors.workItemNotFound(params.id);
				org.items.delete(wi.id);
				return new Reply(204);
			}
			case 'Comments_Add Comment':
			case 'Comments_Add': {
				const text = (ctx.body as { text?: unknown } | undefined)?.text;
				if (typeof text !== 'string' || !text.trim()) throw errors.argument('The comment text is required.');
				return new Reply(200, this.comment(org, orgUrl, Number(params.workItemId), text, ctx.user, commentFormat(query.get('format'))));
			}
			case 'Comments_Get Comments Batch':
				return new Reply(200, this.commentPage(ctx, this.liveItem(org, Number(params.workItemId))));
			case 'Comments_Get Comments': {
				// Server 2019 (5.0): the older, read-only comments resource, one comment per revision that set
				// System.History (WorkItemComments / WorkItemComment definitions of the 5.0 description).
				const wi = this.liveItem(org, Number(params.id));
				let list = this.historyComments(orgUrl, wi).filter((c) => c.revision >= Number(query.get('fromRevision') ?? '1'));
				const fromRevisionCount = list.length;
				if ((query.get('order') ?? 'asc').toLowerCase() === 'desc') list = [...list].reverse();
				const comments = list.slice(0, Number(query.get('$top') ?? '200'));
				return new Reply(200, { totalCount: this.historyComments(orgUrl, wi).length, fromRevisionCount, count: comments.length, comments });
			}
			case 'Comments_Get Comment': {
				if (params.revision !== undefined) {
					const wi = this.liveItem(org, Number(params.id));
					const c = this.historyComments(orgUrl, wi).find((x) => x.revision === Number(params.revision));
					if (!c) throw witError404(`The comment at revision ${params.revision} of work item ${wi.id} does not exist.`, 'WorkItemCommentNotFoundException');
					return new Reply(200, c);
				}
				const wi = this.liveItem(org, Number(params.workItemId));
				const c = this.findComment(wi, params.commentId, bool('includeDeleted'));
				return new Reply(200, this.commentView(orgUrl, wi, c, org));
			}
			case 'Comments_Update Comment':
			case 'Comments_Update': {
				const wi = this.liveItem(org, Number(params.workItemId));
				const c = this.findComment(wi, params.commentId, false);
				const text = (ctx.body as { text?: unknown } | undefined)?.text;
				if (typeof text !== 'string' || !text.trim()) throw errors.argument('The comment text is required.');
				const format = commentFormat(query.get('format'));
				c.format = format;
				c.text = format === 'markdown' ? text : sanitiseCommentHtml(text);
				c.renderedText = format === 'markdown' ? renderCommentMarkdown(text) : c.text;
				c.version++;
				c.modifiedDate = new Date().toISOString();
				return new Reply(200, this.commentView(orgUrl, wi, c, org));
			}
			case 'Comments_Delete': {
				// Recorded example (comments/DELETE__...json): 200 with the comment, now deleted.
				const wi = this.liveItem(org, Number(params.workItemId));
				const c = this.findComment(wi, params.commentId, false);
				c.isDeleted = true;
				c.version++;
				c.modifiedDate = new Date().toISOString();
				return new Reply(200, this.commentView(orgUrl, wi, c, org));
			}
			case 'Revisions_List': {
				const wi = this.liveItem(org, Number(params.id));
				const page = this.skipTop(query, wi.revisions);
				const value = page.map((r) => this.workItemView(org, orgUrl, wi, r, query.get('$expand') ?? 'none'));
				return new Reply(200, { count: value.length, value });
			}
			case 'Revisions_Get': {
				const wi = this.liveItem(org, Number(params.id));
				const r = wi.revisions.find((x) => x.rev === Number(params.revisionNumber));
				if (!r) throw witError404(`The revision ${params.revisionNumber} of work item ${wi.id} does not exist.`, 'WorkItemRevisionNotFoundException');
				return new Reply(200, this.workItemView(org, orgUrl, wi, r, query.get('$expand') ?? 'none'));
			}
			case 'Updates_List': {
				const wi = this.liveItem(org, Number(params.id));
				const value = this.skipTop(query, wi.revisions).map((r) => this.updateView(orgUrl, wi, r));
				return new Reply(200, { count: value.length, value });
			}
			case 'Updates_Get': {
				const wi = this.liveItem(org, Number(params.id));
				const r = wi.revisions.find((x) => x.rev === Number(params.updateNumber));
				if (!r) throw witError404(`The update ${params.updateNumber} of work item ${wi.id} does not exist.`, 'WorkItemRevisionNotFoundException');
				return new Reply(200, this.updateView(orgUrl, wi, r));
			}
			case 'Recyclebin_Get Deleted Work Item Shallow References': {
				const value = [...org.items.values()]
					.filter((wi) => wi.deleted && (!ctx.project || wi.projectId === ctx.project.id))
					.map((wi) => ({ id: wi.id, url: `${orgUrl}/_apis/wit/recycleBin/${wi.id}` }));
				return new Reply(200, { count: value.length, value });
			}
			case 'Tags_List': {
				const value = this.tagsOf(org, orgUrl, ctx.project!);
				return new Reply(200, { count: value.length, value });
			}
			case 'Tags_Get':
				return new Reply(200, this.findTag(org, orgUrl, ctx.project!, params.tagIdOrName));
			case 'Tags_Update': {
				const tag = this.findTag(org, orgUrl, ctx.project!, params.tagIdOrName);
				const name = (ctx.body as { name?: unknown } | undefined)?.name;
				if (typeof name !== 'string' || !name.trim()) throw errors.argument('The tag name is required.');
				this.retag(org, ctx.project!, String(tag.name), name.trim());
				return new Reply(200, this.findTag(org, orgUrl, ctx.project!, name.trim()));
			}
			case 'Tags_Delete': {
				// Deleting a tag removes it from every work item of the project (recorded example: 200, no body).
				const tag = this.findTag(org, orgUrl, ctx.project!, params.tagIdOrName);
				this.retag(org, ctx.project!, String(tag.name), undefined);
				return new Reply(200);
			}
			case 'Wiql_Query By Wiql':
				return new Reply(200, this.wiql(ctx));
			case 'Subscriptions_Create':
				return new Reply(200, this.createSubscription(ctx));
			case 'Subscriptions_List': {
				// The list's filters (Subscriptions - List page): publisherId, eventType, consumerId, consumerActionId.
				const filters = (['publisherId', 'eventType', 'consumerId', 'consumerActionId'] as const).flatMap((k) => {
					const v = query.get(k);
					return v ? [[k, v.toLowerCase()] as const] : [];
				});
				const value = [...org.subscriptions.values()]
					.filter((s) => filters.every(([k, v]) => String(s[k]).toLowerCase() === v))
					.map((s) => subscriptionView(s, orgUrl));
				return new Reply(200, { count: value.length, value });
			}
			case 'Subscriptions_Get': {
				const sub = org.subscriptions.get(params.subscriptionId.toLowerCase());
				if (!sub) throw subscriptionNotFound(params.subscriptionId);
				return new Reply(200, subscriptionView(sub, orgUrl));
			}
			case 'Subscriptions_Delete': {
				if (!org.subscriptions.delete(params.subscriptionId.toLowerCase())) throw subscriptionNotFound(params.subscriptionId);
				return new Reply(204);
			}
			default:
				throw new ApiError(
					501,
					`The emulator does not implement ${op} (${ctx.op!.template}); it is described, so it is not a spec violation.`,
					'NotImplementedException',
					'System.NotImplementedException, mscorlib',
				);
		}
	}

	// ---------------------------------------------------------------- paging, comments, updates, tags

	/**
	 * A WorkItemClassificationNode (areas or iterations) built from the project's paths, children to `depth`. Node paths
	 * are the service's ("\\Project\\Area\\Web"), not the field's ("Project\\Web"). Iterations carry dates: the n-th
	 * of the project's sprints runs 14 days from the emulator's start plus 14 × (n - 2) days, so Sprint 2 is current.
	 */
	private classificationNode(ctx: Ctx, kind: 'area' | 'iteration', path: string[], depth: number): Record<string, unknown> {
		const project = ctx.project!;
		const paths = (kind === 'area' ? project.areaPaths : project.iterationPaths).map((p) => p.split('\\').slice(1));
		const exists = path.length === 0 || paths.some((p) => p.length >= path.length && path.every((seg, i) => seg.toLowerCase() === p[i].toLowerCase()));
		if (!exists) throw witError404(`VS402485: The node name '${path.join('\\')}' could not be found.`, 'WorkItemTrackingTreeNodeNotFoundException');
		const group = kind === 'area' ? 'Area' : 'Iteration';
		const build = (at: string[], level: number): Record<string, unknown> => {
			const children = [...new Set(paths.filter((p) => p.length > at.length && at.every((seg, i) => seg.toLowerCase() === p[i].toLowerCase())).map((p) => p[at.length]))];
			const name = at.length === 0 ? project.name : at[at.length - 1];
			const node: Record<string, unknown> = {
				id: parseInt(stableGuid(`${project.id}:${kind}:${at.join('/')}`).slice(0, 6), 16),
				identifier: stableGuid(`${project.id}:${kind}:${at.join('/')}`),
				name,
				structureType: kind,
				hasChildren: children.length > 0,
				url: `${ctx.orgUrl}/${project.id}/_apis/wit/classificationNodes/${kind === 'area' ? 'Areas' : 'Iterations'}${at.map((seg) => `/${encodeURIComponent(seg)}`).join('')}`,
			};
			// The node path came after 5.0: the 5.0 WorkItemClassificationNode definition has no such property.
			if (ctx.org.release.maxApiVersion !== '5.0') node.path = `\\${[project.name, group, ...at].join('\\')}`;
			const dates = kind === 'iteration' && at.length > 0 ? this.sprintDates(name) : undefined;
			if (dates) node.attributes = { startDate: new Date(dates.start).toISOString(), finishDate: new Date(dates.finish).toISOString() };
			if (level < depth && children.length > 0) node.children = children.map((child) => build([...at, child], level + 1));
			return node;
		};
		return build(path.map((seg, i) => paths.find((p) => p[i]?.toLowerCase() === seg.toLowerCase())?.[i] ?? seg), 0);
	}

	/**
	 * The dates of an iteration named "… <n>": the n-th sprint runs 14 days from the emulator's start plus
	 * 14 × (n - 2) days, so Sprint 2 is current. Other names have no dates.
	 */
	private sprintDates(name: string): { start: number; finish: number } | undefined {
		const sprint = /(\d+)\s*$/.exec(name);
		if (!sprint) return undefined;
		const day = 86_400_000;
		const start = this.startedAt - 14 * day + (Number(sprint[1]) - 1) * 14 * day;
		return { start, finish: start + 14 * day - 1000 };
	}

	/** A TeamSettingsIteration: the iteration as a team has selected it, with its time frame today. */
	private teamIterationView(ctx: Ctx, team: string, fieldPath: string): Record<string, unknown> {
		const project = ctx.project!;
		const name = fieldPath.split('\\').pop() ?? fieldPath;
		const identifier = stableGuid(`${project.id}:iteration:${fieldPath.split('\\').slice(1).join('/')}`);
		const view: Record<string, unknown> = {
			id: identifier,
			name,
			path: fieldPath,
			url: `${ctx.orgUrl}/${project.id}/${stableGuid(`team:${project.id}:${team}`)}/_apis/work/teamsettings/iterations/${identifier}`,
		};
		const dates = this.sprintDates(name);
		const now = Date.now();
		view.attributes = dates
			? {
					startDate: new Date(dates.start).toISOString(),
					finishDate: new Date(dates.finish).toISOString(),
					timeFrame: now < dates.start ? 'future' : now > dates.finish ? 'past' : 'current',
				}
			: { startDate: null, finishDate: null, timeFrame: 'future' };
		return view;
	}

	/**
	 * The attributes the service gives an AttachedFile link when it is added: the file's name and size, its id among the
	 * work item's files and the dates (a comment given with the link is kept).
	 */
	private describeAttachedFiles(org: OrgState, relations: Relation[], now: string): void {
		for (const relation of relations) {
			if (relation.rel !== 'AttachedFile' || relation.attributes.resourceSize !== undefined) continue;
			const id = /\/_apis\/wit\/attachments\/([0-9a-f-]{36})/i.exec(relation.url)?.[1]?.toLowerCase();
			const file = id ? org.attachments.get(id) : undefined;
			if (!file) continue;
			relation.attributes = {
				authorizedDate: now,
				id: parseInt(stableGuid(`file:${id}`).slice(0, 6), 16),
				resourceCreatedDate: now,
				resourceModifiedDate: now,
				revisedDate: '9999-01-01T00:00:00Z',
				resourceSize: file.total ?? file.bytes.length,
				name: file.fileName,
				...relation.attributes,
			};
		}
	}

	/** Largest attachment the organization takes (Work tracking, process, and project limits: 60 MB by default). */
	maxAttachmentBytes = 60 * 1024 * 1024;

	private checkAttachmentSize(size: number): void {
		if (size > this.maxAttachmentBytes) {
			// Paraphrase of the service's refusal: the limits page names the size, not the words of the answer.
			throw new ApiError(413, `VS402396: The attachment is ${size} bytes; this organization takes at most ${this.maxAttachmentBytes} bytes.`, 'AttachmentTooLargeException', 'Microsoft.TeamFoundation.WorkItemTracking.Server.AttachmentTooLargeException, Microsoft.TeamFoundation.WorkItemTracking.Server');
		}
	}

	/** An AttachmentReference of the descriptions: id and url. */
	private attachmentReference(ctx: Ctx, id: string, fileName: string): Record<string, unknown> {
		return { id, url: `${ctx.orgUrl}/${ctx.project!.id}/_apis/wit/attachments/${id}?fileName=${encodeURIComponent(fileName)}` };
	}

	/** A WorkItemRelationType of the descriptions: reference name, name, url and attributes. */
	private relationTypeView(orgUrl: string, type: (typeof RELATION_TYPE_LIST)[number]): Record<string, unknown> {
		return {
			referenceName: type.referenceName,
			name: type.name,
			url: `${orgUrl}/_apis/wit/workItemRelationTypes/${type.referenceName}`,
			attributes: { ...type.attributes },
		};
	}

	private skipTop<T>(query: URLSearchParams, list: T[]): T[] {
		const skip = Number(query.get('$skip') ?? '0');
		const top = Number(query.get('$top') ?? '200');
		return list.slice(skip, skip + top);
	}

	/**
	 * One page of comments: $top (at most 200), then continuationToken and nextPage for the rest, as the
	 * CommentList definition and the Comments - Get Comments page describe; order asc|desc (by number too).
	 */
	private commentPage(ctx: Ctx, wi: WorkItemRecord): Record<string, unknown> {
		const { query, orgUrl } = ctx;
		const ids = query.get('ids')?.split(',').map(Number);
		const includeDeleted = (query.get('includeDeleted') ?? '').toLowerCase() === 'true';
		let list = wi.comments.filter((c) => (includeDeleted || !c.isDeleted) && (!ids || ids.includes(c.commentId)));
		list = (query.get('order') ?? 'desc').toLowerCase() === 'asc' ? list : [...list].reverse();
		const top = Math.min(Number(query.get('$top') ?? '200'), 200);
		const token = query.get('continuationToken');
		const start = token ? Number(Buffer.from(token, 'base64url').toString('utf8')) || 0 : 0;
		const page = list.slice(start, start + top);
		const url = `${orgUrl}/${wi.projectId}/_apis/wit/workItems/${wi.id}/comments`;
		const result: Record<string, unknown> = { totalCount: list.length, count: page.length, comments: page.map((c) => this.commentView(orgUrl, wi, c, ctx.org)) };
		if (start + top < list.length) {
			const next = Buffer.from(String(start + top)).toString('base64url');
			result.continuationToken = next;
			const q = new URLSearchParams(query);
			q.set('continuationToken', next);
			result.nextPage = `${url}?${q.toString()}`;
		}
		result.url = url;
		return result;
	}

	/** Comments as Server 2019 lists them: the revisions that set System.History. */
	private historyComments(orgUrl: string, wi: WorkItemRecord): Array<{ revision: number; text: string; revisedBy: Record<string, unknown>; revisedDate: string; url: string }> {
		return wi.revisions
			.filter((r) => r.fields['System.History'] !== undefined)
			.map((r) => ({
				revision: r.rev,
				text: String(r.fields['System.History']),
				revisedBy: { ...this.identityRef(orgUrl, String(r.fields['System.ChangedBy'])), name: String(r.fields['System.ChangedBy']) },
				revisedDate: String(r.fields['System.ChangedDate']),
				url: `${orgUrl}/${wi.projectId}/_apis/wit/workItems/${wi.id}/comments/${r.rev}`,
			}));
	}

	private findComment(wi: WorkItemRecord, id: string, includeDeleted: boolean): Comment {
		const c = wi.comments.find((x) => x.commentId === Number(id) && (includeDeleted || !x.isDeleted));
		if (!c) throw witError404(`The comment ${id} of work item ${wi.id} does not exist.`, 'WorkItemCommentNotFoundException');
		return c;
	}

	/** A revision as an update: what changed from the revision before (WorkItemUpdate definition). */
	private updateView(orgUrl: string, wi: WorkItemRecord, r: Revision): Record<string, unknown> {
		const before = wi.revisions.find((x) => x.rev === r.rev - 1);
		const fields: Record<string, unknown> = {};
		for (const k of changedFieldNames(before?.fields ?? {}, r.fields)) {
			const entry: Record<string, unknown> = {};
			const show = (v: unknown) => (IDENTITY_FIELDS.has(k) && v !== undefined ? this.identityRef(orgUrl, String(v)) : v);
			if (before && before.fields[k] !== undefined) entry.oldValue = show(before.fields[k]);
			if (r.fields[k] !== undefined) entry.newValue = show(r.fields[k]);
			fields[k] = entry;
		}
		const next = wi.revisions.find((x) => x.rev === r.rev + 1);
		const url = `${orgUrl}/_apis/wit/workItems/${wi.id}/updates/${r.rev}`;
		const view: Record<string, unknown> = {
			id: r.rev,
			workItemId: wi.id,
			rev: r.rev,
			revisedBy: this.identityRef(orgUrl, String(r.fields['System.ChangedBy'])),
			revisedDate: next ? String(next.fields['System.ChangedDate']) : '9999-01-01T00:00:00Z',
			fields,
		};
		const added = r.relations.filter((x) => !(before?.relations ?? []).some((p) => p.rel === x.rel && p.url === x.url));
		const removed = (before?.relations ?? []).filter((p) => !r.relations.some((x) => p.rel === x.rel && p.url === x.url));
		if (added.length || removed.length) view.relations = { ...(added.length ? { added } : {}), ...(removed.length ? { removed } : {}) };
		view._links = { self: { href: url }, workItemUpdates: { href: `${orgUrl}/_apis/wit/workItems/${wi.id}/updates` }, parent: { href: `${orgUrl}/_apis/wit/workItems/${wi.id}` } };
		view.url = url;
		return view;
	}

	/** The project's tags: every tag on a live work item, with a stable id (WorkItemTagDefinition). */
	private tagsOf(org: OrgState, orgUrl: string, project: Project): Array<Record<string, unknown>> {
		const seen = new Map<string, Record<string, unknown>>();
		for (const wi of org.items.values()) {
			if (wi.deleted || wi.projectId !== project.id) continue;
			const fields = wi.revisions.at(-1)!.fields;
			for (const name of String(fields['System.Tags'] ?? '').split(';').map((t) => t.trim()).filter(Boolean)) {
				const id = stableGuid(`tag:${org.name}:${project.id}:${name.toLowerCase()}`);
				const changed = String(fields['System.ChangedDate']);
				const known = seen.get(name.toLowerCase());
				if (!known || String(known.lastUpdated) < changed) {
					seen.set(name.toLowerCase(), { id, name: known ? known.name : name, url: `${orgUrl}/${project.id}/_apis/wit/tags/${id}`, lastUpdated: changed });
				}
			}
		}
		// lastUpdated came with 7.1: the 6.0 and 7.0 WorkItemTagDefinition has id, name and url only.
		const withDate = this.defines(org, 'Tags_List', 'WorkItemTagDefinition', 'lastUpdated');
		if (!withDate) for (const t of seen.values()) delete t.lastUpdated;
		return [...seen.values()].sort((a, b) => String(a.name).localeCompare(String(b.name)));
	}

	/** Whether the requested release's description gives a definition a property (fields that came later are left out). */
	private defines(org: OrgState, operationId: string, definition: string, property: string): boolean {
		const def = this.spec.find(org.release.book, operationId)?.definitions[definition] as { properties?: Record<string, unknown> } | undefined;
		return !!def?.properties && property in def.properties;
	}

	private findTag(org: OrgState, orgUrl: string, project: Project, idOrName: string): Record<string, unknown> {
		const key = idOrName.toLowerCase();
		const tag = this.tagsOf(org, orgUrl, project).find((t) => String(t.id) === key || String(t.name).toLowerCase() === key);
		if (!tag) throw witError404(`The tag '${idOrName}' does not exist in the project.`, 'WorkItemTagNotFoundException');
		return tag;
	}

	/** Renames (or, with no new name, removes) a tag on every work item of the project, without a new revision. */
	private retag(org: OrgState, project: Project, from: string, to: string | undefined): void {
		for (const wi of org.items.values()) {
			if (wi.projectId !== project.id) continue;
			const fields = wi.revisions.at(-1)!.fields;
			const tags = String(fields['System.Tags'] ?? '').split(';').map((t) => t.trim()).filter(Boolean);
			if (!tags.some((t) => t.toLowerCase() === from.toLowerCase())) continue;
			const next = tags.flatMap((t) => (t.toLowerCase() === from.toLowerCase() ? (to ? [to] : []) : [t]));
			const unique = next.filter((t, i) => next.findIndex((u) => u.toLowerCase() === t.toLowerCase()) === i);
			if (unique.length) fields['System.Tags'] = unique.join('; ');
			else delete fields['System.Tags'];
		}
	}

	// ---------------------------------------------------------------- views

	private projectView(orgUrl: string, p: Project): Record<string, unknown> {
		return {
			id: p.id,
			name: p.name,
			description: p.description,
			url: `${orgUrl}/_apis/projects/${p.id}`,
			state: 'wellFormed',
			revision: 1,
			visibility: 'private',
			lastUpdateTime: '2024-01-01T00:00:00Z',
		};
	}

	private findType(org: OrgState, name: string): WorkItemTypeSeed {
		const t = org.types.find((x) => x.name.toLowerCase() === name.toLowerCase());
		if (!t) throw errors.typeNotFound(name);
		return t;
	}

	private fieldView(org: OrgState, ref: string): Record<string, unknown> {
		const type = org.customFieldTypes[ref] ?? FIELD_TYPES[ref] ?? 'string';
		return {
			name: FIELD_NAMES[ref] ?? ref,
			referenceName: ref,
			type,
			usage: 'workItem',
			readOnly: isReadOnlyField(ref),
			canSortBy: type !== 'html' && type !== 'history',
			isQueryable: true,
			isIdentity: type === 'identity',
			isPicklist: false,
			isPicklistSuggested: false,
		};
	}

	private typeView(org: OrgState, orgUrl: string, project: Project, t: WorkItemTypeSeed): Record<string, unknown> {
		const required = new Set(['System.Title', ...(t.requiredFields ?? [])]);
		const fieldRefs = [...Object.keys(FIELD_NAMES), ...org.customFields].filter((ref) => typeHasField(t, ref, org.customFields));
		return {
			name: t.name,
			referenceName: `Microsoft.VSTS.WorkItemTypes.${t.name.replace(/\s+/g, '')}`,
			description: `${t.name} work items`,
			color: t.color ?? '009CCC',
			icon: { id: 'icon_clipboard', url: `${orgUrl}/_apis/wit/workItemIcons/icon_clipboard?color=${t.color ?? '009CCC'}&v=2` },
			isDisabled: false,
			states: t.states.map(stateView),
			fields: fieldRefs.map((ref) => ({
				referenceName: ref,
				name: FIELD_NAMES[ref] ?? ref,
				alwaysRequired: required.has(ref),
				url: `${orgUrl}/_apis/wit/fields/${ref}`,
			})),
			url: `${orgUrl}/${project.id}/_apis/wit/workItemTypes/${encodeURIComponent(t.name)}`,
		};
	}

	private identityRef(orgUrl: string, text: string): Record<string, unknown> {
		const i = identityFromText(text);
		return {
			displayName: i.displayName,
			url: `${orgUrl}/_apis/Identities/${i.id}`,
			_links: { avatar: { href: `${orgUrl}/_apis/GraphProfile/MemberAvatars/aad.${i.id}` } },
			id: i.id,
			uniqueName: i.uniqueName,
			imageUrl: `${orgUrl}/_apis/GraphProfile/MemberAvatars/aad.${i.id}`,
			descriptor: `aad.${Buffer.from(i.id).toString('base64url')}`,
		};
	}

	private projectOf(org: OrgState, wi: WorkItemRecord): Project {
		return org.projects.find((p) => p.id === wi.projectId) ?? org.projects[0];
	}

	/** A work item as the REST API returns it: identities as objects, relations and links per $expand. */
	private workItemView(
		org: OrgState,
		orgUrl: string,
		wi: WorkItemRecord,
		rev: Revision,
		expand: string,
		onlyFields?: string[],
	): Record<string, unknown> {
		const project = this.projectOf(org, wi);
		const fields: Record<string, unknown> = {};
		for (const [k, v] of Object.entries(rev.fields)) {
			if (onlyFields && !onlyFields.some((f) => f.toLowerCase() === k.toLowerCase())) continue;
			fields[k] = IDENTITY_FIELDS.has(k) ? this.identityRef(orgUrl, String(v)) : v;
		}
		const url = `${orgUrl}/_apis/wit/workItems/${wi.id}`;
		const view: Record<string, unknown> = { id: wi.id, rev: rev.rev, fields };
		const e = expand.toLowerCase();
		if ((e === 'relations' || e === 'all') && rev.relations.length) {
			view.relations = rev.relations.map((r) => ({ rel: r.rel, url: r.url, attributes: { ...r.attributes } }));
		}
		const lastComment = wi.comments.filter((c) => !c.isDeleted).at(-1);
		// commentVersionRef came with the comments resource of 6.0: the 5.0 WorkItem definition has no such property.
		if (lastComment && org.release.maxApiVersion !== '5.0') {
			view.commentVersionRef = { commentId: lastComment.commentId, version: lastComment.version, url: `${url}/comments/${lastComment.commentId}/versions/${lastComment.version}` };
		}
		if (e !== 'fields' && !onlyFields) {
			view._links = {
				self: { href: url },
				workItemUpdates: { href: `${url}/updates` },
				workItemRevisions: { href: `${url}/revisions` },
				workItemComments: { href: `${url}/comments` },
				html: { href: `${orgUrl}/${encodeURIComponent(project.name)}/_workitems/edit/${wi.id}` },
				workItemType: { href: `${orgUrl}/${project.id}/_apis/wit/workItemTypes/${encodeURIComponent(String(rev.fields['System.WorkItemType']))}` },
				fields: { href: `${orgUrl}/_apis/wit/fields` },
			};
		}
		view.url = url;
		return view;
	}

	private shape(org: OrgState, orgUrl: string, wi: WorkItemRecord, expand: string | null, fields: string | null): Record<string, unknown> {
		if (expand && fields && expand.toLowerCase() !== 'none') {
			throw errors.argument('The expand parameter can not be used with the fields parameter.');
		}
		const only = fields ? fields.split(',').map((f) => f.trim()).filter(Boolean) : undefined;
		if (only) {
			for (const f of only) if (!this.knownField(org, f)) throw errors.unknownField(f);
		}
		return this.workItemView(org, orgUrl, wi, wi.revisions.at(-1)!, expand ?? 'none', only);
	}

	private batch(org: OrgState, orgUrl: string, idsText: string, fields: string | null, expand: string | null, errorPolicy: string | null) {
		const ids = idsText.split(',').map((s) => s.trim()).filter(Boolean);
		if (ids.length === 0) throw errors.argument('The ids parameter is required.');
		// Both GET workitems?ids= and POST workitemsbatch take at most 200 ids (documented on both routes'
		// pages); the words as recorded from the service (microsoft/AzureDevOpsDemoGenerator#466, igoravl/TfsCmdlets#164).
		if (ids.length > MAX_BATCH_IDS) {
			throw new ApiError(
				400,
				`VS403474: You requested ${ids.length} work items which exceeds the limit of ${MAX_BATCH_IDS}`,
				'VssPropertyValidationException',
				'Microsoft.VisualStudio.Services.Common.VssPropertyValidationException, Microsoft.VisualStudio.Services.Common',
			);
		}
		const value = ids.map((raw) => {
			const id = Number(raw);
			const wi = org.items.get(id);
			if (!wi || wi.deleted) {
				if ((errorPolicy ?? '').toLowerCase() === 'omit') return null;
				throw errors.workItemNotFound(raw);
			}
			return this.shape(org, orgUrl, wi, expand, fields);
		});
		return { count: value.length, value };
	}

	private deletedView(org: OrgState, orgUrl: string, wi: WorkItemRecord, restored = false): Record<string, unknown> {
		const rev = wi.revisions.at(-1)!;
		const project = this.projectOf(org, wi);
		return {
			id: wi.id,
			code: 200,
			type: rev.fields['System.WorkItemType'],
			name: rev.fields['System.Title'],
			project: project.name,
			deletedDate: wi.deleted?.date ?? new Date().toISOString(),
			deletedBy: wi.deleted ? identityText(wi.deleted.by) : undefined,
			url: restored ? `${orgUrl}/_apis/wit/workItems/${wi.id}` : `${orgUrl}/_apis/wit/recyclebin/${wi.id}`,
			resource: this.workItemView(org, orgUrl, wi, rev, 'all'),
		};
	}

	private commentView(orgUrl: string, wi: WorkItemRecord, c: Comment, org?: OrgState): Record<string, unknown> {
		const by = this.identityRef(orgUrl, identityText(c.createdBy));
		// format and renderedText came with the 7.1 Comment definition (not in the 6.0 and 7.0 descriptions).
		const formats = org !== undefined && Number(org.release.maxApiVersion) >= 7.1;
		return {
			workItemId: wi.id,
			id: c.commentId,
			version: c.version,
			text: c.text,
			...(formats && c.renderedText !== undefined ? { renderedText: c.renderedText } : {}),
			...(formats && c.format !== undefined ? { format: c.format } : {}),
			createdBy: by,
			createdDate: c.createdDate,
			modifiedBy: by,
			modifiedDate: c.modifiedDate ?? c.createdDate,
			isDeleted: c.isDeleted,
			url: `${orgUrl}/${wi.projectId}/_apis/wit/workItems/${wi.id}/comments/${c.commentId}`,
		};
	}

	private knownField(org: OrgState, ref: string): boolean {
		return !!FIELD_NAMES[ref] || org.customFields.has(ref) || Object.keys(FIELD_NAMES).some((k) => k.toLowerCase() === ref.toLowerCase());
	}

	private liveItem(org: OrgState, id: number): WorkItemRecord {
		const wi = org.items.get(id);
		if (!wi || wi.deleted) throw errors.workItemNotFound(id);
		return wi;
	}

	// ---------------------------------------------------------------- work item rules

	/**
	 * Identity fields name someone the organization knows, unless bypassRules (a migration). Words as the
	 * service answers (recorded in Azure/azure-devops-cli-extension#272: "The identity value 'x' for field
	 * 'Assigned To' is an unknown identity."). Helpers acting as a person skip it: that person is in the org.
	 */
	private identityRule(org: OrgState, opts: WriteOptions): ((text: string) => boolean) | undefined {
		if (!opts.fromRest || opts.bypassRules) return undefined;
		return (text) => {
			const wanted = identityFromText(text);
			const bare = text.trim().toLowerCase();
			return org.members.some(
				(m) => m.uniqueName.toLowerCase() === wanted.uniqueName.toLowerCase() || m.displayName.toLowerCase() === bare || m.uniqueName.toLowerCase() === bare,
			);
		};
	}

	/**
	 * A type seeded with `transitions` (an On-premises XML or Hosted XML process) allows only those; the
	 * inherited processes of Services and Server 2019+ allow every transition between the type's states
	 * (learn.microsoft.com/azure/devops/organizations/settings/work/customize-process-workflow). The refusal is
	 * the rule error the service gives for a State value outside the allowed list (TF401320 ... InvalidListValue).
	 */
	private checkTransition(type: WorkItemTypeSeed, from: string, to: string, bypass: boolean): void {
		if (bypass || from === to || !type.transitions) return;
		if (!(type.transitions[from] ?? []).includes(to)) {
			throw errors.rule('State', 'System.State', 'Required, HasValues, LimitedToValues, AllowsOldValue, InvalidListValue');
		}
	}

	private validate(project: Project, type: WorkItemTypeSeed, fields: Record<string, unknown>, id: number, bypass: boolean): void {
		const title = fields['System.Title'];
		if (title === undefined || String(title).trim() === '') throw errors.rule('Title', 'System.Title', 'Required, HasValues, LimitedToValues, AllowsOldValue, InvalidEmpty');
		if (String(title).length > 255) throw errors.rule('Title', 'System.Title', 'InvalidTooLong');
		for (const ref of type.requiredFields ?? []) {
			if (fields[ref] === undefined || fields[ref] === '') throw errors.rule(FIELD_NAMES[ref] ?? ref, ref, 'Required, InvalidEmpty');
		}
		if (bypass) return;
		const state = String(fields['System.State'] ?? '');
		if (!type.states.includes(state)) {
			throw errors.rule('State', 'System.State', 'Required, HasValues, LimitedToValues, AllowsOldValue, InvalidListValue');
		}
		const area = String(fields['System.AreaPath'] ?? '');
		if (!project.areaPaths.some((a) => a.toLowerCase() === area.toLowerCase())) throw errors.invalidTree(id, 'System.AreaPath');
		const iteration = String(fields['System.IterationPath'] ?? '');
		if (!project.iterationPaths.some((a) => a.toLowerCase() === iteration.toLowerCase())) throw errors.invalidTree(id, 'System.IterationPath');
	}

	private create(
		org: OrgState,
		orgUrl: string,
		project: Project,
		typeName: string,
		ops: unknown,
		by: Identity,
		opts: WriteOptions,
	): Record<string, unknown> {
		const type = this.findType(org, typeName);
		const now = new Date().toISOString();
		const who = identityText(by);
		const base: Revision = {
			rev: 1,
			fields: {
				'System.AreaPath': project.name,
				'System.TeamProject': project.name,
				'System.IterationPath': project.name,
				'System.WorkItemType': type.name,
				'System.State': type.states[0],
				'System.Reason': 'New',
				'System.CreatedDate': now,
				'System.CreatedBy': who,
				'System.ChangedDate': now,
				'System.ChangedBy': who,
				'System.CommentCount': 0,
				'Microsoft.VSTS.Common.StateChangeDate': now,
			},
			relations: [],
		};
		if (['Task', 'Bug', 'User Story'].includes(type.name)) base.fields['Microsoft.VSTS.Common.Priority'] = 2;
		const patched = applyPatch(base, ops, { custom: org.customFields, bypassRules: !!opts.bypassRules, isCreate: true, knownIdentity: this.identityRule(org, opts), type });
		this.describeAttachedFiles(org, patched.relations, now);
		if (patched.fields['System.State'] !== type.states[0] && !opts.bypassRules) {
			// The service allows a new item only in its type's initial state.
			throw errors.rule('State', 'System.State', 'Required, HasValues, LimitedToValues, AllowsOldValue, InvalidListValue');
		}
		this.validate(project, type, patched.fields, 0, !!opts.bypassRules);
		const id = opts.validateOnly ? 0 : org.nextId++;
		const fields: Record<string, unknown> = { ...patched.fields, 'System.Id': id, 'System.Rev': 1 };
		fields['System.Watermark'] = id;
		fields['System.AuthorizedDate'] = now;
		fields['System.RevisedDate'] = '9999-01-01T00:00:00Z';
		delete fields['System.History'];
		const wi: WorkItemRecord = { id, projectId: project.id, revisions: [{ rev: 1, fields, relations: patched.relations }], comments: [] };
		if (patched.history) {
			fields['System.History'] = patched.history;
			fields['System.CommentCount'] = 1;
			wi.comments.push({ commentId: org.nextCommentId++, version: 1, text: patched.history, createdBy: by, createdDate: now, isDeleted: false });
		}
		if (!opts.validateOnly) {
			org.items.set(id, wi);
			if (!opts.suppressNotifications) this.publish(org, wi, 'workitem.created', by);
		}
		return this.workItemView(org, orgUrl, wi, wi.revisions[0], opts.expand ?? 'none');
	}

	private update(
		org: OrgState,
		orgUrl: string,
		id: number,
		ops: unknown,
		by: Identity,
		opts: WriteOptions,
	): Record<string, unknown> {
		const wi = this.liveItem(org, id);
		const current = wi.revisions.at(-1)!;
		const withoutHistory = { ...current, fields: { ...current.fields } };
		delete withoutHistory.fields['System.History'];
		const type = this.findType(org, String(current.fields['System.WorkItemType']));
		const patched = applyPatch(withoutHistory, ops, { custom: org.customFields, bypassRules: !!opts.bypassRules, isCreate: false, knownIdentity: this.identityRule(org, opts), type });
		this.describeAttachedFiles(org, patched.relations, new Date().toISOString());
		const project = this.projectOf(org, wi);
		this.validate(project, type, patched.fields, id, !!opts.bypassRules);
		this.checkTransition(type, String(current.fields['System.State']), String(patched.fields['System.State']), !!opts.bypassRules);
		const changed = changedFieldNames(withoutHistory.fields, patched.fields);
		const relationsChanged = JSON.stringify(current.relations) !== JSON.stringify(patched.relations);
		if (changed.length === 0 && !relationsChanged) {
			return this.workItemView(org, orgUrl, wi, current, opts.expand ?? 'none');
		}
		const now = new Date().toISOString();
		const fields = { ...patched.fields };
		const rev = current.rev + 1;
		if (fields['System.State'] !== current.fields['System.State']) {
			fields['Microsoft.VSTS.Common.StateChangeDate'] = now;
			if (!changed.includes('System.Reason')) fields['System.Reason'] = reasonFor(String(fields['System.State']));
			if (fields['System.State'] === 'Closed') {
				fields['Microsoft.VSTS.Common.ClosedDate'] = now;
				fields['Microsoft.VSTS.Common.ClosedBy'] = identityText(by);
			}
		}
		fields['System.Rev'] = rev;
		if (!changed.includes('System.ChangedDate')) fields['System.ChangedDate'] = now;
		if (!changed.includes('System.ChangedBy')) fields['System.ChangedBy'] = identityText(by);
		fields['System.AuthorizedDate'] = now;
		fields['System.Watermark'] = Number(current.fields['System.Watermark'] ?? 0) + 1;
		let comment: Comment | undefined;
		if (patched.history) {
			comment = { commentId: org.nextCommentId, version: 1, text: patched.history, createdBy: by, createdDate: now, isDeleted: false };
			fields['System.CommentCount'] = Number(current.fields['System.CommentCount'] ?? 0) + 1;
		}
		const next: Revision = { rev, fields, relations: patched.relations };
		if (opts.validateOnly) {
			return this.workItemView(org, orgUrl, { ...wi, revisions: [...wi.revisions, next] }, next, opts.expand ?? 'none');
		}
		wi.revisions.push(next);
		if (comment) {
			org.nextCommentId++;
			wi.comments.push(comment);
		}
		if (!opts.suppressNotifications) {
			this.publish(org, wi, 'workitem.updated', by, current);
			if (comment) this.publish(org, wi, 'workitem.commented', by);
		}
		return this.workItemView(org, orgUrl, wi, next, opts.expand ?? 'none');
	}

	private comment(org: OrgState, orgUrl: string, id: number, text: string, by: Identity, format?: 'html' | 'markdown'): Record<string, unknown> {
		// The Discussion (System.History, and the deliveries) holds HTML: sanitised HTML, or the Markdown rendered.
		const html = format === 'markdown' ? renderCommentMarkdown(text) : sanitiseCommentHtml(text);
		this.update(org, orgUrl, id, [{ op: 'add', path: '/fields/System.History', value: html }], by, {});
		const wi = this.liveItem(org, id);
		const added = wi.comments.at(-1)!;
		if (format) {
			added.format = format;
			added.text = format === 'markdown' ? text : html;
			added.renderedText = html;
		}
		return this.commentView(orgUrl, wi, added, org);
	}

	private remove(org: OrgState, orgUrl: string, id: number, destroy: boolean, by: Identity): Record<string, unknown> | undefined {
		const wi = this.liveItem(org, id);
		wi.deleted = { date: new Date().toISOString(), by };
		const view = this.deletedView(org, orgUrl, wi);
		this.publish(org, wi, 'workitem.deleted', by);
		if (destroy) org.items.delete(id);
		return view;
	}

	private restore(org: OrgState, orgUrl: string, id: number, by: Identity): WorkItemRecord {
		const wi = org.items.get(id);
		if (!wi?.deleted) throw errors.workItemNotFound(id);
		wi.deleted = undefined;
		this.publish(org, wi, 'workitem.restored', by);
		void orgUrl;
		return wi;
	}

	// ---------------------------------------------------------------- WIQL

	private wiql(ctx: Ctx): Record<string, unknown> {
		const { org, orgUrl } = ctx;
		const text = (ctx.body as { query?: unknown } | undefined)?.query;
		const syntaxError = (message: string) =>
			witError400(message.startsWith('TF') ? message : `TF51006: The query statement contains a syntax error. ${message}`, 'WiqlSyntaxException');
		if (typeof text !== 'string') throw syntaxError('The query text is empty.');
		// "WIQL length must not exceed 32K characters" (learn.microsoft.com/azure/devops/organizations/settings/work/object-limits,
		// Queries). The service's exact words are not recorded publicly: the emulator's own, as an ArgumentException.
		if (text.length > MAX_WIQL_LENGTH) {
			throw errors.argument(`The WIQL query is ${text.length} characters long; the limit is ${MAX_WIQL_LENGTH} characters.`);
		}
		let parsed;
		try {
			parsed = parseWiql(text);
		} catch (e) {
			throw e instanceof WiqlError ? syntaxError(e.message) : asApiError(e);
		}
		for (const f of fieldsOf(parsed)) {
			if (!this.knownField(org, f)) {
				throw witError400(`TF51005: The query references a field that does not exist. The error is caused by «${f}».`, 'WiqlFieldDoesNotExistException');
			}
		}
		const items: Array<{ id: number; fields: Record<string, unknown> }> = [];
		try {
			for (const wi of org.items.values()) {
				if (wi.deleted) continue;
				const fields = wi.revisions.at(-1)!.fields;
				if (matches(parsed.where, fields, { project: ctx.project?.name, me: identityText(ctx.user), now: new Date(), knownField: (r) => this.knownField(org, r) })) {
					items.push({ id: wi.id, fields });
				}
			}
		} catch (e) {
			throw e instanceof WiqlError ? witError400(`TF51011: ${e.message}`, 'WiqlMacroException') : asApiError(e);
		}
		const cmp = orderComparator(parsed.orderBy);
		items.sort((a, b) => cmp(a.fields, b.fields));
		const top = ctx.query.get('$top');
		// A flat query returns at most 20,000 work items (object-limits page, Queries); more without a $top
		// under that is refused with VS402337 (words as recorded: nkdAgility/azure-devops-migration-tools#1005,
		// jelledruyts/TfsTeamProjectManager#21).
		const cap = top ? Math.min(Number(top), MAX_FLAT_RESULTS) : MAX_FLAT_RESULTS;
		if (items.length > cap && (!top || Number(top) > MAX_FLAT_RESULTS)) {
			throw witError400(`VS402337: The number of work items returned exceeds the size limit of ${MAX_FLAT_RESULTS}. Change the query to return fewer items.`, 'WorkItemTrackingQueryResultSizeLimitExceededException');
		}
		const limited = items.slice(0, cap);
		const column = (ref: string) => ({ referenceName: ref, name: FIELD_NAMES[ref] ?? ref, url: `${orgUrl}/_apis/wit/fields/${ref}` });
		const result: Record<string, unknown> = {
			queryType: 'flat',
			queryResultType: 'workItem',
			asOf: new Date().toISOString(),
			columns: parsed.fields.map(column),
			workItems: limited.map((i) => ({ id: i.id, url: `${orgUrl}/_apis/wit/workItems/${i.id}` })),
		};
		if (parsed.orderBy.length) result.sortColumns = parsed.orderBy.map((o) => ({ field: column(o.field), descending: o.descending }));
		return result;
	}

	// ---------------------------------------------------------------- service hooks

	private createSubscription(ctx: Ctx): Record<string, unknown> {
		const { org, orgUrl } = ctx;
		const b = (ctx.body ?? {}) as Partial<Subscription>;
		const bad = (message: string) => new ApiError(400, message, 'SubscriptionInputException', 'Microsoft.VisualStudio.Services.ServiceHooks.WebApi.SubscriptionInputException, Microsoft.VisualStudio.Services.ServiceHooks.WebApi', 0, 4000);
		if (b.publisherId !== 'tfs') throw bad(`VS1101002: The publisher '${String(b.publisherId)}' does not exist.`);
		if (!WORK_ITEM_EVENTS.includes(b.eventType as WorkItemEvent)) throw bad(`VS1101003: The event type '${String(b.eventType)}' is not supported by the emulator's publisher 'tfs'.`);
		if (b.consumerId !== 'webHooks') throw bad(`VS1101004: The consumer '${String(b.consumerId)}' does not exist.`);
		if (b.consumerActionId !== 'httpRequest') throw bad(`VS1101005: The consumer action '${String(b.consumerActionId)}' does not exist for consumer 'webHooks'.`);
		const ci = Object.fromEntries(Object.entries(b.consumerInputs ?? {}).map(([k, v]) => [k, String(v)]));
		const pi = Object.fromEntries(Object.entries(b.publisherInputs ?? {}).map(([k, v]) => [k, String(v)]));
		// Inputs are checked against the input descriptors of publisher 'tfs' and consumer 'webHooks'
		// (official data: hooks-7.1/httpExamples/publishers/GET__hooks_publishers.json and
		// consumers/GET__hooks_consumers.json): data types, required inputs, patterns and lengths.
		const invalid = (id: string, why: string) => bad(`VS1101014: The value of input '${id}' is not valid: ${why}`);
		for (const d of INPUT_DESCRIPTORS) {
			const inputs = d.of === 'consumer' ? ci : pi;
			if (d.events && !d.events.includes(String(b.eventType))) continue;
			const v = inputs[d.id];
			if (v === undefined || v === '') {
				if (d.required) throw invalid(d.id, 'a value is required.');
				continue;
			}
			if (d.dataType === 'guid' && !/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(v)) {
				throw invalid(d.id, `'${v}' is not a GUID.`);
			}
			if (d.minLength !== undefined && v.length < d.minLength) throw invalid(d.id, `it must be at least ${d.minLength} characters long.`);
			if (d.maxLength !== undefined && v.length > d.maxLength) throw invalid(d.id, `it must be at most ${d.maxLength} characters long.`);
			if (d.pattern && !d.pattern.test(v)) throw invalid(d.id, d.patternMessage ?? 'it does not match the expected pattern.');
		}
		let target: URL;
		try {
			target = new URL(ci.url ?? '');
			if (!['http:', 'https:'].includes(target.protocol)) throw new Error('scheme');
		} catch {
			throw bad("VS1101012: The value of consumer input 'url' is not a valid absolute URL.");
		}
		// "Webhooks can't target localhost (loopback) addresses or special range IPv4/IPv6 addresses."
		// (learn.microsoft.com/azure/devops/service-hooks/services/webhooks, step 5). Applied to Services: an
		// Azure DevOps Server inside a company network posts to that network's hosts by design.
		if (!this.allowLocalhostConsumers && org.hosting === 'services' && isSpecialAddress(target.hostname)) {
			throw bad(`VS1101013: The URL '${ci.url}' is not allowed: service hooks cannot send to localhost or private network addresses.`);
		}
		for (const key of ['resourceDetailsToSend', 'messagesToSend', 'detailedMessagesToSend']) {
			if (ci[key] && !['all', 'minimal', 'none', 'text', 'html', 'markdown'].includes(ci[key].toLowerCase())) {
				throw bad(`VS1101014: The value '${ci[key]}' of consumer input '${key}' is not valid.`);
			}
		}
		// The descriptor types projectId as a GUID: the service wants the project's id, not its name.
		if (pi.projectId) {
			const p = org.projects.find((x) => x.id === pi.projectId.toLowerCase());
			if (!p) throw bad(`VS1101006: The project '${pi.projectId}' does not exist.`);
			pi.projectId = p.id;
		}
		if (pi.workItemType) this.findType(org, pi.workItemType);
		const now = new Date().toISOString();
		const sub: Subscription = {
			id: newSubscriptionId(),
			organization: org.name,
			publisherId: 'tfs',
			eventType: String(b.eventType),
			resourceVersion: b.resourceVersion ?? '1.0',
			consumerId: 'webHooks',
			consumerActionId: 'httpRequest',
			publisherInputs: { ...pi, tfsSubscriptionId: stableGuid(`tfs-sub:${now}:${org.subscriptions.size}`) },
			consumerInputs: ci,
			status: 'enabled',
			createdBy: { id: ctx.user.id, displayName: ctx.user.displayName, uniqueName: ctx.user.uniqueName },
			createdDate: now,
			modifiedDate: now,
		};
		org.subscriptions.set(sub.id, sub);
		return subscriptionView(sub, orgUrl);
	}

	/** Builds the event once and hands it to the dispatcher for every matching subscription. */
	private publish(org: OrgState, wi: WorkItemRecord, eventType: WorkItemEvent, by: Identity, previous?: Revision): void {
		const subs = [...org.subscriptions.values()];
		if (!subs.length) return;
		const orgUrl = this.orgUrl(org.name);
		const project = this.projectOf(org, wi);
		const rev = structuredClone(wi.revisions.at(-1)!);
		const f = rev.fields;
		const changed = previous ? changedFieldNames(previous.fields, rev.fields) : [];
		const webUrl = `${orgUrl}/web/wi.aspx?pcguid=${org.collectionId}&id=${wi.id}`;
		const label = `${String(f['System.WorkItemType'])} #${wi.id}`;
		const verb = { 'workitem.created': 'created', 'workitem.updated': 'updated', 'workitem.commented': 'commented on', 'workitem.deleted': 'deleted', 'workitem.restored': 'restored' }[eventType];
		const head = `${label} (${String(f['System.Title'])}) ${verb} by ${by.displayName}.`;
		const lines: string[] =
			eventType === 'workitem.updated'
				? changed.filter((c) => c === 'System.State' || c === 'System.AssignedTo' || c === 'System.Title').map((c) => `New ${FIELD_NAMES[c]}: ${String(f[c] ?? '')}`)
				: eventType === 'workitem.commented'
					? []
					: [`Area: ${String(f['System.AreaPath'])}`, `Iteration: ${String(f['System.IterationPath'])}`, `State: ${String(f['System.State'])}`];
		const comment = eventType === 'workitem.commented' ? String(f['System.History'] ?? '') : '';
		const messages = {
			text: eventType === 'workitem.deleted' ? head : `${head}\r\n(${webUrl})`,
			html: eventType === 'workitem.deleted' ? head : `<a href="${webUrl.replace(/&/g, '&amp;')}">${label}</a> (${String(f['System.Title'])}) ${verb} by ${by.displayName}.`,
			markdown: eventType === 'workitem.deleted' ? head : `[${label}](${webUrl}) (${String(f['System.Title'])}) ${verb} by ${by.displayName}.`,
		};
		const detailed = {
			text: `${messages.text}${comment ? `\r\n${comment}` : ''}${lines.length ? `\r\n\r\n${lines.map((l) => `- ${l}`).join('\r\n')}\r\n` : ''}`,
			html: `${messages.html}${comment ? `<br/>${comment}` : ''}${lines.length ? `<ul>\r\n${lines.map((l) => `<li>${l}</li>`).join('\r\n')}</ul>` : ''}`,
			markdown: `${messages.markdown}${comment ? `\r\n${comment}` : ''}${lines.length ? `\r\n\r\n${lines.map((l) => `* ${l}`).join('\r\n')}\r\n` : ''}`,
		};
		const wiUrl = `${orgUrl}/_apis/wit/workItems/${wi.id}`;
		const typeLink = { href: `${orgUrl}/${project.id}/_apis/wit/workItemTypes/${encodeURIComponent(String(f['System.WorkItemType']))}` };
		const fullResource = (): Record<string, unknown> => {
			if (eventType === 'workitem.updated') {
				const diff: Record<string, unknown> = {};
				for (const c of changed) {
					const entry: Record<string, unknown> = {};
					if (previous!.fields[c] !== undefined) entry.oldValue = previous!.fields[c];
					if (rev.fields[c] !== undefined) entry.newValue = rev.fields[c];
					diff[c] = entry;
				}
				const resource: Record<string, unknown> = {
					id: rev.rev,
					workItemId: wi.id,
					rev: rev.rev,
					revisedBy: { id: by.id, name: identityText(by), displayName: by.displayName, uniqueName: by.uniqueName, url: `${orgUrl}/_apis/Identities/${by.id}` },
					revisedDate: '9999-01-01T00:00:00Z',
					fields: diff,
				};
				const added = rev.relations.filter((r) => !previous!.relations.some((p) => p.rel === r.rel && p.url === r.url));
				const removed = previous!.relations.filter((p) => !rev.relations.some((r) => p.rel === r.rel && p.url === r.url));
				if (added.length || removed.length) {
					resource.relations = { ...(added.length ? { added } : {}), ...(removed.length ? { removed } : {}) };
				}
				resource._links = {
					self: { href: `${wiUrl}/updates/${rev.rev}` },
					workItemUpdates: { href: `${wiUrl}/updates` },
					parent: { href: wiUrl },
				};
				resource.url = `${wiUrl}/updates/${rev.rev}`;
				const revision: Record<string, unknown> = { id: wi.id, rev: rev.rev, fields: rev.fields };
				if (rev.relations.length) revision.relations = rev.relations;
				revision.url = `${wiUrl}/revisions/${rev.rev}`;
				resource.revision = revision;
				return resource;
			}
			const isDeleted = eventType === 'workitem.deleted';
			const selfUrl = isDeleted ? `${orgUrl}/_apis/wit/recyclebin/${wi.id}` : wiUrl;
			const links: Record<string, unknown> = isDeleted
				? { self: { href: selfUrl }, workItemType: typeLink, fields: { href: `${orgUrl}/_apis/wit/fields` } }
				: {
						self: { href: wiUrl },
						workItemUpdates: { href: `${wiUrl}/updates` },
						workItemRevisions: { href: `${wiUrl}/revisions` },
						workItemType: typeLink,
						fields: { href: `${orgUrl}/_apis/wit/fields` },
						html: { href: webUrl },
						workItemHistory: { href: `${wiUrl}/history` },
					};
			const resource: Record<string, unknown> = { id: wi.id, rev: rev.rev, fields: rev.fields };
			if (rev.relations.length) resource.relations = rev.relations;
			resource._links = links;
			resource.url = selfUrl;
			return resource;
		};
		const containers = {
			collection: { id: org.collectionId, baseUrl: `${orgUrl}/` },
			account: { id: org.accountId, baseUrl: `${orgUrl}/` },
			project: { id: project.id, baseUrl: `${orgUrl}/` },
		};
		const pick = (mode: string, m: { text: string; html: string; markdown: string }) =>
			mode === 'none' ? undefined : mode === 'all' ? { ...m } : { [mode]: m[mode as 'text' | 'html' | 'markdown'] };
		this.dispatcher.publish(
			{
				eventType,
				organization: org.name,
				projectId: project.id,
				projectName: project.name,
				workItemType: String(f['System.WorkItemType']),
				areaPath: String(f['System.AreaPath']),
				changedFields: changed,
				build: ({ details, messages: msgMode, detailedMessages: detMode }) => {
					const payload: Record<string, unknown> = {
						id: newSubscriptionId(),
						eventType,
						publisherId: 'tfs',
						scope: 'all',
					};
					const message = pick(msgMode, messages);
					if (message) payload.message = message;
					const detailedMessage = pick(detMode, detailed);
					if (detailedMessage) payload.detailedMessage = detailedMessage;
					if (details === 'all') payload.resource = fullResource();
					else if (details === 'minimal') {
						payload.resource =
							eventType === 'workitem.updated'
								? { id: rev.rev, workItemId: wi.id, rev: rev.rev, url: `${wiUrl}/updates/${rev.rev}` }
								: { id: wi.id, rev: rev.rev, url: eventType === 'workitem.deleted' ? `${orgUrl}/_apis/wit/recyclebin/${wi.id}` : wiUrl };
					}
					payload.resourceVersion = '1.0';
					payload.resourceContainers = containers;
					payload.createdDate = new Date().toISOString();
					return payload;
				},
			},
			subs,
		);
	}

	// ---------------------------------------------------------------- control endpoints

	/** Unauthenticated helpers for the demo and manual testing; never part of Azure DevOps. */
	private control(method: string, path: string, body: unknown): Reply {
		const parts = path.split('/').filter(Boolean).slice(1).map(safeDecode);
		try {
			if (method === 'GET' && parts[0] === 'health') {
				const organizations = this.organizations().map(({ url, hosting, serverVersion, maxApiVersion, tokens }) => ({ url, hosting, serverVersion, maxApiVersion, tokens }));
				return new Reply(200, { ok: true, url: this.url, organizations });
			}
			if (method === 'POST' && parts[0] === 'reset') {
				this.reset();
				return new Reply(204);
			}
			if (method === 'GET' && parts[0] === 'deliveries') return new Reply(200, this.dispatcher.deliveries());
			// /_emulator/workitems/{organization}/{id}; a collection key spans two segments (server2020/DefaultCollection).
			if (parts[0] === 'workitems' && (parts.length === 3 || parts.length === 4)) {
				const organization = parts.slice(1, -1).join('/');
				const id = Number(parts.at(-1));
				if (method === 'GET') {
					const item = this.getWorkItem(id, organization);
					return item ? new Reply(200, item) : new Reply(404, { message: 'not found' });
				}
				if (method === 'POST') {
					const b = (body ?? {}) as { fields?: Record<string, unknown>; by?: string; comment?: string };
					if (b.fields) this.updateWorkItem(id, b.fields, { organization, by: b.by });
					if (b.comment) this.addComment(id, b.comment, { organization, by: b.by });
					return new Reply(200, this.getWorkItem(id, organization));
				}
			}
			return new Reply(404, { message: `Unknown emulator control endpoint ${method} ${path}` });
		} catch (e) {
			if (e instanceof ApiError) return new Reply(e.status, e.body());
			return new Reply(400, { message: String(e) });
		}
	}
}

/** The inputs of publisher 'tfs' (work item events) and consumer 'webHooks' / action 'httpRequest', as their descriptors give them. */
const INPUT_DESCRIPTORS: Array<{
	of: 'publisher' | 'consumer';
	id: string;
	events?: string[];
	required?: boolean;
	dataType?: 'guid' | 'string' | 'uri';
	pattern?: RegExp;
	patternMessage?: string;
	minLength?: number;
	maxLength?: number;
}> = [
	{ of: 'publisher', id: 'projectId', dataType: 'guid' },
	{ of: 'publisher', id: 'teamId', dataType: 'guid' },
	{
		of: 'publisher',
		id: 'commentPattern',
		events: ['workitem.commented'],
		pattern: /^\s*[^\s&<>'"][^&<>'"]*$/,
		patternMessage: 'Value should contain at least one non whitespace character and cannot contain any of characters: &, <, >, \' (apostrophe), or " (quote).',
		minLength: 1,
		maxLength: 1024,
	},
	{ of: 'consumer', id: 'url', required: true, dataType: 'uri' },
	{ of: 'consumer', id: 'httpHeaders', pattern: /^([\S]+[\s]*:[\s]*[\S]+[\s]*[\r\n\f]+)*?([\S]+[\s]*:[\s]*[\S]+)+$/ },
	{ of: 'consumer', id: 'basicAuthUsername', pattern: /^[\S]+$/, minLength: 1, maxLength: 256 },
	{ of: 'consumer', id: 'basicAuthPassword', pattern: /^[\S]+$/, minLength: 1, maxLength: 256 },
];

/** Loopback, private, link-local and other special-range addresses (IPv4 and IPv6), and localhost names. */
export function isSpecialAddress(hostname: string): boolean {
	const h = hostname.toLowerCase().replace(/^\[|\]$/g, '');
	if (h === 'localhost' || h.endsWith('.localhost')) return true;
	const v4 = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/.exec(h);
	if (v4) {
		const [a, b] = [Number(v4[1]), Number(v4[2])];
		return a === 0 || a === 10 || a === 127 || (a === 100 && b >= 64 && b <= 127) || (a === 169 && b === 254) || (a === 172 && b >= 16 && b <= 31) || (a === 192 && b === 168) || a >= 224;
	}
	if (h.includes(':')) {
		return h === '::' || h === '::1' || /^f[cd]/.test(h) || /^fe[89ab]/.test(h) || h.startsWith('::ffff:');
	}
	return false;
}

function toProject(seed: string | ProjectSeed): Project {
	const s: ProjectSeed = typeof seed === 'string' ? { name: seed } : seed;
	const iterationPaths = [s.name, ...(s.iterationPaths ?? [`${s.name}\\Sprint 1`, `${s.name}\\Sprint 2`])];
	const teams = s.teams ?? [`${s.name} Team`];
	const teamIterations = new Map<string, string[]>();
	for (const team of teams) {
		const chosen = Object.entries(s.teamIterations ?? {}).find(([name]) => name.toLowerCase() === team.toLowerCase())?.[1];
		teamIterations.set(team, chosen ?? iterationPaths.slice(1));
	}
	return {
		id: s.id ?? stableGuid(`project:${s.name}`),
		name: s.name,
		description: s.description ?? '',
		areaPaths: [s.name, ...(s.areaPaths ?? [])],
		iterationPaths,
		teams,
		teamIterations,
	};
}

function changedFieldNames(before: Record<string, unknown>, after: Record<string, unknown>): string[] {
	const keys = new Set([...Object.keys(before), ...Object.keys(after)]);
	return [...keys].filter((k) => JSON.stringify(before[k]) !== JSON.stringify(after[k]));
}

function reasonFor(state: string): string {
	return { New: 'New', Active: 'Implementation started', Resolved: 'Code complete and unit tests pass', Closed: 'Acceptance tests pass', Removed: 'Removed from the backlog' }[state] ?? `Moved to state ${state}`;
}

function witError400(message: string, typeKey: string): ApiError {
	const ns = 'Microsoft.TeamFoundation.WorkItemTracking.Server';
	return new ApiError(400, message, typeKey, `${ns}.${typeKey}, ${ns}`, 0, 3200);
}

/**
 * "Start a chunked upload" (Attachments - Create, example of the REST reference): uploadType=Chunked with no body; the
 * chunks follow with Upload Chunk. The description marks the body required for the one-shot upload only.
 */
function startsChunkedUpload(operationId: string, query: URLSearchParams): boolean {
	return /Attachments_Create$/.test(operationId) && (query.get('uploadType') ?? '').toLowerCase() === 'chunked';
}

function witError404(message: string, typeKey: string): ApiError {
	const ns = 'Microsoft.TeamFoundation.WorkItemTracking.Server';
	return new ApiError(404, message, typeKey, `${ns}.${typeKey}, ${ns}`, 0, 3200);
}

function asApiError(e: unknown): ApiError {
	return e instanceof ApiError ? e : new ApiError(500, String(e), 'Exception', 'System.Exception');
}

function subscriptionNotFound(id: string): ApiError {
	return new ApiError(
		404,
		`VS1101008: The subscription ${id} does not exist.`,
		'SubscriptionNotFoundException',
		'Microsoft.VisualStudio.Services.ServiceHooks.WebApi.SubscriptionNotFoundException, Microsoft.VisualStudio.Services.ServiceHooks.WebApi',
		0,
		4000,
	);
}

function safeDecode(s: string): string {
	try {
		return decodeURIComponent(s);
	} catch {
		return s;
	}
}

function sleep(ms: number): Promise<void> {
	return new Promise((r) => setTimeout(r, ms));
}

export type { Relation };

/** The `format` query of Comments - Add / Update: markdown or html (the service's CommentFormat), html when absent. */
function commentFormat(value: string | null): 'html' | 'markdown' {
	return (value ?? '').toLowerCase() === 'markdown' ? 'markdown' : 'html';
}
