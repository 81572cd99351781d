/**
 * The Azure DevOps client: every REST call the package makes, by name, with its path, version, paging and batch
 * limits inside. Operations, the trigger and the editor lists say what they want (`workItems.get(ctx, target, 42)`);
 * only this file knows how Azure DevOps spells it. Shapes are Microsoft's own (azure-devops-node-api, types only).
 */
import type { IDataObject } from 'n8n-workflow';
import type {
	Comment,
	CommentList,
	WorkItem as ServiceWorkItem,
	WorkItemClassificationNode,
	WorkItemDelete,
	WorkItemField,
	WorkItemQueryResult,
	WorkItemRelationType,
	WorkItemStateColor,
	WorkItemType,
	WorkItemTypeFieldWithReferences,
} from 'azure-devops-node-api/interfaces/WorkItemTrackingInterfaces';
import type { TeamProjectReference, WebApiTeam } from 'azure-devops-node-api/interfaces/CoreInterfaces';
import type { TeamSettingsIteration } from 'azure-devops-node-api/interfaces/WorkInterfaces';

import type { JsonPatchOperation } from '../connector/types';
import { azureDevOpsRequest, type AzureDevOpsResponse, type RateLimitInfo, type RequestContext, type RetryPolicy } from './request';
import type { OrganizationTarget, Target } from './target';
import type { Route } from './versions';

/** A work item as the client returns it: Microsoft's shape with the fields every answer has made required. */
export type WorkItem = ServiceWorkItem & IDataObject & { id: number; rev: number; fields: IDataObject; url: string };

/** How one call is made: which input item it serves, how hard to retry, how long to wait. */
export interface CallOptions {
	itemIndex?: number;
	retry?: Partial<RetryPolicy>;
	timeoutMs?: number;
}

/** What a call that writes reports besides its answer: attempts and rate-limit headers, for the caller's pacing. */
export interface WriteReport {
	attempts: number;
	rateLimit: RateLimitInfo;
}

/** The flags Azure DevOps takes on a work item create or update. */
export interface WriteFlags {
	validateOnly?: boolean;
	bypassRules?: boolean;
	suppressNotifications?: boolean;
	/** `$expand` of the answer, e.g. 'relations'. */
	expand?: 'relations' | 'fields' | 'links' | 'all';
}

// Resource locations by the ids the service lists them under (OPTIONS /_apis), with the newest version we speak.
const ROUTES = {
	projects: { feature: 'the project list', area: 'core', locationId: '603fe2ac-9723-48b9-88ad-09305aa6c6e1', version: '7.1' },
	workItems: { feature: 'work items', area: 'wit', locationId: '72c7ddf8-2cdc-4f60-90cd-ab71c14a399b', version: '7.1' },
	workItemCreate: { feature: 'creating work items', area: 'wit', locationId: '62d3d110-0047-428c-ad3c-4fe872c91c74', version: '7.1' },
	wiql: { feature: 'WIQL queries', area: 'wit', locationId: '1a9c53f7-f243-4447-b110-35ef023636e4', version: '7.1' },
	comments: { feature: 'work item comments', area: 'wit', locationId: '608aac0a-32e1-4493-a863-b9cf4566d257', version: '7.1', previewResource: 4 },
	workItemTypes: { feature: 'work item types', area: 'wit', locationId: '7c8d7a76-4a09-43e8-b5df-bd792f4ac6aa', version: '7.1' },
	states: { feature: 'the states of a work item type', area: 'wit', locationId: '7c9d7a76-4a09-43e8-b5df-bd792f4ac6aa', version: '7.1' },
	typeFields: { feature: 'the fields of a work item type', area: 'wit', locationId: 'bd293ce5-3d25-4192-8e67-e8092e879efb', version: '7.1' },
	fields: { feature: 'the field list', area: 'wit', locationId: 'b51fd764-e5c2-4b9b-aaf7-3395cf4bdd94', version: '7.1' },
	attachments: { feature: 'work item attachments', area: 'wit', locationId: 'e07b5fa4-1499-494d-a496-64b860fd64ff', version: '7.1' },
	classificationNodes: { feature: 'areas and iterations', area: 'wit', locationId: 'a70579d1-f53a-48ee-a5be-7be8659023b9', version: '7.1' },
	relationTypes: { feature: 'the link types', area: 'wit', locationId: 'f5d33bc9-5b49-4a3c-a9bd-f3cd46dd2165', version: '7.1' },
	recycleBin: { feature: 'the recycle bin', area: 'wit', locationId: 'b70d8d39-926c-465e-b927-b1bf0e5ca0e0', version: '7.1' },
	connectionData: { feature: 'the signed-in identity', area: 'Location', locationId: '00d9565f-ed9c-4a06-9a50-00e7896ccab4', version: '5.0', previewResource: 1 },
	subscriptions: { feature: 'service-hook subscriptions', area: 'hooks', locationId: 'fc50d02a-849f-41fb-8af1-0a5216103269', version: '7.1' },
	teams: { feature: 'the teams of a project', area: 'core', locationId: 'd30a3dd1-f8ba-442a-b86a-bd0c0c383e59', version: '7.1' },
	teamIterations: { feature: 'team iterations', area: 'work', locationId: 'c9175577-28a1-4b06-9197-8636af9f64ad', version: '7.1' },
} satisfies Record<string, Route>;

