/**
 * One service-hook delivery, start to finish: authenticate, parse, filter, drop repeats, map the state, find the ticket
 * and emit one item. Every answer that starts no execution is written here with a status and a JSON body
 * `{ code, message }` (or `{ accepted: false, reason }` for a delivery that is fine but not wanted), and nothing
 * thrown inside escapes: n8n would turn it into a 500 and Azure DevOps would retry a delivery that cannot succeed.
 */
import type { IBinaryKeyData, IDataObject, IWebhookFunctions, IWebhookResponseData } from 'n8n-workflow';

import { projectOfProjectUrl } from '../connector/azureDevOpsUrl';
import { checkDelivery, commentKey, recordDelivery, workItemKey, type DedupVerdict, type DeliveryIdentity } from '../connector/dedup';
import { parseDeliveryBody, parseServiceHookDelivery, splitTags, type ParsedDelivery } from '../connector/delivery';
import { echoReason } from '../connector/echo';
import { ConnectorError, ERROR_CATALOGUE, formatErrorMessage } from '../connector/errors';
import { mapDevOpsState } from '../connector/stateMap';
import { readTicketReference, type TicketReference } from '../connector/ticketReference';
import type { WorkItemRelation } from '../connector/types';
import { errorCodeOf, resolveTarget, workItems, type AzureDevOpsCredentialType } from '../transport';
import {
	configurationFault,
	deliveryAuthenticationOf,
	deliveryConfig,
	triggerSettingsWarnings,
	type TriggerConfig,
} from './config';
import { downloadEventFiles, filesOfEvent } from './attachments';
import { buildOutputItem, ticketOutput } from './output';
import { ownIdentityOf } from './ownIdentity';
import { dedupKeyOf, dedupStateOf, latestDedupState, storeDedupState } from './state';
import { VERIFIER_KEY } from './secretVerifier';
import { authenticateDelivery, nodeKeyOf, UNAUTHENTICATED_ANSWER, type AuthResult } from './webhookAuth';

interface FetchedWorkItem {
	id?: number;
	rev?: number;
	fields?: Record<string, unknown>;
	relations?: WorkItemRelation[];
}

function reply(context: IWebhookFunctions, status: number, body: IDataObject): IWebhookResponseData {
	const response = context.getResponseObject();
	response.status(status).json(body);
	return { noWebhookResponse: true };
}

function replyError(context: IWebhookFunctions, error: ConnectorError, status?: number): IWebhookResponseData {
	return reply(context, status ?? error.httpStatus ?? 400, { code: error.code, message: error.message });
}

function ignored(context: IWebhookFunctions, reason: string, extra: IDataObject = {}): IWebhookResponseData {
	// 200, so that Azure DevOps neither retries nor puts the subscription on probation.
	return reply(context, 200, { received: true, accepted: false, reason, ...extra });
}

/** Events that never change the work item's state: a mapped state on them is one the work item was already in. */
const STATELESS_EVENTS: ReadonlySet<string> = new Set(['workitem.commented', 'workitem.deleted', 'workitem.restored']);

/** The trigger's webhook(): never throws. */
export async function handleDelivery(this: IWebhookFunctions): Promise<IWebhookResponseData> {
	try {
		return await processDelivery(this);
	} catch (error) {
		const spec = ERROR_CATALOGUE.webhookConfigurationInvalid;
		const fault = configurationFault(error);
		const message = fault
			? fault.message
			: formatErrorMessage(spec.code, undefined, 'The delivery could not be processed because of an internal error.', spec.fix);
		this.logger.error(`Azure DevOps Connector Trigger: ${message}`);
		try {
			return reply(this, spec.httpStatus, { code: fault ? fault.code : spec.code, message });
		} catch {
			return { noWebhookResponse: true };
		}
	}
}

