/**
 * Update From Ticket: keeps the work item Create From Ticket made in step with its ticket. The ticket's work item is
 * found by the same reference (one search per batch, whose read also brings the fields to compare), the update map is
 * rendered, and only the fields whose value really differs are sent, guarded by `test /rev`: a ticket that did not
 * change costs no request beyond the search. A conflict is read again once and never overwritten silently.
 */
import type { IDataObject, IExecuteFunctions, INodeExecutionData } from 'n8n-workflow';
import { updateDisplayOptions } from 'n8n-workflow';

import { commentToWrite, readMarkComments, shouldMarkComment, stripEchoMarker } from '../../connector/echo';
import { ConnectorError } from '../../connector/errors';
import { changedFieldOperations, sameHtml } from '../../connector/fieldChanges';
import { commentTextAsHtml } from '../../connector/htmlFields';
import { normaliseTicketId, planTicketReference, ticketTag } from '../../connector/ticketReference';
import type { JsonPatchOperation } from '../../connector/types';
import { comments, isAzureDevOpsError, toNodeError, workItems, workItemWebUrl, type CallOptions, type WorkItem } from '../../transport';
import type { ItemResult } from '../types';
import { operationError } from '../target';
import { ConfigResolver, readOptions, showWarnings, type CreateOptions, type TargetConfig } from './createFromTicket/config';
import { runPool } from './createFromTicket/pool';
import { findExistingWorkItems, isAmbiguous, SUMMARY_FIELDS, ticketKey, type ExistingWorkItem } from './createFromTicket/lookup';
import {
	asError,
	firstPresent,
	itemError,
	nodeVariables,
	readPath,
	TICKET_ID_FIELDS,
	TICKET_URL_FIELDS,
} from './createFromTicket/ticket';
import { readTypeStates } from './operationHelpers';
import { properties } from './updateFromTicket/description';
import { attachedFileNames, attachmentRelations, readTicketFiles, type FileToAttach } from '../attachment/common';
import { withCurrentIteration } from './classification';
import { mapFieldValues } from './valueMaps';

export const description = updateDisplayOptions(
	{ show: { resource: ['workItem'], operation: ['updateFromTicket'] } },
	properties,
);

/** How many of the newest comments are compared with the ticket's message before it is added again. */
const COMMENTS_COMPARED = 20;

interface UpdateOptions extends CreateOptions {
	ifNoWorkItem: 'fail' | 'create';
}

/** One ticket, rendered: what its work item should look like. */
interface Plan {
	index: number;
	config: TargetConfig;
	ticketId: string;
	ticketUrl: string | null;
	/** The rendered field operations (the update map), before comparing with the work item. */
	fields: JsonPatchOperation[];
	/** The Azure DevOps state the ticket's state maps to, when a row of the state map applies. */
	state: string | undefined;
	/** The ticket's latest message, as the HTML of a comment, when the Comment Field has one. */
	comment: string | undefined;
	/** Whether the comment gets the connector's invisible marker (Options > Mark Comments as Written by the Connector). */
	markComment: boolean;
	/** The ticket's files (Options > Attachments), read and size-checked; only those not yet attached are sent. */
	files: FileToAttach[];
	dedupKey: string;
}

