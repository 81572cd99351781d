/**
 * Create From Ticket: one work item per ticket, rendered from the AttributeMap, linked back to the ticket and marked
 * with its reference, in one request per ticket. Tickets already carrying a work item are found with one search per
 * batch, not one per ticket. Many tickets run through a small pool that slows down when Azure DevOps throttles.
 */
import type { IDataObject, IExecuteFunctions, INodeExecutionData } from 'n8n-workflow';
import { NodeOperationError, updateDisplayOptions } from 'n8n-workflow';

import { ConnectorError } from '../../connector/errors';
import { normaliseTicketId, planTicketReference } from '../../connector/ticketReference';
import type { JsonPatchOperation } from '../../connector/types';
import { errorCodeOf, isAzureDevOpsError, workItems, workItemWebUrl } from '../../transport';
import type { ItemResult } from '../types';
import { operationError } from '../target';
import { ConfigResolver, readOptions, showWarnings, type CreateOptions, type TargetConfig } from './createFromTicket/config';
import { properties } from './createFromTicket/description';
import {
	findExistingWorkItems,
	isAmbiguous,
	ticketKey,
	type ExistingWorkItem,
	type WorkItemSummary,
} from './createFromTicket/lookup';
import { runPool, type PoolSignal } from './createFromTicket/pool';
import { attachmentRelations, readTicketFiles, type FileToAttach } from '../attachment/common';
import { withCurrentIteration } from './classification';
import { mapFieldValues } from './valueMaps';
import {
	asError,
	firstPresent,
	itemError,
	nodeVariables,
	readPath,
	TICKET_ID_FIELDS,
	TICKET_URL_FIELDS,
} from './createFromTicket/ticket';

export const description = updateDisplayOptions(
	{ show: { resource: ['workItem'], operation: ['createFromTicket'] } },
	properties,
);

/** One ticket that is ready to be sent: where, which type, and the complete JSON Patch. */
interface Plan {
	index: number;
	config: TargetConfig;
	ticketId: string;
	ticketUrl: string | null;
	workItemType: string;
	patch: JsonPatchOperation[];
	/** Coded warnings about the patch (AZDC-1092: a rendered tag named another ticket and was left out). */
	warnings: string[];
	/** Identity of the ticket within its organization and project, for the duplicate check. */
	dedupKey: string;
	/** The ticket's files (Options > Attachments), read and size-checked; uploaded just before the create. */
	files: FileToAttach[];
	/** The AttachedFile relations of the uploaded files, kept so that a resent create does not upload again. */
	attachments?: JsonPatchOperation[];
}

interface CreatedResult {
	json: IDataObject;
	created: boolean;
}

type Outcome = { ok: CreatedResult } | { error: Error };

/** Creates one work item per input ticket (or finds the existing one), keeping input order and pairing. */
export async function executeBatch(this: IExecuteFunctions, items: INodeExecutionData[]): Promise<ItemResult[]> {
	let options: CreateOptions;
	try {
		options = readOptions(this);
	} catch (error) {
		// Only coded faults come out of the options (ticket reference mode, prefix, field).
		throw operationError(this, error as ConnectorError, 0);
	}
	const resolver = new ConfigResolver(this, options);
	const results = await createAll(this, items, options, resolver);
	showWarnings(this, resolver.warnings(), results);
	return results;
}

