/**
 * The trigger's parameters, read once per delivery. n8n 2.x evaluates a community node's expressions in an isolated
 * VM, so every evaluating getNodeParameter call costs: parameters are taken from the node as stored (getNodeParameter
 * with `rawExpressions`, which neither evaluates nor copies), and only those that hold an expression are evaluated.
 * Work that depends only on the parameters (the state map) is compiled once and cached by their values.
 */
import type { IDataObject, IHookFunctions, INodeParameterResourceLocator, IWebhookFunctions } from 'n8n-workflow';

import { parseConnectorIdentities, readIgnoreOwnChanges, type IgnoreOwnChanges } from '../connector/echo';
import { ConnectorError, ERROR_CATALOGUE, formatErrorMessage } from '../connector/errors';
import { parseStateMappingSettings } from '../connector/settings';
import { compileStateMap, type CompiledStateMap } from '../connector/stateMap';
import type { TicketReferenceOptions } from '../connector/ticketReference';
import { WORK_ITEM_EVENT_TYPES, type WorkItemEventType } from '../connector/types';
import { readCredentialType, type AzureDevOpsCredentialType } from '../transport';
import { SEED_END_STATE, SEED_WORK_ITEM_END_STATE } from './description';

export type TriggerAuthentication = AzureDevOpsCredentialType | 'none';
export type DeliveryAuthentication = 'generatedSecret' | 'credential' | 'none';

export interface TriggerConfig {
	authentication: TriggerAuthentication;
	project: INodeParameterResourceLocator | null;
	registerSubscription: boolean;
	events: WorkItemEventType[];
	deliveryAuthentication: DeliveryAuthentication;
	onlyStateChanges: boolean;
	filters: { projectName: string; workItemTypes: string[]; areaPath: string };
	stateMap: CompiledStateMap;
	onlyMappedStates: boolean;
	fetchWorkItem: boolean;
	ticketReference: TicketReferenceOptions;
	/** The user accepts registering a secret on a plain-http, non-loopback URL. */
	allowSecretOverHttp: boolean;
	/** Files the event brings go on the item as binary data, each up to `maxAttachmentBytes`. */
	downloadAttachments: boolean;
	maxAttachmentBytes: number;
	/** Ignore the Connector's Own Changes, and the Connector Identities (lower-cased) it recognises besides its own. */
	echo: { mode: IgnoreOwnChanges; listed: string[] };
}

type ParameterContext = IWebhookFunctions | IHookFunctions;

const DEFAULTS: IDataObject = {
	authentication: 'azureDevOpsApi',
	registerSubscription: true,
	events: ['workitem.updated'],
	deliveryAuthentication: 'generatedSecret',
	onlyStateChanges: true,
	configuration: 'parameters',
	connectorSettings: '',
	// The seed's pair, as the panel's defaults (trigger/description.ts).
	workItemEndState: SEED_WORK_ITEM_END_STATE,
	endState: SEED_END_STATE,
	stateMap: {},
	filters: {},
	options: {},
};

/** True when a stored parameter value holds an n8n expression somewhere inside it. */
export function holdsExpression(value: unknown, depth = 0): boolean {
	if (typeof value === 'string') return value.startsWith('=');
	if (depth > 8 || value === null || typeof value !== 'object') return false;
	if (Array.isArray(value)) return value.some((entry) => holdsExpression(entry, depth + 1));
	return Object.values(value as Record<string, unknown>).some((entry) => holdsExpression(entry, depth + 1));
}

/** Stands in for "not stored": getNodeParameter throws when both the value and the fallback are undefined. */
const NOT_STORED: IDataObject = Object.freeze({}) as IDataObject;

/**
 * Reads the named parameters, evaluating only the ones that hold an expression. The stored values are taken with
 * `rawExpressions`, which hands back the node's own value as it is: no expression engine, and none of the deep copy
 * of the whole node that getNode() makes on every call. Those values belong to the node, so nothing here or in the
 * callers may change them.
 */