/** Updates the work item of every input ticket, keeping input order and pairing. */
export async function executeBatch(this: IExecuteFunctions, items: INodeExecutionData[]): Promise<ItemResult[]> {
	let options: UpdateOptions;
	try {
		const raw = this.getNodeParameter('options', 0, {}) as IDataObject;
		options = { ...readOptions(this), ifNoWorkItem: raw.ifNoWorkItem === 'create' ? 'create' : 'fail' };
	} catch (error) {
		throw operationError(this, error as ConnectorError, 0);
	}
	const continueOnFail = this.continueOnFail();
	const results: ItemResult[] = [];
	const resolver = new ConfigResolver(this, options, options.ifNoWorkItem === 'create');

	// 1. Every ticket rendered before any request: a faulty configuration sends nothing.
	const plans: Plan[] = [];
	for (let index = 0; index < items.length; index++) {
		try {
			plans.push(await prepare(this, resolver, options, items[index], index));
		} catch (error) {
			results[index] = { error: itemError(this, error, index) };
			if (!continueOnFail) return settled(results, items.length, continueOnFail);
		}
	}

	// 2. The work items of these tickets, with the fields to compare: one search per organization and project.
	const found = new Map<string, ExistingWorkItem | { error: Error }>();
	for (const group of groupByTarget(plans)) {
		const first = group[0];
		const compared = new Set<string>(['System.State']);
		for (const plan of group) for (const operation of plan.fields) compared.add(operation.path.slice('/fields/'.length));
		try {
			const hits = await findExistingWorkItems(
				this,
				first.config,
				[...new Set(group.map((plan) => plan.ticketId))],
				options.reference,
				options.retryAttempts,
				[...compared],
			);
			for (const plan of group) {
				const hit = hits.get(ticketKey(plan.ticketId, options.reference));
				if (hit) found.set(plan.dedupKey, hit);
			}
		} catch (error) {
			for (const plan of group) found.set(plan.dedupKey, { error: asError(error) });
		}
	}

	// 3. Several tickets at once (Concurrency, as in Create From Ticket), each ticket's items one after the other: a
	//    ticket given twice in a batch sees its own earlier update. Without Continue On Fail the first failure stops
	//    what has not started yet.
	const queues = new Map<string, Plan[]>();
	for (const plan of plans) {
		const queue = queues.get(plan.dedupKey);
		if (queue) queue.push(plan);
		else queues.set(plan.dedupKey, [plan]);
	}
	const tickets = [...queues.values()];
	let stop = false;
	await runPool(
		tickets.length,
		async (position) => {
			let known: WorkItem | undefined;
			for (const plan of tickets[position]) {
				if (stop) return;
				try {
					const hit = found.get(plan.dedupKey);
					if (hit && 'error' in hit) throw hit.error;
					if (hit && isAmbiguous(hit)) throw hit.ambiguous;
					known ??= hit as WorkItem | undefined;
					const outcome = known ? await updateOne(this, plan, options, known) : await createMissing(this, plan, options);
					known = outcome.workItem;
					results[plan.index] = [{ json: outcome.json, pairedItem: { item: plan.index } }];
				} catch (error) {
					results[plan.index] = { error: itemError(this, error, plan.index) };
					if (!continueOnFail) stop = true;
				}
			}
		},
		{ concurrency: options.concurrency, shouldStop: () => stop },
	);
	const settledResults = settled(results, items.length, continueOnFail);
	showWarnings(this, resolver.warnings(), settledResults);
	return settledResults;
}

async function prepare(
	context: IExecuteFunctions,
	resolver: ConfigResolver,
	options: UpdateOptions,
	item: INodeExecutionData,
	index: number,
): Promise<Plan> {
	const ticket = item.json ?? {};
	const config = await resolver.resolve(index);
	const idField = String(context.getNodeParameter('ticketIdField', index, '') ?? '').trim();
	const urlField = String(context.getNodeParameter('ticketUrlField', index, '') ?? '').trim();
	const stateField = String(context.getNodeParameter('ticketStateField', index, 'state') ?? '').trim() || 'state';
	const commentField = String(context.getNodeParameter('commentField', index, '') ?? '').trim();

	const rawId = idField ? readPath(ticket, idField) : firstPresent(ticket, TICKET_ID_FIELDS);
	const ticketId = normaliseTicketId(rawId, options.reference.mode);
	const rawUrl = urlField ? readPath(ticket, urlField) : firstPresent(ticket, TICKET_URL_FIELDS);
	const ticketUrl = typeof rawUrl === 'string' && rawUrl.trim() !== '' ? rawUrl.trim() : null;

	const map = config.updateMap ?? config.attributeMap;
	const rendered = map.render(ticket, nodeVariables(context, index));
	const mapped = await mapFieldValues(
		context,
		config,
		config.valueMap,
		rendered.patch.filter((operation) => operation.path.startsWith('/fields/')),
		index,
		() => config.workItemType ?? typeOfCreateMap(config, ticket),
	);
	const fields = await withCurrentIteration(context, config, mapped, index);

	const state = mapTicketState(context, index, readPath(ticket, stateField));
	const message = commentField ? readPath(ticket, commentField) : undefined;
	// Ticket text never carries the connector's marker into the comment: it is added (or not) when the comment is written.
	const comment =
		typeof message === 'string' && stripEchoMarker(message).trim() !== ''
			? commentTextAsHtml(stripEchoMarker(message))
			: typeof message === 'number'
				? String(message)
				: undefined;
	const target = `${config.credentialType}|${config.organizationUrl.toLowerCase()}|${config.project.toLowerCase()}`;
	const rawOptions = context.getNodeParameter('options', index, {}) as IDataObject;
	const files = await readTicketFiles(context, index, rawOptions);
	const markComment = shouldMarkComment(readMarkComments(rawOptions.markComments), config.credentialType);
	return {
		index,
		config,
		ticketId,
		ticketUrl,
		fields,
		state,
		comment,
		markComment,
		files,
		dedupKey: `${target}|${ticketKey(ticketId, options.reference)}`,
	};
}