async function processDelivery(context: IWebhookFunctions): Promise<IWebhookResponseData> {
	// 1. Who sent it, before anything else is read: one parameter (how deliveries authenticate) and the secret's
	//    verifier. Every refusal is the same answer, whatever the configuration.
	const node = context.getNode();
	const workflowId = context.getWorkflow().id;
	const nodeKey = nodeKeyOf(workflowId, node);
	const staticData = context.getWorkflowStaticData('node');
	const mode = deliveryAuthenticationOf(context);
	const checked = mode === undefined ? { ok: false } : authenticateDelivery(context, mode, node, nodeKey, staticData);
	const auth: AuthResult = checked instanceof Promise ? await checked : checked;
	if (!auth.ok) return reply(context, 401, { ...UNAUTHENTICATED_ANSWER });

	// The configuration, computed once per set of parameters; a fault is told only to a caller who authenticated.
	const outcome = deliveryConfig(context, nodeKey);
	if (!outcome.ok) {
		if (outcome.fresh) context.logger.error(`Azure DevOps Connector Trigger: ${outcome.message}`);
		return reply(context, ERROR_CATALOGUE.webhookConfigurationInvalid.httpStatus, { code: outcome.code, message: outcome.message });
	}
	const config = outcome.config;

	// 2. What it is.
	let delivery: ParsedDelivery;
	try {
		delivery = parseServiceHookDelivery(parseDeliveryBody(rawBodyOf(context)));
	} catch (error) {
		const connectorError =
			error instanceof ConnectorError
				? error
				: new ConnectorError('deliveryMalformed', 'The body could not be read.', { field: 'body' });
		return replyError(context, connectorError, connectorError.httpStatus ?? 400);
	}

	if (!config.events.includes(delivery.eventType)) {
		return ignored(context, `The trigger does not listen to ${delivery.eventType} events.`);
	}

	// 3. The connector's own changes (echo loops), told apart from what the delivery carries alone: no request.
	const echo = echoReason(
		{ eventType: delivery.eventType, comment: delivery.comment, author: delivery.author, changedFields: delivery.changedFields },
		{ mode: config.echo.mode, own: ownIdentityOf(staticData), listed: config.echo.listed },
	);

	// 4. Repeats and stale revisions, before any request is spent on them. A comment is known by the revision it made.
	const isComment = delivery.eventType === 'workitem.commented' && delivery.revision !== null;
	const identity: DeliveryIdentity = {
		notificationId: isComment ? commentKey(delivery.workItemId, delivery.revision as number) : delivery.notificationId,
		workItemKey: workItemKey(delivery.eventType, delivery.workItemId),
		revision: delivery.revision,
	};
	// The editor's test URL keeps to static data alone: its deliveries must not count as seen for the production URL.
	const liveKey = context.getMode() === 'manual' ? undefined : dedupKeyOf(workflowId, node.id);
	const dedup = dedupStateOf(staticData, liveKey);
	const verdict = checkDelivery(dedup.state, identity);
	if (verdict.verdict !== 'new') return repeated(context, verdict, delivery, echo);
	if (echo !== undefined) {
		// Remembered like an accepted delivery: a retry gets the same answer, and nothing is counted twice.
		storeDedupState(staticData, recordDelivery(dedup.state, identity), dedup.key);
		return ignored(context, echo, { echo: true });
	}

	// 5. Fill in what a Minimal/None delivery lacks, when allowed.
	const canFetch = config.authentication !== 'none' && config.fetchWorkItem;
	let fetched: FetchedWorkItem | undefined;
	let fetchProblem: string | undefined;
	const fetchOnce = async (): Promise<void> => {
		if (fetched || fetchProblem) return;
		const result = await fetchWorkItem(context, config, delivery);
		if ('problem' in result) fetchProblem = result.problem;
		else fetched = result.workItem;
	};
	if (delivery.resourceDetails !== 'all' && canFetch && delivery.eventType !== 'workitem.deleted') await fetchOnce();
	const view = mergedView(delivery, fetched);

	// 6. Filters (also applied here: a subscription made by hand may send more than it should).
	const filteredOut = filterReason(config, view, delivery.eventType);
	if (filteredOut) return ignored(context, filteredOut);

	// 7. The ticket state, given on the change into a mapped state only: EndState is for when the work item *is closed*,
	//    not again for every later comment, delete, restore or other update of the closed work item.
	const mappedState = mapDevOpsState(config.stateMap, view.state.new);
	const stateEntered = view.state.changed !== false && !STATELESS_EVENTS.has(delivery.eventType);
	const ticketState = stateEntered ? mappedState : null;
	const stateReason =
		mappedState !== null && !stateEntered
			? `The work item is already in "${view.state.new ?? ''}" (${delivery.eventType}, no change of state); its ticket state "${mappedState}" was given when it changed into "${view.state.new ?? ''}".`
			: undefined;
	if (config.onlyMappedStates && ticketState === null) {
		return ignored(context, `Azure DevOps state "${view.state.new ?? ''}" maps to no ticket state.`);
	}

	// 8. The ticket.
	let reference: TicketReference = readTicketReference(view, config.ticketReference);
	if (reference.id === null && !fetched && view.relations === null && canFetch && delivery.eventType !== 'workitem.deleted') {
		await fetchOnce();
		if (fetched) {
			Object.assign(view, mergedView(delivery, fetched));
			reference = readTicketReference(view, config.ticketReference);
		}
	}
	const reason = reference.id === null ? whyNoTicket(config, delivery, view, canFetch, fetchProblem) : undefined;
	// A new work item's files are its links: a delivery without them (Minimal details) is completed by the one read.
	if (config.downloadAttachments && delivery.eventType === 'workitem.created' && view.relations === null && canFetch) {
		await fetchOnce();
		if (fetched) Object.assign(view, mergedView(delivery, fetched));
	}

	// 9. Remember it (one assignment), then start the workflow. Other deliveries may have been accepted while this one
	//    waited for Azure DevOps: check again against the window as it is now, and record in the same step.
	const latest = latestDedupState(staticData, dedup);
	const recheck = latest === dedup.state ? verdict : checkDelivery(latest, identity);
	if (recheck.verdict !== 'new') return repeated(context, recheck, delivery);
	storeDedupState(staticData, recordDelivery(latest, identity), dedup.key);
	// A verifier refreshed on this process goes to static data with the window, in the same save.
	if (auth.newerVerifier) staticData[VERIFIER_KEY] = auth.newerVerifier as unknown as IDataObject;
	const item = buildOutputItem(
		{ ...delivery, workItemType: view.workItemType, project: view.project, areaPath: view.areaPath, tags: view.tags, relations: view.relations },
		ticketOutput(reference, ticketState, reason, stateReason),
		{ fetched: fetched !== undefined, fields: view.fields, state: view.state },
	);
	// The files the event brought, after the event is recorded: a retry while they download is answered as a repeat.
	let binary: IBinaryKeyData | undefined;
	if (config.downloadAttachments) {
		const files = filesOfEvent(delivery.eventType, view.relations, delivery.relationChanges?.added ?? null);
		const got = await downloadEventFiles(context, config, files, {
			organizationUrl: delivery.organizationUrl,
			project: delivery.projectId ?? view.project,
		});
		item.attachments = got.list;
		if (Object.keys(got.binary).length > 0) binary = got.binary;
	}
	// A test event in the editor also shows what the settings got away with (production deliveries skip the re-read).
	if (context.getMode() === 'manual') {
		const warnings = triggerSettingsWarnings(context);
		if (warnings.length > 0) item.warnings = warnings;
	}
	// Answered here rather than through `webhookResponse`: n8n 2.x answers an "onReceived" webhook only after it has
	// handed the execution to its runner, which wraps the workflow's static data anew and so clears its "changed"
	// mark; the duplicate window recorded above would then never be saved (measured on n8n 2.41.1 by test/e2e: the
	// same notification delivered twice started two executions). A response written by the node makes n8n save the
	// static data before the execution starts, on 1.x and 2.x alike.
	return { ...reply(context, 200, { received: true, accepted: true }), workflowData: [[binary ? { json: item, binary } : { json: item }]] };
}