export function readParameters(context: ParameterContext, names: readonly string[]): IDataObject {
	const values: IDataObject = {};
	for (const name of names) {
		let raw = context.getNodeParameter(name, NOT_STORED, { rawExpressions: true }) as unknown;
		if (raw === NOT_STORED) raw = undefined;
		if (raw === undefined) {
			values[name] = DEFAULTS[name];
		} else if (holdsExpression(raw)) {
			values[name] = context.getNodeParameter(name, DEFAULTS[name]) as IDataObject[string];
		} else {
			values[name] = raw as IDataObject[string];
		}
	}
	return values;
}

const PARAMETER_NAMES = [
	'authentication',
	'project',
	'registerSubscription',
	'events',
	'deliveryAuthentication',
	'onlyStateChanges',
	'configuration',
	'connectorSettings',
	'workItemEndState',
	'endState',
	'stateMap',
	'filters',
	'options',
] as const;

const STATE_MAP_CACHE_SIZE = 32;
const stateMapCache = new Map<string, CompiledStateMap>();

/** Compiles the state map, or takes it from the cache when the same parameters were compiled before. */
export function cachedStateMap(input: {
	configuration: string;
	connectorSettings: unknown;
	workItemEndState: unknown;
	endState: unknown;
	rows: unknown;
	ignoreCase: boolean;
}): CompiledStateMap {
	const key = JSON.stringify(input);
	const cached = stateMapCache.get(key);
	if (cached) {
		// Re-insert so the map's order is least recently used first.
		stateMapCache.delete(key);
		stateMapCache.set(key, cached);
		return cached;
	}
	let workItemEndState: unknown = input.workItemEndState;
	let endState: unknown = input.endState;
	if (input.configuration === 'settingsJson') {
		const states = endStatesFromSettings(settingsInput(input.connectorSettings));
		workItemEndState = states.workItemEndState;
		endState = states.endState;
	}
	const rows = Array.isArray(input.rows) ? (input.rows as Array<Record<string, unknown>>) : [];
	const compiled = compileStateMap({ workItemEndState: textOf(workItemEndState), endState: textOf(endState), rows, caseInsensitive: input.ignoreCase });
	stateMapCache.set(key, compiled);
	if (stateMapCache.size > STATE_MAP_CACHE_SIZE) {
		const oldest = stateMapCache.keys().next().value;
		if (oldest !== undefined) stateMapCache.delete(oldest);
	}
	return compiled;
}

/** EndState and WorkItemEndState from Connector Settings, read by the same parser as Create From Ticket uses. */
export function endStatesFromSettings(input: string | object): { workItemEndState?: string; endState?: string } {
	const { workItemEndState, endState } = parseStateMappingSettings(input);
	return { workItemEndState, endState };
}

function settingsInput(value: unknown): string | object {
	if (typeof value === 'string' || (typeof value === 'object' && value !== null)) return value;
	return '';
}

function textOf(value: unknown): string | null {
	return typeof value === 'string' ? value : value === undefined || value === null ? null : String(value);
}

function eventsOf(value: unknown): WorkItemEventType[] {
	const list = Array.isArray(value) ? value : typeof value === 'string' ? value.split(',') : [];
	const known = new Set<string>(WORK_ITEM_EVENT_TYPES);
	const events: WorkItemEventType[] = [];
	for (const entry of list) {
		const event = String(entry).trim().toLowerCase();
		if (known.has(event) && !events.includes(event as WorkItemEventType)) events.push(event as WorkItemEventType);
	}
	return events;
}

function listOf(value: unknown): string[] {
	if (typeof value !== 'string') return [];
	return value
		.split(',')
		.map((part) => part.trim())
		.filter((part) => part !== '');
}

function objectOf(value: unknown): IDataObject {
	return value && typeof value === 'object' && !Array.isArray(value) ? (value as IDataObject) : {};
}

/** Reads and checks every parameter the trigger needs; faults in the state map or settings get a ConnectorError. */
export function readTriggerConfig(context: ParameterContext): TriggerConfig {
	return configFromParameters(readParameters(context, PARAMETER_NAMES));
}