/** The most ids one work item read takes (GET _apis/wit/workitems?ids=, documented limit). */
export const WORK_ITEMS_PER_READ = 200;

/** Encodes path segments: path('Fabrikam Fiber', '_apis', 'wit', 'workitems', '$Bug'). */
function path(...segments: Array<string | number>): string {
	return '/' + segments.map((segment) => encodeURIComponent(String(segment)).replace(/%24/g, '$')).join('/');
}

function withFlags(flags: WriteFlags): IDataObject {
	const query: IDataObject = {};
	if (flags.validateOnly) query.validateOnly = true;
	if (flags.bypassRules) query.bypassRules = true;
	if (flags.suppressNotifications) query.suppressNotifications = true;
	if (flags.expand) query.$expand = flags.expand;
	return query;
}

type Scope = Target | OrganizationTarget;

/** The project segment of a path, when the target names a project. */
function projectOf(scope: Scope): string[] {
	return 'project' in scope && scope.project ? [scope.project] : [];
}

export const workItems = {
	/** One work item; `fields` and `expand` cannot be combined (the service refuses it). */
	async get(
		ctx: RequestContext,
		scope: Scope,
		id: number,
		read: { fields?: string[]; expand?: 'relations' | 'all' } = {},
		call: CallOptions = {},
	): Promise<WorkItem> {
		const query: IDataObject = {};
		if (read.fields?.length) query.fields = read.fields.join(',');
		else if (read.expand) query.$expand = read.expand;
		const response = await azureDevOpsRequest.call(ctx, scope.credentialType, {
			method: 'GET',
			organizationUrl: scope.organizationUrl,
			path: path(...projectOf(scope), '_apis', 'wit', 'workitems', id),
			query,
			route: ROUTES.workItems,
			...call,
		});
		return response.body as WorkItem;
	},

	/**
	 * Many work items, in the order of `ids`, read 200 at a time; ids that no longer exist are left out (errorPolicy
	 * omit), so a work item deleted between a query and the read is not an error.
	 */
	async getMany(
		ctx: RequestContext,
		target: Target,
		ids: readonly number[],
		read: { fields?: string[]; expand?: 'relations' | 'all' } = {},
		call: CallOptions = {},
	): Promise<WorkItem[]> {
		const result: WorkItem[] = [];
		for (let start = 0; start < ids.length; start += WORK_ITEMS_PER_READ) {
			const batch = ids.slice(start, start + WORK_ITEMS_PER_READ);
			const query: IDataObject = { ids: batch.join(','), errorPolicy: 'omit' };
			if (read.fields?.length) query.fields = read.fields.join(',');
			else if (read.expand) query.$expand = read.expand;
			const response = await azureDevOpsRequest.call(ctx, target.credentialType, {
				method: 'GET',
				organizationUrl: target.organizationUrl,
				path: path(target.project, '_apis', 'wit', 'workitems'),
				query,
				route: ROUTES.workItems,
				...call,
			});
			const byId = new Map<number, WorkItem>();
			for (const item of (response.body as { value?: Array<WorkItem | null> }).value ?? []) {
				if (item && typeof item.id === 'number') byId.set(item.id, item);
			}
			for (const id of batch) {
				const item = byId.get(id);
				if (item) result.push(item);
			}
		}
		return result;
	},

	/** Creates a work item of `type` from a JSON Patch. Not idempotent: a lost answer raises AZDC-4014. */
	async create(
		ctx: RequestContext,
		target: Target,
		type: string,
		patch: JsonPatchOperation[],
		flags: WriteFlags = {},
		call: CallOptions = {},
	): Promise<{ workItem: WorkItem } & WriteReport> {
		const response = await azureDevOpsRequest.call(ctx, target.credentialType, {
			method: 'POST',
			organizationUrl: target.organizationUrl,
			path: path(target.project, '_apis', 'wit', 'workitems', `$${type}`),
			query: withFlags(flags),
			body: patch,
			contentType: 'application/json-patch+json',
			idempotent: false,
			route: ROUTES.workItemCreate,
			...call,
		});
		return { workItem: (response.body ?? {}) as WorkItem, ...report(response) };
	},

	/**
	 * Updates a work item with a JSON Patch. Resent after a lost answer only when the patch starts with `test /rev`
	 * (then a second delivery is refused by the service, so resending is harmless).
	 */
	async update(
		ctx: RequestContext,
		target: Target,
		id: number,
		patch: JsonPatchOperation[],
		flags: WriteFlags = {},
		call: CallOptions = {},
	): Promise<WorkItem> {
		const guarded = patch[0]?.op === 'test' && patch[0]?.path === '/rev';
		const response = await azureDevOpsRequest.call(ctx, target.credentialType, {
			method: 'PATCH',
			organizationUrl: target.organizationUrl,
			path: path(target.project, '_apis', 'wit', 'workitems', id),
			query: withFlags(flags),
			body: patch,
			contentType: 'application/json-patch+json',
			idempotent: guarded,
			route: ROUTES.workItems,
			...call,
		});
		return response.body as WorkItem;
	},

	/** Moves a work item to the recycle bin, or deletes it for good with `destroy`. Deleting twice is harmless. */
	async delete(
		ctx: RequestContext,
		target: Target,
		id: number,
		options: { destroy?: boolean } = {},
		call: CallOptions = {},
	): Promise<WorkItemDelete> {
		const response = await azureDevOpsRequest.call(ctx, target.credentialType, {
			method: 'DELETE',
			organizationUrl: target.organizationUrl,
			path: path(target.project, '_apis', 'wit', 'workitems', id),
			query: options.destroy ? { destroy: true } : {},
			idempotent: true,
			route: ROUTES.workItems,
			...call,
		});
		return (response.body ?? {}) as WorkItemDelete;
	},

	/** Brings a work item back from the recycle bin. */
	async restore(ctx: RequestContext, target: Target, id: number, call: CallOptions = {}): Promise<WorkItemDelete> {
		const response = await azureDevOpsRequest.call(ctx, target.credentialType, {
			method: 'PATCH',
			organizationUrl: target.organizationUrl,
			path: path(target.project, '_apis', 'wit', 'recyclebin', id),
			body: { isDeleted: false },
			idempotent: true,
			route: ROUTES.recycleBin,
			...call,
		});
		return (response.body ?? {}) as WorkItemDelete;
	},
};