/** The work item type the AttributeMap names, for the allowed values of a field (none when it cannot render). */
function typeOfCreateMap(config: TargetConfig, ticket: IDataObject): string | undefined {
	try {
		return config.attributeMap.render(ticket).workItemType;
	} catch {
		return undefined;
	}
}

/** The DevOps state of the Ticket State Map row for the ticket's state (any case), if a row applies. */
function mapTicketState(context: IExecuteFunctions, index: number, ticketState: unknown): string | undefined {
	const rows = context.getNodeParameter('stateMap.state', index, []) as Array<{ ticketState?: string; workItemState?: string }>;
	let mapped: string | undefined;
	for (const row of rows) {
		const from = String(row.ticketState ?? '').trim();
		const to = String(row.workItemState ?? '').trim();
		if (from === '' && to === '') continue;
		if (from === '' || to === '') {
			throw new ConnectorError('ticketStateMapInvalid', `A row maps "${from}" to "${to}".`, { field: 'Ticket State Map' });
		}
		if (mapped === undefined && ticketState !== undefined && ticketState !== null && typeof ticketState !== 'object') {
			if (from.toLowerCase() === String(ticketState).trim().toLowerCase()) mapped = to;
		}
	}
	return mapped;
}

interface Outcome {
	workItem: WorkItem;
	json: IDataObject;
}

/**
 * Sends what differs from `known` (the work item as last read), guarded by its revision. On a conflict the work item
 * is read once more and the difference computed again; a second conflict is AZDC-5101, never an overwrite.
 */
async function updateOne(
	context: IExecuteFunctions,
	plan: Plan,
	options: UpdateOptions,
	known: WorkItem,
): Promise<Outcome> {
	const call = { itemIndex: plan.index, retry: { maxAttempts: options.retryAttempts } };
	const keepTags = options.reference.mode === 'tag' ? [ticketTag(plan.ticketId, options.referenceInput)] : [];
	let workItem = known;
	let changed: string[] = [];
	const newFiles = await filesNotAttached(context, plan, workItem.id, call);
	let attachmentsSent: JsonPatchOperation[] | undefined;
	for (let attempt = 1; ; attempt++) {
		const changes = changedFieldOperations(plan.fields, workItem.fields ?? {}, { keepTags });
		const state = await stateChange(context, plan, workItem);
		if (state) changes.push(state);
		if (newFiles.length > 0 && !attachmentsSent) {
			const raw = context.getNodeParameter('options', plan.index, {}) as IDataObject;
			attachmentsSent = await attachmentRelations(context, plan.config, newFiles, plan.index, raw.chunkAboveMb);
		}
		if (attachmentsSent) changes.push(...attachmentsSent);
		if (changes.length === 0) break;
		const patch: JsonPatchOperation[] = [{ op: 'test', path: '/rev', value: workItem.rev }, ...changes];
		try {
			workItem = await workItems.update(
				context,
				plan.config,
				workItem.id,
				patch,
				{ bypassRules: options.bypassRules, suppressNotifications: options.suppressNotifications },
				call,
			);
			changed = changes.filter((op) => op.path.startsWith('/fields/')).map((op) => op.path.slice('/fields/'.length));
			break;
		} catch (error) {
			if (!isAzureDevOpsError(error, 'azureDevOpsConflict')) throw toNodeError(context.getNode(), error, plan.index);
			if (attempt >= 2) {
				throw operationError(
					context,
					new ConnectorError(
						'updateKeptConflicting',
						`Work item ${workItem.id} changed twice while ticket ${plan.ticketId} was being synced; nothing was overwritten.`,
						{ field: 'Ticket', details: { workItemId: workItem.id } },
					),
					plan.index,
				);
			}
			if (attachmentsSent && attachmentsSent.length > 0) {
				// The conflict may be our own update, whose answer was lost after Azure DevOps saved it: read the links
				// too, and send only the files that are still not linked (a link sent twice is refused, TF201035).
				workItem = await workItems.get(context, plan.config, workItem.id, { expand: 'all' }, call);
				attachmentsSent = stillUnlinked(attachmentsSent, workItem);
			} else {
				const fields = [...new Set([...SUMMARY_FIELDS, 'System.State', ...plan.fields.map((op) => op.path.slice(8))])];
				workItem = await workItems.get(context, plan.config, workItem.id, { fields }, call);
			}
		}
	}
	const comment = await addCommentOnce(context, plan, workItem.id, call);
	const json = output(plan, workItem, { updated: changed.length > 0 || !!attachmentsSent, changedFields: changed, created: false, comment });
	return { workItem, json: { ...json, attachedFiles: newFiles.map((file) => file.fileName) } };
}