function configFromParameters(p: IDataObject): TriggerConfig {
	const authentication: TriggerAuthentication =
		p.authentication === 'none' ? 'none' : (readCredentialType(p.authentication) ?? 'azureDevOpsApi');
	const options = objectOf(p.options);
	const filters = objectOf(p.filters);
	const stateMapRows = objectOf(p.stateMap).row;
	const deliveryAuthentication: DeliveryAuthentication =
		p.deliveryAuthentication === 'credential' ? 'credential' : p.deliveryAuthentication === 'none' ? 'none' : 'generatedSecret';
	const events = eventsOf(p.events);
	if (events.length === 0) events.push('workitem.updated');

	const stateMap = cachedStateMap({
		configuration: p.configuration === 'settingsJson' ? 'settingsJson' : 'parameters',
		connectorSettings: p.configuration === 'settingsJson' ? p.connectorSettings : '',
		workItemEndState: p.configuration === 'settingsJson' ? '' : p.workItemEndState,
		endState: p.configuration === 'settingsJson' ? '' : p.endState,
		rows: stateMapRows,
		ignoreCase: options.ignoreCase !== false,
	});

	const mode = options.ticketReference === 'field' ? 'field' : 'tag';
	const ticketReference: TicketReferenceOptions = { mode };
	if (mode === 'field') ticketReference.field = typeof options.ticketField === 'string' ? options.ticketField : '';
	else if (typeof options.tagPrefix === 'string' && options.tagPrefix !== '') ticketReference.tagPrefix = options.tagPrefix;

	const project = authentication === 'none' ? null : locatorOf(p.project);
	return {
		authentication,
		project,
		registerSubscription: authentication !== 'none' && p.registerSubscription !== false,
		events,
		deliveryAuthentication,
		onlyStateChanges: p.onlyStateChanges !== false,
		filters: {
			projectName: typeof filters.projectName === 'string' ? filters.projectName.trim() : '',
			workItemTypes: listOf(filters.workItemTypes),
			areaPath: typeof filters.areaPath === 'string' ? filters.areaPath.trim() : '',
		},
		stateMap,
		onlyMappedStates: options.onlyMappedStates === true,
		fetchWorkItem: options.fetchWorkItem !== false,
		ticketReference,
		allowSecretOverHttp: options.allowSecretOverHttp === true,
		downloadAttachments: options.downloadAttachments === true,
		maxAttachmentBytes: attachmentLimitBytes(options.maxAttachmentMb),
		echo: { mode: readIgnoreOwnChanges(options.ignoreOwnChanges), listed: parseConnectorIdentities(options.connectorIdentities) },
	};
}

/** The configuration of a delivery, or the fault that keeps it from being read (already coded and worded). */
export type ConfigOutcome =
	| { ok: true; config: TriggerConfig }
	| { ok: false; code: string; message: string; fresh: boolean };

const CONFIG_CACHE_SIZE = 128;
const configCache = new Map<string, { signature: string; outcome: ConfigOutcome }>();

/**
 * The trigger's configuration for a delivery, computed once per set of stored parameters and trigger node (that is,
 * once per activation in practice), faults included: a broken state map costs its parse once, not on every request.
 * Parameters holding an expression are evaluated on every delivery (their value may change) and are not cached.
 * `fresh` on a fault says it was just computed (and should be logged); the outcome is shared: never change it.
 */
export function deliveryConfig(context: IWebhookFunctions, nodeKey: string): ConfigOutcome {
	const raw: unknown[] = [];
	let evaluate = false;
	for (const name of PARAMETER_NAMES) {
		const value = context.getNodeParameter(name, NOT_STORED, { rawExpressions: true }) as unknown;
		raw.push(value === NOT_STORED ? null : value);
		if (value !== NOT_STORED && holdsExpression(value)) evaluate = true;
	}
	if (evaluate) return configOutcome(() => readTriggerConfig(context));
	const signature = JSON.stringify(raw);
	const cached = configCache.get(nodeKey);
	if (cached && cached.signature === signature) {
		return cached.outcome.ok ? cached.outcome : { ...cached.outcome, fresh: false };
	}
	const outcome = configOutcome(() => {
		const values: IDataObject = {};
		PARAMETER_NAMES.forEach((name, index) => {
			values[name] = (raw[index] ?? DEFAULTS[name]) as IDataObject[string];
		});
		return configFromParameters(values);
	});
	configCache.delete(nodeKey);
	configCache.set(nodeKey, { signature, outcome });
	if (configCache.size > CONFIG_CACHE_SIZE) {
		const oldest = configCache.keys().next().value;
		if (oldest !== undefined) configCache.delete(oldest);
	}
	return outcome;
}