/** The answer to a repeated notification or a revision not newer than the last one accepted: 200, nothing started. */
function repeated(
	context: IWebhookFunctions,
	verdict: Exclude<DedupVerdict, { verdict: 'new' }>,
	delivery: ParsedDelivery,
	echo?: string,
): IWebhookResponseData {
	// A repeat of the connector's own change is answered as the first delivery was.
	if (echo !== undefined) return ignored(context, echo, { duplicate: true, echo: true });
	if (verdict.verdict === 'duplicate') {
		const what =
			delivery.eventType === 'workitem.commented' && verdict.notificationId.startsWith('c')
				? `The comment of revision ${delivery.revision ?? ''} of work item ${delivery.workItemId}`
				: `Notification ${verdict.notificationId}`;
		return ignored(context, `${what} was already received.`, { duplicate: true });
	}
	return ignored(
		context,
		`Revision ${verdict.revision} of work item ${delivery.workItemId} is not newer than revision ${verdict.lastRevision}, already received.`,
		{ duplicate: true },
	);
}

function rawBodyOf(context: IWebhookFunctions): string | Uint8Array | object | undefined {
	const request = context.getRequestObject() as unknown as { rawBody?: unknown; body?: unknown };
	const raw = request.rawBody;
	if (raw instanceof Uint8Array && raw.length > 0) return raw;
	if (typeof raw === 'string' && raw !== '') return raw;
	const body = context.getBodyData() as unknown;
	if (body === undefined || body === null) return undefined;
	if (typeof body === 'object' && !Array.isArray(body) && Object.keys(body).length === 0) return undefined;
	return typeof body === 'string' || typeof body === 'object' ? body : String(body);
}