export const wiql = {
	/** Runs a WIQL query in the project; returns the ids it found (link queries: each end once), in the query's order. */
	async query(
		ctx: RequestContext,
		target: Target,
		text: string,
		options: { top?: number; timePrecision?: boolean } = {},
		call: CallOptions = {},
	): Promise<number[]> {
		const query: IDataObject = {};
		if (options.top !== undefined) query.$top = options.top;
		if (options.timePrecision) query.timePrecision = true;
		const response = await azureDevOpsRequest.call(ctx, target.credentialType, {
			method: 'POST',
			organizationUrl: target.organizationUrl,
			path: path(target.project, '_apis', 'wit', 'wiql'),
			query,
			body: { query: text },
			// A query changes nothing: safe to send again.
			idempotent: true,
			route: ROUTES.wiql,
			...call,
		});
		const body = (response.body ?? {}) as WorkItemQueryResult;
		const seen = new Set<number>();
		const ids: number[] = [];
		const add = (id: unknown) => {
			const value = Number(id);
			if (Number.isSafeInteger(value) && value > 0 && !seen.has(value)) {
				seen.add(value);
				ids.push(value);
			}
		};
		for (const item of body.workItems ?? []) add(item.id);
		for (const relation of body.workItemRelations ?? []) {
			add(relation.source?.id);
			add(relation.target?.id);
		}
		return ids;
	},
};