/** The AttachedFile operations whose attachment the work item does not link yet (same attachment URL, any case). */
function stillUnlinked(operations: JsonPatchOperation[], workItem: WorkItem): JsonPatchOperation[] {
	const linked = new Set(
		((workItem.relations ?? []) as Array<{ rel?: string; url?: string }>)
			.filter((relation) => relation.rel === 'AttachedFile' && typeof relation.url === 'string')
			.map((relation) => String(relation.url).toLowerCase()),
	);
	return operations.filter((operation) => !linked.has(String((operation.value as { url?: unknown } | undefined)?.url ?? '').toLowerCase()));
}

/** The ticket's files the work item does not carry yet (by file name, any case); one read of its links when any. */
async function filesNotAttached(
	context: IExecuteFunctions,
	plan: Plan,
	workItemId: number,
	call: CallOptions,
): Promise<FileToAttach[]> {
	if (plan.files.length === 0) return [];
	const current = await workItems.get(context, plan.config, workItemId, { expand: 'relations' }, call);
	const attached = attachedFileNames((current.relations ?? []) as Array<{ rel?: string; url?: string; attributes?: Record<string, unknown> }>);
	return plan.files.filter((file) => !attached.has(file.fileName.toLowerCase()));
}

/** The state change the ticket's state asks for, checked against the states of the work item's type. */
async function stateChange(context: IExecuteFunctions, plan: Plan, workItem: WorkItem): Promise<JsonPatchOperation | undefined> {
	if (plan.state === undefined) return undefined;
	const currentState = String(workItem.fields?.['System.State'] ?? '');
	if (currentState.toLowerCase() === plan.state.toLowerCase()) return undefined;
	const type = String(workItem.fields?.['System.WorkItemType'] ?? '');
	const allowed = type === '' ? null : await readTypeStates(context, plan.config, type, plan.index);
	const match = allowed?.find((state) => state.name.toLowerCase() === plan.state?.toLowerCase());
	if (allowed && !match) {
		throw new ConnectorError(
			'targetStateNotValidForType',
			`"${plan.state}" is not a state of ${type} (its states: ${allowed.map((state) => state.name).join(', ')}).`,
			{ field: 'Ticket State Map' },
		);
	}
	if (match && match.name.toLowerCase() === currentState.toLowerCase()) return undefined;
	return { op: 'add', path: '/fields/System.State', value: match?.name ?? plan.state };
}

/** Adds the ticket's message unless one of the newest comments already holds it (a re-run adds nothing). */
async function addCommentOnce(
	context: IExecuteFunctions,
	plan: Plan,
	workItemId: number,
	call: { itemIndex: number },
): Promise<IDataObject | null> {
	if (plan.comment === undefined) return null;
	const recent = await comments.list(context, plan.config, workItemId, { limit: COMMENTS_COMPARED }, call);
	const text = plan.comment;
	// Compared without the marker: a comment written before with (or without) it still says the same.
	if (recent.some((comment) => sameHtml(stripEchoMarker(String(comment.text ?? '')), text))) return null;
	const added = await comments.add(context, plan.config, workItemId, commentToWrite(text, plan.markComment), { format: 'html' }, call);
	return { id: added.id ?? null, text: stripEchoMarker(String(added.text ?? plan.comment)) };
}