/** The state as emitted: `changed` is null when the delivery did not say (Minimal details of an update). */
interface ViewState {
	old: string | null;
	new: string | null;
	changed: boolean | null;
}

interface View {
	workItemType: string | null;
	project: string | null;
	areaPath: string | null;
	state: ViewState;
	fields: Record<string, unknown>;
	tags: string[];
	relations: WorkItemRelation[] | null;
}

function mergedView(delivery: ParsedDelivery, fetched: FetchedWorkItem | undefined): View {
	const fields = fetched?.fields ? { ...delivery.fields, ...fetched.fields } : delivery.fields;
	const text = (name: string): string | null => (typeof fields[name] === 'string' ? (fields[name] as string) : null);
	const state: ViewState = { ...delivery.state };
	if (state.new === null && fetched) {
		state.new = text('System.State');
		if (delivery.eventType === 'workitem.updated') {
			// A Minimal delivery does not say what changed: the state before is unknown, and so is whether it changed.
			if (delivery.changedFields.length === 0) state.changed = null;
		} else {
			state.old = delivery.eventType === 'workitem.created' ? null : state.new;
			state.changed = delivery.eventType === 'workitem.created' && state.new !== null;
		}
	}
	return {
		workItemType: delivery.workItemType ?? text('System.WorkItemType'),
		project: delivery.project ?? text('System.TeamProject'),
		areaPath: delivery.areaPath ?? text('System.AreaPath'),
		state,
		fields,
		tags: fetched?.fields ? splitTags(fields['System.Tags']) : delivery.tags,
		relations: fetched ? (fetched.relations ?? []) : delivery.relations,
	};
}