export const connection = {
	/** Who the credential signs in as (connectionData: `authenticatedUser` with id, account and display name). */
	async signedIn(ctx: RequestContext, organization: OrganizationTarget, call: CallOptions = {}): Promise<IDataObject> {
		const response = await azureDevOpsRequest.call(ctx, organization.credentialType, {
			method: 'GET',
			organizationUrl: organization.organizationUrl,
			path: path('_apis', 'connectionData'),
			route: ROUTES.connectionData,
			idempotent: true,
			...call,
		});
		return (response.body ?? {}) as IDataObject;
	},
};

export const comments = {
	/** Adds a comment to a work item's discussion; `format` markdown where the server has it. */
	async add(
		ctx: RequestContext,
		target: Target,
		workItemId: number,
		text: string,
		options: { format?: 'html' | 'markdown' } = {},
		call: CallOptions = {},
	): Promise<Comment & IDataObject> {
		const response = await azureDevOpsRequest.call(ctx, target.credentialType, {
			method: 'POST',
			organizationUrl: target.organizationUrl,
			path: path(target.project, '_apis', 'wit', 'workItems', workItemId, 'comments'),
			query: options.format ? { format: options.format } : {},
			body: { text },
			idempotent: false,
			route: ROUTES.comments,
			...call,
		});
		return response.body as Comment & IDataObject;
	},

	/** The comments of a work item, following the continuation token until `limit` (all when undefined). */
	async list(
		ctx: RequestContext,
		target: Target,
		workItemId: number,
		options: { limit?: number } = {},
		call: CallOptions = {},
	): Promise<Array<Comment & IDataObject>> {
		const result: Array<Comment & IDataObject> = [];
		let continuationToken: string | undefined;
		do {
			const query: IDataObject = {};
			if (continuationToken) query.continuationToken = continuationToken;
			if (options.limit !== undefined) query.$top = Math.min(200, options.limit - result.length);
			const response = await azureDevOpsRequest.call(ctx, target.credentialType, {
				method: 'GET',
				organizationUrl: target.organizationUrl,
				path: path(target.project, '_apis', 'wit', 'workItems', workItemId, 'comments'),
				query,
				route: ROUTES.comments,
				...call,
			});
			const page = (response.body ?? {}) as CommentList;
			result.push(...((page.comments ?? []) as Array<Comment & IDataObject>));
			continuationToken = page.continuationToken || response.headers['x-ms-continuationtoken'] || undefined;
		} while (continuationToken && (options.limit === undefined || result.length < options.limit));
		return options.limit === undefined ? result : result.slice(0, options.limit);
	},

	/** Replaces the text of a comment; `format` markdown where the server has it. */
	async update(
		ctx: RequestContext,
		target: Target,
		workItemId: number,
		commentId: number,
		text: string,
		options: { format?: 'html' | 'markdown' } = {},
		call: CallOptions = {},
	): Promise<Comment & IDataObject> {
		const response = await azureDevOpsRequest.call(ctx, target.credentialType, {
			method: 'PATCH',
			organizationUrl: target.organizationUrl,
			path: path(target.project, '_apis', 'wit', 'workItems', workItemId, 'comments', commentId),
			query: options.format ? { format: options.format } : {},
			body: { text },
			// Setting the same text again leaves the same comment: safe to resend.
			idempotent: true,
			route: ROUTES.comments,
			...call,
		});
		return response.body as Comment & IDataObject;
	},

	/** Deletes a comment (the service keeps it as deleted); deleting twice is refused with 404 by the service. */
	async delete(
		ctx: RequestContext,
		target: Target,
		workItemId: number,
		commentId: number,
		call: CallOptions = {},
	): Promise<void> {
		await azureDevOpsRequest.call(ctx, target.credentialType, {
			method: 'DELETE',
			organizationUrl: target.organizationUrl,
			path: path(target.project, '_apis', 'wit', 'workItems', workItemId, 'comments', commentId),
			idempotent: true,
			route: ROUTES.comments,
			...call,
		});
	},
};