async function createAll(
	context: IExecuteFunctions,
	items: INodeExecutionData[],
	options: CreateOptions,
	resolver: ConfigResolver,
): Promise<ItemResult[]> {
	const continueOnFail = context.continueOnFail();
	const results: Array<ItemResult | undefined> = new Array<ItemResult | undefined>(items.length).fill(undefined);

	// 1. Every item's configuration and patch, before any request: invalid settings fail with all their faults and
	//    nothing is sent.
	const plans: Plan[] = [];
	for (let index = 0; index < items.length; index++) {
		try {
			const prepared = await prepare(context, resolver, options, items[index], index);
			if ('skipped' in prepared) results[index] = [{ json: prepared.skipped, pairedItem: { item: index } }];
			else plans.push(prepared);
		} catch (error) {
			results[index] = { error: itemError(context, error, index) };
			if (!continueOnFail) return settled(results);
		}
	}

	// 2. Existing work items of these tickets: one search per organization and project for the whole batch.
	const outcomes = new Map<number, Outcome>();
	const existing = new Map<string, ExistingWorkItem>();
	if (options.ifExists !== 'createAnyway') {
		for (const group of groupByTarget(plans)) {
			const first = group[0];
			try {
				const found = await findExistingWorkItems(
					context,
					first.config,
					uniqueTicketIds(group),
					options.reference,
					options.retryAttempts,
				);
				for (const plan of group) {
					const hit = found.get(ticketKey(plan.ticketId, options.reference));
					if (hit) existing.set(plan.dedupKey, hit);
				}
			} catch (error) {
				for (const plan of group) outcomes.set(plan.index, { error: asError(error) });
				if (!continueOnFail) return finish(context, results, plans, outcomes);
			}
		}
	}

	// 3. What remains to create: the first plan of each ticket without a work item. A ticket given twice in one run is
	//    created once; its later items report that work item (unless "Create Another" is chosen).
	const toCreate: Plan[] = [];
	const firstOfTicket = new Map<string, Plan>();
	for (const plan of plans) {
		if (outcomes.has(plan.index)) continue;
		const hit = existing.get(plan.dedupKey);
		if (hit && isAmbiguous(hit)) {
			outcomes.set(plan.index, { error: itemError(context, hit.ambiguous, plan.index) });
			continue;
		}
		if (hit) {
			outcomes.set(
				plan.index,
				options.ifExists === 'fail'
					? { error: alreadyExists(context, plan, hit.id) }
					: {
							ok: {
								json: {
									...summaryOutput(plan, hit, false),
									existing: true,
									reason: `Ticket ${plan.ticketId} already has work item ${hit.id}; nothing was created.`,
								},
								created: false,
							},
						},
			);
			continue;
		}
		if (options.ifExists !== 'createAnyway' && firstOfTicket.has(plan.dedupKey)) continue;
		firstOfTicket.set(plan.dedupKey, plan);
		toCreate.push(plan);
	}

	// Without Continue On Fail a ticket that already failed (e.g. AZDC-5011) ends the run: create nothing more.
	let stop = !continueOnFail && [...outcomes.values()].some((outcome) => 'error' in outcome);
	await runPool(
		toCreate.length,
		async (position, report) => {
			const plan = toCreate[position];
			const outcome = await createWithRecovery(context, plan, options, report);
			if ('error' in outcome && !continueOnFail) stop = true;
			outcomes.set(plan.index, outcome);
			return outcome;
		},
		{ concurrency: options.concurrency, shouldStop: () => stop },
	);

	// Later items of a ticket created in this run.
	for (const plan of plans) {
		if (outcomes.has(plan.index)) continue;
		const first = firstOfTicket.get(plan.dedupKey);
		const firstOutcome = first ? outcomes.get(first.index) : undefined;
		if (!first || !firstOutcome) continue;
		if ('error' in firstOutcome) {
			outcomes.set(plan.index, { error: firstOutcome.error });
		} else if (options.ifExists === 'fail') {
			outcomes.set(plan.index, { error: alreadyExists(context, plan, Number(firstOutcome.ok.json.id)) });
		} else {
			const json = firstOutcome.ok.json;
			const reason = firstOutcome.ok.created
				? `Ticket ${plan.ticketId}'s work item ${String(json.id)} was created by input item ${first.index} of this run; nothing more was created.`
				: json.reason;
			outcomes.set(plan.index, { ok: { json: { ...json, created: false, existing: json.existing === true || firstOutcome.ok.created, reason }, created: false } });
		}
	}

	return finish(context, results, plans, outcomes);
}