/** A ticket without a work item: AZDC-5100, or (option) the work item created as Create From Ticket would. */
async function createMissing(context: IExecuteFunctions, plan: Plan, options: UpdateOptions): Promise<Outcome> {
	if (options.ifNoWorkItem !== 'create') {
		throw new ConnectorError(
			'ticketHasNoWorkItem',
			`No work item in ${plan.config.project} carries ticket ${plan.ticketId}.`,
			{ field: 'Ticket' },
		);
	}
	const ticket = context.getInputData()[plan.index]?.json ?? {};
	const rendered = plan.config.attributeMap.render(ticket, nodeVariables(context, plan.index));
	const workItemType = (plan.config.workItemType ?? rendered.workItemType ?? '').trim();
	if (workItemType === '') {
		throw new ConnectorError('workItemTypeUnresolved', 'The work item type is empty for this ticket.', {
			field: 'System.WorkItemType',
		});
	}
	const fields = await withCurrentIteration(
		context,
		plan.config,
		await mapFieldValues(context, plan.config, plan.config.valueMap, rendered.patch, plan.index, () => workItemType),
		plan.index,
	);
	const { patch } = planTicketReference({ id: plan.ticketId, url: plan.ticketUrl }, options.referenceInput, fields);
	if (plan.state !== undefined) patch.push({ op: 'add', path: '/fields/System.State', value: plan.state });
	const raw = context.getNodeParameter('options', plan.index, {}) as IDataObject;
	patch.push(...(await attachmentRelations(context, plan.config, plan.files, plan.index, raw.chunkAboveMb)));
	const { workItem } = await workItems.create(
		context,
		plan.config,
		workItemType,
		patch,
		{ bypassRules: options.bypassRules, suppressNotifications: options.suppressNotifications },
		{ itemIndex: plan.index, retry: { maxAttempts: options.retryAttempts } },
	);
	const comment = await addCommentOnce(context, plan, workItem.id, { itemIndex: plan.index });
	return { workItem, json: output(plan, workItem, { updated: false, changedFields: [], created: true, comment }) };
}

function output(
	plan: Plan,
	workItem: WorkItem,
	facts: { updated: boolean; changedFields: string[]; created: boolean; comment: IDataObject | null },
): IDataObject {
	const fields = workItem.fields ?? {};
	const project = (fields['System.TeamProject'] as string | undefined) ?? plan.config.project;
	return {
		id: workItem.id,
		rev: workItem.rev ?? null,
		webUrl: workItemWebUrl(plan.config, project, workItem.id),
		workItemType: (fields['System.WorkItemType'] as string | undefined) ?? null,
		state: (fields['System.State'] as string | undefined) ?? null,
		title: (fields['System.Title'] as string | undefined) ?? null,
		project,
		ticket: { id: plan.ticketId, url: plan.ticketUrl },
		updated: facts.updated,
		changedFields: facts.changedFields,
		created: facts.created,
		commented: facts.comment !== null,
		comment: facts.comment,
	};
}

function groupByTarget(plans: Plan[]): Plan[][] {
	const groups = new Map<string, Plan[]>();
	for (const plan of plans) {
		const key = `${plan.config.credentialType}|${plan.config.organizationUrl.toLowerCase()}|${plan.config.project.toLowerCase()}`;
		const group = groups.get(key);
		if (group) group.push(plan);
		else groups.set(key, [plan]);
	}
	return [...groups.values()];
}

/**
 * One result per input item, positions kept (the router pairs by position); the results end at the first failure,
 * where the router stops without Continue On Fail. Items that never ran have no output.
 */
/**
 * One result per input item, in order. Without Continue On Fail the output ends at the first failure (the router throws
 * it); with it, every item keeps its result (an item never reached gets none).
 */
function settled(results: ItemResult[], length: number, continueOnFail: boolean): ItemResult[] {
	const out: ItemResult[] = [];
	for (let index = 0; index < length; index++) {
		const result = results[index];
		out.push(result ?? []);
		if (!continueOnFail && result !== undefined && !Array.isArray(result)) break;
	}
	return out;
}