function projectNameOf(config: TriggerConfig): string | null {
	const value = String(config.project?.value ?? '').trim();
	if (value === '') return null;
	if (!/^https?:\/\//i.test(value)) return value;
	try {
		return projectOfProjectUrl(value, { allowHttp: true }) ?? null;
	} catch {
		return null;
	}
}

const same = (a: string, b: string): boolean => a.localeCompare(b, undefined, { sensitivity: 'accent' }) === 0;

/** Why the event is not wanted, or undefined. Values the delivery does not reveal do not filter. */
function filterReason(config: TriggerConfig, view: View, eventType: string): string | undefined {
	for (const wanted of [projectNameOf(config), config.filters.projectName || null]) {
		if (wanted && view.project !== null && !same(view.project, wanted)) {
			return `The work item belongs to project "${view.project}", not "${wanted}".`;
		}
	}
	const types = config.filters.workItemTypes;
	if (types.length > 0 && view.workItemType !== null && !types.some((type) => same(type, view.workItemType as string))) {
		return `Work item type "${view.workItemType}" is not one of ${types.join(', ')}.`;
	}
	const area = config.filters.areaPath.replace(/\\+$/, '');
	if (area !== '' && view.areaPath !== null) {
		const path = view.areaPath.toLowerCase();
		const prefix = area.toLowerCase();
		if (path !== prefix && !path.startsWith(`${prefix}\\`)) {
			return `Area path "${view.areaPath}" is not under "${area}".`;
		}
	}
	if (config.onlyStateChanges && eventType === 'workitem.updated' && view.state.changed === false && stateKnown(view)) {
		return 'System.State did not change.';
	}
	return undefined;
}

/** Whether the delivery revealed the state at all (a None-details update without a fetch does not). */
function stateKnown(view: View): boolean {
	return view.state.old !== null || view.state.new !== null;
}

async function fetchWorkItem(
	context: IWebhookFunctions,
	config: TriggerConfig,
	delivery: ParsedDelivery,
): Promise<{ workItem: FetchedWorkItem } | { problem: string }> {
	const spec = ERROR_CATALOGUE.workItemFetchFailed;
	try {
		const credentialType = config.authentication as AzureDevOpsCredentialType;
		let organizationUrl: string | null = null;
		if (config.project) {
			organizationUrl = (await resolveTarget(context, credentialType, config.project)).organizationUrl;
		}
		organizationUrl ??= delivery.organizationUrl;
		if (!organizationUrl) {
			return {
				problem: formatErrorMessage(spec.code, undefined, 'The delivery does not say which organization it comes from.', spec.fix),
			};
		}
		const workItem = await workItems.get(
			context,
			{ credentialType, organizationUrl },
			delivery.workItemId,
			{ expand: 'relations' },
			// Azure DevOps waits for the answer to a delivery: keep the detour short.
			{ retry: { maxAttempts: 2, maxTotalWaitMs: 2000 }, timeoutMs: 10_000 },
		);
		return { workItem: workItem as unknown as FetchedWorkItem };
	} catch (error) {
		const code = errorCodeOf(error);
		const message = error instanceof Error ? error.message : String(error);
		return {
			problem: formatErrorMessage(
				spec.code,
				undefined,
				`Reading work item ${delivery.workItemId} failed${code ? ` (${code})` : ''}: ${message.replace(/^\[AZDC-\d{4}\]\s*/, '')}`,
				spec.fix,
			),
		};
	}
}

function whyNoTicket(
	config: TriggerConfig,
	delivery: ParsedDelivery,
	view: View,
	canFetch: boolean,
	fetchProblem: string | undefined,
): string {
	if (fetchProblem) return fetchProblem;
	const reference =
		config.ticketReference.mode === 'field'
			? `field ${config.ticketReference.field ?? ''}`
			: `tag "${config.ticketReference.tagPrefix ?? 'Ticket:'}<id>"`;
	if (Object.keys(view.fields).length === 0 && !canFetch) {
		return `The delivery carries no fields (Resource details to send: ${delivery.resourceDetails}) and the trigger may not read the work item (no credential, or "Fetch Work Item When Needed" is off).`;
	}
	return `The work item carries no ticket reference (${reference}, or a hyperlink "Service desk ticket <id>"); it was probably not created by Create From Ticket.`;
}