/** Reads, checks and renders one ticket; returns its plan or the skipped item when it is not in BeginState. */
async function prepare(
	context: IExecuteFunctions,
	resolver: ConfigResolver,
	options: CreateOptions,
	item: INodeExecutionData,
	index: number,
): Promise<Plan | { skipped: IDataObject }> {
	const ticket = item.json ?? {};
	const config = await resolver.resolve(index);

	const idField = String(context.getNodeParameter('ticketIdField', index, '') ?? '').trim();
	const urlField = String(context.getNodeParameter('ticketUrlField', index, '') ?? '').trim();
	const stateField = String(context.getNodeParameter('ticketStateField', index, 'state') ?? '').trim() || 'state';

	const rawId = idField ? readPath(ticket, idField) : firstPresent(ticket, TICKET_ID_FIELDS);
	const ticketId = normaliseTicketId(rawId, options.reference.mode);
	const rawUrl = urlField ? readPath(ticket, urlField) : firstPresent(ticket, TICKET_URL_FIELDS);
	const ticketUrl = typeof rawUrl === 'string' && rawUrl.trim() !== '' ? rawUrl.trim() : null;

	if (options.onlyInBeginState && config.beginState !== undefined) {
		const state = readPath(ticket, stateField);
		if (state === undefined || state === null || typeof state === 'object') {
			throw new ConnectorError('ticketStateMissing', `The ticket has no value at "${stateField}".`, {
				field: 'Ticket State Field',
			});
		}
		if (String(state).trim().toLowerCase() !== config.beginState.trim().toLowerCase()) {
			return {
				skipped: itemOfShape({
					project: config.project,
					ticket: { id: ticketId, url: ticketUrl },
					skipped: true,
					reason: `The ticket's state "${String(state)}" is not the BeginState "${config.beginState}"; nothing was sent.`,
				}),
			};
		}
	}

	const rendered = config.attributeMap.render(ticket, nodeVariables(context, index));
	const workItemType = (config.workItemType ?? rendered.workItemType ?? '').trim();
	if (workItemType === '') {
		throw new ConnectorError('workItemTypeUnresolved', 'The work item type is empty for this ticket.', {
			field: 'System.WorkItemType',
		});
	}
	const mapped = await mapFieldValues(context, config, config.valueMap, rendered.patch, index, () => workItemType);
	const fields = await withCurrentIteration(context, config, mapped, index);
	const { patch, warnings } = planTicketReference({ id: ticketId, url: ticketUrl }, options.referenceInput, fields);
	const target = `${config.credentialType}|${config.organizationUrl.toLowerCase()}|${config.project.toLowerCase()}`;
	const files = await readTicketFiles(context, index, context.getNodeParameter('options', index, {}) as IDataObject);
	return {
		index,
		config,
		ticketId,
		ticketUrl,
		workItemType,
		patch,
		warnings,
		files,
		dedupKey: `${target}|${ticketKey(ticketId, options.reference)}`,
	};
}

/**
 * Sends the create. When the connection broke after sending (AZDC-4014), the work item may exist: look it up by the
 * ticket reference, report it when found, and send the create again only when it is not there. The answer to that
 * create may be lost too, so this repeats (up to Retry Attempts creates): an item is reported failed only after a
 * lookup found no work item, or with AZDC-4014 itself when even the lookup could not be made.
 */
async function createWithRecovery(
	context: IExecuteFunctions,
	plan: Plan,
	options: CreateOptions,
	report: (signal: PoolSignal) => void,
): Promise<Outcome> {
	let lost: unknown;
	for (let attempt = 1; attempt <= options.retryAttempts; attempt++) {
		try {
			return { ok: await sendCreate(context, plan, options, report) };
		} catch (error) {
			if (!isAzureDevOpsError(error, 'requestOutcomeUnknown') || options.validateOnly) {
				return { error: describeFailure(plan, error) };
			}
			lost = error;
		}
		let found: Map<string, ExistingWorkItem>;
		try {
			found = await findExistingWorkItems(context, plan.config, [plan.ticketId], options.reference, options.retryAttempts);
		} catch {
			// Whether the work item exists is unknown: say so (AZDC-4014) rather than pass on the lookup's own failure.
			return { error: describeFailure(plan, lost) };
		}
		const hit = found.get(ticketKey(plan.ticketId, options.reference));
		if (hit && isAmbiguous(hit)) return { error: itemError(context, hit.ambiguous, plan.index) };
		if (hit) return { ok: { json: withWarnings(plan, summaryOutput(plan, hit, true)), created: true } };
	}
	return { error: describeFailure(plan, lost) };
}