export const types = {
	/** The work item types of the project. */
	async list(ctx: RequestContext, target: Target, call: CallOptions = {}): Promise<WorkItemType[]> {
		const response = await azureDevOpsRequest.call(ctx, target.credentialType, {
			method: 'GET',
			organizationUrl: target.organizationUrl,
			path: path(target.project, '_apis', 'wit', 'workitemtypes'),
			route: ROUTES.workItemTypes,
			...call,
		});
		return ((response.body as { value?: WorkItemType[] }).value ?? []) as WorkItemType[];
	},

	/** The fields of one work item type, with their types where the server reports them. */
	async fields(
		ctx: RequestContext,
		target: Target,
		type: string,
		call: CallOptions = {},
	): Promise<WorkItemTypeFieldWithReferences[]> {
		const response = await azureDevOpsRequest.call(ctx, target.credentialType, {
			method: 'GET',
			organizationUrl: target.organizationUrl,
			path: path(target.project, '_apis', 'wit', 'workitemtypes', type, 'fields'),
			query: { $expand: 'all' },
			route: ROUTES.typeFields,
			...call,
		});
		return (response.body as { value?: WorkItemTypeFieldWithReferences[] }).value ?? [];
	},
};

/** A link type of the organization (`usage` workItemLink links work items, resourceLink links a URL or file). */
export type RelationType = WorkItemRelationType & { referenceName: string; name: string; attributes?: IDataObject };

export const relationTypes = {
	/** The link types the organization defines (parent, child, related, duplicate, custom ones, hyperlink, ...). */
	async list(ctx: RequestContext, organization: OrganizationTarget, call: CallOptions = {}): Promise<RelationType[]> {
		const response = await azureDevOpsRequest.call(ctx, organization.credentialType, {
			method: 'GET',
			organizationUrl: organization.organizationUrl,
			path: path('_apis', 'wit', 'workitemrelationtypes'),
			route: ROUTES.relationTypes,
			...call,
		});
		return ((response.body as { value?: RelationType[] }).value ?? []).filter(
			(type) => typeof type.referenceName === 'string' && type.referenceName !== '',
		);
	},
};

/** Where an uploaded attachment is: its id and the URL an AttachedFile relation points at. */
export interface AttachmentReference {
	id: string;
	url: string;
}

/** Bytes sent per request in a chunked upload. */
export const ATTACHMENT_CHUNK_BYTES = 4 * 1024 * 1024;

export const attachments = {
	/**
	 * Uploads a file. Files larger than `chunkAbove` bytes go in chunks (Attachments - Create with uploadType=Chunked,
	 * then one Upload Chunk per `chunkBytes` with its Content-Range), as the service asks for large files.
	 */
	async upload(
		ctx: RequestContext,
		target: Target,
		fileName: string,
		bytes: Buffer,
		options: { chunkAbove?: number; chunkBytes?: number } = {},
		call: CallOptions = {},
	): Promise<AttachmentReference> {
		const base = path(target.project, '_apis', 'wit', 'attachments');
		const chunkAbove = options.chunkAbove ?? 130 * 1024 * 1024;
		if (bytes.length <= chunkAbove) {
			const response = await azureDevOpsRequest.call(ctx, target.credentialType, {
				method: 'POST',
				organizationUrl: target.organizationUrl,
				path: base,
				query: { fileName },
				body: bytes,
				contentType: 'application/octet-stream',
				// An attachment nobody links is harmless: sending the same file twice only leaves an unused copy.
				idempotent: true,
				route: ROUTES.attachments,
				...call,
			});
			return response.body as AttachmentReference;
		}
		const started = await azureDevOpsRequest.call(ctx, target.credentialType, {
			method: 'POST',
			organizationUrl: target.organizationUrl,
			path: base,
			query: { fileName, uploadType: 'Chunked' },
			body: Buffer.alloc(0),
			contentType: 'application/octet-stream',
			idempotent: true,
			route: ROUTES.attachments,
			...call,
		});
		const reference = started.body as AttachmentReference;
		const size = options.chunkBytes ?? ATTACHMENT_CHUNK_BYTES;
		let last: AttachmentReference = reference;
		for (let first = 0; first < bytes.length; first += size) {
			const chunk = bytes.subarray(first, Math.min(bytes.length, first + size));
			const response = await azureDevOpsRequest.call(ctx, target.credentialType, {
				method: 'PUT',
				organizationUrl: target.organizationUrl,
				path: path(target.project, '_apis', 'wit', 'attachments', reference.id),
				query: { fileName },
				body: chunk,
				contentType: 'application/octet-stream',
				headers: { 'Content-Range': `bytes ${first}-${first + chunk.length - 1}/${bytes.length}` },
				// A chunk says where it goes: a resent chunk is refused, never appended twice.
				idempotent: false,
				route: ROUTES.attachments,
				...call,
			});
			last = (response.body as AttachmentReference | undefined) ?? last;
		}
		return { id: reference.id, url: last.url ?? reference.url };
	},

	/** The bytes of an attachment. */
	async download(ctx: RequestContext, target: Target, id: string, fileName?: string, call: CallOptions = {}): Promise<Buffer> {
		const response = await azureDevOpsRequest.call(ctx, target.credentialType, {
			method: 'GET',
			organizationUrl: target.organizationUrl,
			path: path(target.project, '_apis', 'wit', 'attachments', id),
			query: { ...(fileName ? { fileName } : {}), download: true },
			binaryResponse: true,
			route: ROUTES.attachments,
			...call,
		});
		return response.body as Buffer;
	},
};