function configOutcome(read: () => TriggerConfig): ConfigOutcome {
	try {
		return { ok: true, config: read() };
	} catch (error) {
		const fault = configurationFault(error);
		const spec = ERROR_CATALOGUE.webhookConfigurationInvalid;
		const problem = fault ? `The trigger's settings are invalid: ${fault.message}` : "The trigger's settings could not be read.";
		return { ok: false, code: spec.code, message: formatErrorMessage(spec.code, undefined, problem, spec.fix), fresh: true };
	}
}

/**
 * How deliveries authenticate: the one parameter read before a delivery has authenticated. Undefined when it holds an
 * expression that fails: then no delivery can authenticate.
 */
export function deliveryAuthenticationOf(context: IWebhookFunctions): DeliveryAuthentication | undefined {
	let value = context.getNodeParameter('deliveryAuthentication', NOT_STORED, { rawExpressions: true }) as unknown;
	if (value === NOT_STORED) return 'generatedSecret';
	if (holdsExpression(value)) {
		try {
			value = context.getNodeParameter('deliveryAuthentication', 'generatedSecret');
		} catch {
			return undefined;
		}
	}
	return value === 'credential' ? 'credential' : value === 'none' ? 'none' : 'generatedSecret';
}

function locatorOf(value: unknown): INodeParameterResourceLocator | null {
	if (typeof value === 'string') return value.trim() === '' ? null : { __rl: true, mode: 'name', value };
	if (value && typeof value === 'object' && 'value' in value) {
		const locator = value as INodeParameterResourceLocator;
		// A copy: the stored locator belongs to the node (see readParameters).
		return String(locator.value ?? '').trim() === '' ? null : { ...locator };
	}
	return null;
}

/**
 * What the Connector Settings got away with (an unknown or misspelt key, with the did-you-mean), for the trigger's
 * activation log and its test events. Read on demand, not per production delivery: the settings are parsed again.
 */
export function triggerSettingsWarnings(context: ParameterContext): string[] {
	const p = readParameters(context, ['configuration', 'connectorSettings']);
	if (p.configuration !== 'settingsJson') return [];
	try {
		return parseStateMappingSettings(settingsInput(p.connectorSettings)).warnings.map(
			(warning) => `Connector Settings: ${warning}`,
		);
	} catch {
		// Faults are reported as the activation's error, not as warnings.
		return [];
	}
}

/** A configuration fault (one ConnectorError, or the first of several) as code, full message and fix. */
export function configurationFault(error: unknown): { code: string; message: string; fix: string } | undefined {
	if (error instanceof ConnectorError) return { code: error.code, message: error.message, fix: error.fix };
	const errors = (error as { errors?: unknown } | undefined)?.errors;
	if (Array.isArray(errors) && errors[0] instanceof ConnectorError) {
		return { code: errors[0].code, message: (error as Error).message, fix: errors[0].fix };
	}
	return undefined;
}

/** Default and largest Download Size Limit, in MB (Azure DevOps itself takes files up to 60 MB by default). */
export const DEFAULT_ATTACHMENT_MB = 10;
const MAX_ATTACHMENT_MB = 130;

function attachmentLimitBytes(value: unknown): number {
	const mb = typeof value === 'number' && Number.isFinite(value) && value > 0 ? Math.min(value, MAX_ATTACHMENT_MB) : DEFAULT_ATTACHMENT_MB;
	return Math.floor(mb * 1024 * 1024);
}