async function sendCreate(
	context: IExecuteFunctions,
	plan: Plan,
	options: CreateOptions,
	report: (signal: PoolSignal) => void,
): Promise<CreatedResult> {
	if (plan.files.length > 0 && !plan.attachments && !options.validateOnly) {
		const raw = context.getNodeParameter('options', plan.index, {}) as IDataObject;
		plan.attachments = await attachmentRelations(context, plan.config, plan.files, plan.index, raw.chunkAboveMb);
	}
	const { workItem: body, attempts, rateLimit } = await workItems.create(
		context,
		plan.config,
		plan.workItemType,
		[...plan.patch, ...(plan.attachments ?? [])],
		{ validateOnly: options.validateOnly, bypassRules: options.bypassRules, suppressNotifications: options.suppressNotifications },
		{ retry: { maxAttempts: options.retryAttempts }, itemIndex: plan.index },
	);
	report({ attempts, ...rateLimit });
	if (options.validateOnly) {
		// Azure DevOps checked the work item but saved nothing: there is no id or address to report.
		const json = withWarnings(plan, workItemOutput(plan, body, false));
		return {
			json: {
				...json,
				id: null,
				url: null,
				webUrl: null,
				rev: null,
				validateOnly: true,
				reason: 'Validate Only: Azure DevOps checked the work item and saved nothing.',
			},
			created: false,
		};
	}
	return { json: withWarnings(plan, workItemOutput(plan, body, true)), created: true };
}

function workItemOutput(plan: Plan, body: IDataObject, created: boolean): IDataObject {
	const fields = (body.fields ?? {}) as IDataObject;
	const id = typeof body.id === 'number' ? body.id : null;
	const links = body._links as { html?: { href?: unknown } } | undefined;
	const project = (fields['System.TeamProject'] as string | undefined) ?? plan.config.project;
	return itemOfShape({
		id,
		url: typeof body.url === 'string' ? body.url : null,
		webUrl:
			typeof links?.html?.href === 'string'
				? links.html.href
				: id !== null
					? workItemWebUrl(plan.config, project, id)
					: null,
		rev: typeof body.rev === 'number' ? body.rev : null,
		workItemType: (fields['System.WorkItemType'] as string | undefined) ?? plan.workItemType,
		state: (fields['System.State'] as string | undefined) ?? null,
		title: (fields['System.Title'] as string | undefined) ?? null,
		project,
		created,
		ticket: { id: plan.ticketId, url: plan.ticketUrl },
	});
}

/**
 * Every item Create From Ticket outputs has the same keys, whether the work item was created, already existed, or the
 * ticket was skipped, so that n8n's Table view shows no holes; `reason` says why nothing was created (null when it was).
 */
function itemOfShape(values: IDataObject): IDataObject {
	return {
		id: null,
		url: null,
		webUrl: null,
		rev: null,
		workItemType: null,
		state: null,
		title: null,
		project: null,
		created: false,
		existing: false,
		skipped: false,
		validateOnly: false,
		reason: null,
		// Coded findings about this item (AZDC-1092); on an n8n without execution hints, the settings' warnings too.
		warnings: [],
		ticket: null,
		...values,
	};
}

/** The plan's warnings, on the output of a work item this run wrote (not on one found from an earlier run). */
function withWarnings(plan: Plan, json: IDataObject): IDataObject {
	return { ...json, warnings: [...plan.warnings] };
}

function summaryOutput(plan: Plan, item: WorkItemSummary, created: boolean): IDataObject {
	return workItemOutput(plan, item as unknown as IDataObject, created);
}