export const classificationNodes = {
	/**
	 * The project's area or iteration tree, `depth` levels below the root (iterations carry start and finish dates).
	 * Read through the root-nodes route, which every release describes and which returns both trees in one answer.
	 */
	async get(
		ctx: RequestContext,
		target: Target,
		group: 'areas' | 'iterations',
		options: { depth?: number } = {},
		call: CallOptions = {},
	): Promise<WorkItemClassificationNode> {
		const response = await azureDevOpsRequest.call(ctx, target.credentialType, {
			method: 'GET',
			organizationUrl: target.organizationUrl,
			path: path(target.project, '_apis', 'wit', 'classificationnodes'),
			query: { $depth: options.depth ?? 10 },
			route: ROUTES.classificationNodes,
			...call,
		});
		const roots = (response.body as { value?: Array<WorkItemClassificationNode & { structureType?: unknown }> }).value ?? [];
		// structureType is an enum: its name, or its number (area 0, iteration 1) from older servers.
		const wanted = group === 'areas' ? ['area', '0'] : ['iteration', '1'];
		return roots.find((root) => wanted.includes(String(root.structureType).toLowerCase())) ?? {};
	},
};

export const fields = {
	/** Every field of the project's process. */
	async list(ctx: RequestContext, target: Target, call: CallOptions = {}): Promise<WorkItemField[]> {
		const response = await azureDevOpsRequest.call(ctx, target.credentialType, {
			method: 'GET',
			organizationUrl: target.organizationUrl,
			path: path(target.project, '_apis', 'wit', 'fields'),
			route: ROUTES.fields,
			...call,
		});
		return (response.body as { value?: WorkItemField[] }).value ?? [];
	},
};

export const states = {
	/** The states of a work item type, in the process' order. */
	async list(ctx: RequestContext, target: Target, type: string, call: CallOptions = {}): Promise<WorkItemStateColor[]> {
		const response = await azureDevOpsRequest.call(ctx, target.credentialType, {
			method: 'GET',
			organizationUrl: target.organizationUrl,
			path: path(target.project, '_apis', 'wit', 'workitemtypes', type, 'states'),
			route: ROUTES.states,
			...call,
		});
		return (response.body as { value?: WorkItemStateColor[] }).value ?? [];
	},
};

export const projects = {
	/** The projects of an organization (up to `top`, 500 by default). */
	async list(
		ctx: RequestContext,
		organization: OrganizationTarget,
		options: { top?: number } = {},
		call: CallOptions = {},
	): Promise<TeamProjectReference[]> {
		const response = await azureDevOpsRequest.call(ctx, organization.credentialType, {
			method: 'GET',
			organizationUrl: organization.organizationUrl,
			path: path('_apis', 'projects'),
			query: { $top: options.top ?? 500 },
			route: ROUTES.projects,
			...call,
		});
		return (response.body as { value?: TeamProjectReference[] }).value ?? [];
	},

	/** One project by name or id. */
	async get(
		ctx: RequestContext,
		organization: OrganizationTarget,
		project: string,
		call: CallOptions = {},
	): Promise<TeamProjectReference> {
		const response = await azureDevOpsRequest.call(ctx, organization.credentialType, {
			method: 'GET',
			organizationUrl: organization.organizationUrl,
			path: path('_apis', 'projects', project),
			route: ROUTES.projects,
			...call,
		});
		return (response.body ?? {}) as TeamProjectReference;
	},
};

/** The most teams one page of the team list holds. */
const TEAMS_PER_PAGE = 100;

export const teams = {
	/** Every team of the project, the default team first where the service lists it first. */
	async list(ctx: RequestContext, target: Target, call: CallOptions = {}): Promise<WebApiTeam[]> {
		const all: WebApiTeam[] = [];
		for (let skip = 0; ; skip += TEAMS_PER_PAGE) {
			const response = await azureDevOpsRequest.call(ctx, target.credentialType, {
				method: 'GET',
				organizationUrl: target.organizationUrl,
				path: path('_apis', 'projects', target.project, 'teams'),
				query: { $top: TEAMS_PER_PAGE, $skip: skip },
				route: ROUTES.teams,
				...call,
			});
			const page = (response.body as { value?: WebApiTeam[] }).value ?? [];
			all.push(...page);
			if (page.length < TEAMS_PER_PAGE) return all;
		}
	},
};

export const teamIterations = {
	/**
	 * The iteration the team has selected that the service calls current today, or undefined when none is; the
	 * project's default team when `team` is not given.
	 */
	async current(
		ctx: RequestContext,
		target: Target,
		team: string | undefined,
		call: CallOptions = {},
	): Promise<TeamSettingsIteration | undefined> {
		const response = await azureDevOpsRequest.call(ctx, target.credentialType, {
			method: 'GET',
			organizationUrl: target.organizationUrl,
			path: team ? path(target.project, team, '_apis', 'work', 'teamsettings', 'iterations') : path(target.project, '_apis', 'work', 'teamsettings', 'iterations'),
			query: { $timeframe: 'current' },
			route: ROUTES.teamIterations,
			...call,
		});
		return (response.body as { value?: TeamSettingsIteration[] }).value?.[0];
	},
};

/** A service-hook subscription as the service returns it (the fields the trigger reads). */
export interface HookSubscription extends IDataObject {
	id: string;
	eventType?: string;
	publisherId?: string;
	consumerId?: string;
	consumerActionId?: string;
	publisherInputs?: IDataObject;
	consumerInputs?: IDataObject;
	status?: string;
}

export const subscriptions = {
	async get(ctx: RequestContext, organization: OrganizationTarget, id: string, call: CallOptions = {}): Promise<HookSubscription> {
		const response = await azureDevOpsRequest.call(ctx, organization.credentialType, {
			method: 'GET',
			organizationUrl: organization.organizationUrl,
			path: path('_apis', 'hooks', 'subscriptions', id),
			route: ROUTES.subscriptions,
			...call,
		});
		return response.body as HookSubscription;
	},

	async create(
		ctx: RequestContext,
		organization: OrganizationTarget,
		subscription: IDataObject,
		call: CallOptions = {},
	): Promise<HookSubscription> {
		const response = await azureDevOpsRequest.call(ctx, organization.credentialType, {
			method: 'POST',
			organizationUrl: organization.organizationUrl,
			path: path('_apis', 'hooks', 'subscriptions'),
			body: subscription,
			route: ROUTES.subscriptions,
			...call,
		});
		return response.body as HookSubscription;
	},

	/** Deleting twice is harmless (a lost answer may be resent). */
	async delete(ctx: RequestContext, organization: OrganizationTarget, id: string, call: CallOptions = {}): Promise<void> {
		await azureDevOpsRequest.call(ctx, organization.credentialType, {
			method: 'DELETE',
			organizationUrl: organization.organizationUrl,
			path: path('_apis', 'hooks', 'subscriptions', id),
			idempotent: true,
			route: ROUTES.subscriptions,
			...call,
		});
	},
};


function report(response: AzureDevOpsResponse<unknown>): WriteReport {
	return { attempts: response.attempts, rateLimit: response.rateLimit };
}