/** Fills the per-item results from the outcomes; without Continue On Fail, the first failure names what was created. */
function finish(
	context: IExecuteFunctions,
	results: Array<ItemResult | undefined>,
	plans: Plan[],
	outcomes: Map<number, Outcome>,
): ItemResult[] {
	for (const plan of plans) {
		const outcome = outcomes.get(plan.index);
		if (!outcome) continue;
		results[plan.index] =
			'error' in outcome ? { error: outcome.error } : [{ json: outcome.ok.json, pairedItem: { item: plan.index } }];
	}
	if (context.continueOnFail()) return settled(results, false);

	const firstFailure = results.findIndex((result) => result !== undefined && !Array.isArray(result));
	if (firstFailure === -1) return settled(results);
	const createdItems = plans
		.map((plan) => outcomes.get(plan.index))
		.filter((outcome): outcome is { ok: CreatedResult } => outcome !== undefined && 'ok' in outcome && outcome.ok.created)
		.map((outcome) => outcome.ok.json);
	if (createdItems.length > 0) {
		const failure = results[firstFailure] as { error: unknown };
		failure.error = withCreatedList(context, failure.error, createdItems, firstFailure);
	}
	return settled(results);
}

/**
 * One result per input item, positions kept (the router pairs by position). Without Continue On Fail the router stops
 * at the first failure, so the results end there; items that never ran (the run stopped) have no output.
 */
function settled(results: Array<ItemResult | undefined>, stopAtFailure = true): ItemResult[] {
	const out: ItemResult[] = [];
	for (const result of results) {
		out.push(result ?? []);
		if (stopAtFailure && result !== undefined && !Array.isArray(result)) break;
	}
	return out;
}

/** Adds the work items created in this run to the error that stops it, so none is lost silently. */
function withCreatedList(
	context: IExecuteFunctions,
	error: unknown,
	createdItems: IDataObject[],
	itemIndex: number,
): NodeOperationError {
	const list = createdItems
		.map((json) => `${String(json.id)} (ticket ${String((json.ticket as IDataObject | undefined)?.id ?? '?')})`)
		.join(', ');
	const original = asError(error);
	const code = errorCodeOf(error);
	const note = `Already created in this run and kept: work item${createdItems.length === 1 ? '' : 's'} ${list}.`;
	const wrapped = new NodeOperationError(context.getNode(), `${original.message}\n${note}`, {
		description: `${(original as { description?: string }).description ?? ''}\n${note}`.trim(),
		itemIndex,
	});
	const originalContext = (original as { context?: IDataObject }).context ?? {};
	Object.assign(wrapped.context, originalContext, {
		code,
		createdWorkItems: createdItems.map((json) => ({ id: json.id, ticket: json.ticket, webUrl: json.webUrl })),
	});
	return wrapped;
}


/** The transport's error for a create, with the ticket and the rejected field (when the service names one) added. */
function describeFailure(plan: Plan, error: unknown): Error {
	const failure = asError(error);
	const holder = failure as { context?: IDataObject; description?: string | null };
	const field = fieldNamedIn(failure.message, plan.patch);
	if (holder.context) {
		holder.context.itemIndex = plan.index;
		holder.context.ticketId = plan.ticketId;
		if (field) holder.context.field = field;
	}
	if (field && !failure.message.includes(`Field ${field}`)) {
		holder.description = `Field ${field} (input item ${plan.index}, ticket ${plan.ticketId}). ${holder.description ?? ''}`.trim();
	}
	return failure;
}

/** The field of the patch that Azure DevOps' message names, if any (its messages quote reference or display names). */
function fieldNamedIn(message: string, patch: JsonPatchOperation[]): string | undefined {
	const lower = message.toLowerCase();
	for (const operation of patch) {
		if (!operation.path.startsWith('/fields/')) continue;
		const name = operation.path.slice('/fields/'.length);
		if (lower.includes(name.toLowerCase())) return name;
	}
	return undefined;
}

function alreadyExists(context: IExecuteFunctions, plan: Plan, id: number): Error {
	return itemError(
		context,
		new ConnectorError(
			'workItemAlreadyExists',
			`Ticket ${plan.ticketId} already has work item ${id} in ${plan.config.project}.`,
			{ field: 'Ticket', details: { workItemId: id } },
		),
		plan.index,
	);
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

function uniqueTicketIds(plans: Plan[]): string[] {
	return [...new Set(plans.map((plan) => plan.ticketId))];
}
