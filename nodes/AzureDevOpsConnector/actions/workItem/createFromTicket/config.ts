/**
 * What Create From Ticket needs to know for one input item: where to create (organization, project, credential), what
 * (the compiled AttributeMap, the work item type), and when (BeginState). Read from the Connector Settings JSON or from
 * the separate parameters, validated whole before any request, and compiled once per distinct configuration.
 */
import type { IDataObject, IExecuteFunctions } from 'n8n-workflow';

import { sameOrganization } from '../../../connector/azureDevOpsUrl';
import { compileAttributeMap, type CompiledAttributeMap } from '../../../connector/attributeMap';
import { ConnectorError, ConnectorErrors } from '../../../connector/errors';
import { checkTokenIndex, type OrganizationToken } from '../../../connector/organizationTokens';
import { parseConnectorSettings } from '../../../connector/settings';
import { compileValueMap, type CompiledValueMap } from '../../../connector/valueMap';
import {
	resolveTicketReferenceOptions,
	type ResolvedTicketReferenceOptions,
	type TicketReferenceOptions,
} from '../../../connector/ticketReference';
import { credentialOrganizations, type AzureDevOpsCredentialType, type OrganizationTarget, type Target } from '../../../transport';
import { credentialTypeOf, itemTarget } from '../../target';
import type { ItemResult } from '../../types';
import { serverHtmlFields } from '../operationHelpers';

export type MissingVariableMode = 'error' | 'empty' | 'keep';
export type IfExists = 'returnExisting' | 'createAnyway' | 'fail';

/** The node's Options collection, with defaults applied. */
export interface CreateOptions {
	onlyInBeginState: boolean;
	ifExists: IfExists;
	validateOnly: boolean;
	bypassRules: boolean;
	suppressNotifications: boolean;
	/** Where the ticket id is kept on the work item, checked and with defaults applied. */
	reference: ResolvedTicketReferenceOptions;
	/** The same, in the shape the connector core takes. */
	referenceInput: TicketReferenceOptions;
	htmlFields: string[];
	missingVariable: MissingVariableMode;
	concurrency: number;
	retryAttempts: number;
}

/** Where and what to create, shared by every item with the same configuration. */
export interface TargetConfig extends Target {
	/** Identity of the configuration: items with the same key share one compiled AttributeMap and one lookup. */
	key: string;
	/** Work item type chosen outside the AttributeMap (parameter or settings); wins over the map's. */
	workItemType?: string;
	beginState?: string;
	attributeMap: CompiledAttributeMap;
	/** Findings that did not stop the configuration from working (an unknown or misspelt setting), for the user. */
	warnings: readonly string[];
	/** Update From Ticket's map: the settings' UpdateAttributeMap; absent when the settings have none. */
	updateMap?: CompiledAttributeMap;
	/** The settings' ValueMap, compiled; absent when the settings have none. */
	valueMap?: CompiledValueMap;
}

export const MAX_CONCURRENCY = 20;

/** Reads the Options collection of item 0 (options are the same for the whole batch). */
export function readOptions(context: IExecuteFunctions): CreateOptions {
	const raw = context.getNodeParameter('options', 0, {}) as IDataObject;
	const reference = resolveTicketReferenceOptions({
		mode: typeof raw.ticketReference === 'string' ? raw.ticketReference : 'tag',
		tagPrefix: typeof raw.tagPrefix === 'string' && raw.tagPrefix !== '' ? raw.tagPrefix : undefined,
		field: typeof raw.ticketField === 'string' ? raw.ticketField : undefined,
		hyperlink: raw.linkToTicket !== false,
	});
	const referenceInput: TicketReferenceOptions = {
		mode: reference.mode,
		tagPrefix: reference.tagPrefix,
		field: reference.field ?? undefined,
		hyperlink: reference.hyperlink,
	};
	const ifExists = raw.ifExists === 'createAnyway' || raw.ifExists === 'fail' ? raw.ifExists : 'returnExisting';
	const missing = raw.missingVariable === 'empty' || raw.missingVariable === 'keep' ? raw.missingVariable : 'error';
	return {
		onlyInBeginState: raw.onlyInBeginState !== false,
		ifExists,
		validateOnly: raw.validateOnly === true,
		bypassRules: raw.bypassRules === true,
		suppressNotifications: raw.suppressNotifications === true,
		reference,
		referenceInput,
		htmlFields: String(raw.htmlFields ?? '')
			.split(',')
			.map((field) => field.trim())
			.filter(Boolean),
		missingVariable: missing,
		concurrency: clamp(Number(raw.concurrency ?? 4), 1, MAX_CONCURRENCY, 4),
		retryAttempts: clamp(Number(raw.retryAttempts ?? 6), 1, 10, 6),
	};
}

function clamp(value: number, min: number, max: number, fallback: number): number {
	if (!Number.isFinite(value)) return fallback;
	return Math.min(max, Math.max(min, Math.floor(value)));
}

interface CredentialFacts {
	credentialType: AzureDevOpsCredentialType;
	organizations: OrganizationTarget[];
	allowHttp: boolean;
}

/**
 * Resolves the configuration of each item, caching by the configuration's text so that a settings expression that is
 * the same for every item is parsed and compiled once. Throws ConnectorError / ConnectorErrors (the item's faults).
 */
export class ConfigResolver {
	private readonly cache = new Map<string, TargetConfig | { failed: unknown }>();
	private readonly warningsSeen = new Set<string>();
	private credential: CredentialFacts | undefined;

	constructor(
		private readonly context: IExecuteFunctions,
		private readonly options: CreateOptions,
		/** Whether a work item type must be known (Update From Ticket needs one only to create a missing work item). */
		private readonly requireWorkItemType = true,
	) {}

	async resolve(itemIndex: number): Promise<TargetConfig> {
		const mode = this.context.getNodeParameter('configuration', itemIndex, 'settingsJson') as string;
		const config = mode === 'parameters' ? await this.fromParameters(itemIndex) : await this.fromSettings(itemIndex);
		for (const warning of config.warnings) this.warningsSeen.add(warning);
		return config;
	}

	/** Every warning of the configurations resolved so far, each once, in the order first met. */
	warnings(): string[] {
		return [...this.warningsSeen];
	}

	private async credentialFacts(): Promise<CredentialFacts> {
		if (!this.credential) {
			const credentialType = credentialTypeOf(this.context, 0);
			const organizations = await credentialOrganizations(this.context, credentialType);
			const allowHttp = (await this.context.getCredentials(credentialType)).allowHttp === true;
			this.credential = { credentialType, organizations, allowHttp };
		}
		return this.credential;
	}

	private async fromSettings(itemIndex: number): Promise<TargetConfig> {
		const input = this.context.getNodeParameter('connectorSettings', itemIndex, '') as unknown;
		const text = typeof input === 'string' ? input : JSON.stringify(input ?? '');
		const key = `settings\u0000${text}`;
		return this.cached(key, async () => {
			const credential = await this.credentialFacts();
			const settings = parseConnectorSettings(input, {
				organizations: credential.organizations.map((organization) => organization.organizationUrl),
				allowHttp: credential.allowHttp,
				tokenCount: credential.organizations.length,
			});
			const faults: ConnectorError[] = [];
			collect(faults, () => checkOrganization(credential, settings.organizationUrl, settings.tokenIndexGiven ? settings.tokenIndex : undefined));
			const checked = collect(faults, () => this.compile(settings.attributeMap, settings.workItemType));
			const updateMap = settings.updateAttributeMap;
			const checkedUpdate = updateMap
				? collect(faults, () => this.compile(updateMap, undefined, undefined, 'UpdateAttributeMap'))
				: undefined;
			const valueMap = collect(faults, () => compileValueMap(settings.valueMap));
			if (faults.length > 0 || !checked) throw new ConnectorErrors(faults);
			const where = { credentialType: credential.credentialType, organizationUrl: settings.organizationUrl, project: settings.project };
			const fromServer = await serverHtmlFields(this.context, where);
			return {
				key,
				...where,
				beginState: nonEmpty(settings.beginState),
				attributeMap: fromServer ? this.compile(settings.attributeMap, settings.workItemType, fromServer) : checked,
				updateMap:
					updateMap && checkedUpdate
						? fromServer
							? this.compile(updateMap, undefined, fromServer, 'UpdateAttributeMap')
							: checkedUpdate
						: undefined,
				valueMap,
				warnings: settings.warnings.map((warning) => `Connector Settings: ${warning}`),
			};
		});
	}

	private async fromParameters(itemIndex: number): Promise<TargetConfig> {
		const target = await itemTarget(this.context, itemIndex);
		const workItemType = String(this.context.getNodeParameter('workItemType', itemIndex, '') ?? '').trim();
		const input = this.context.getNodeParameter('attributeMapInput', itemIndex, 'rows') as string;
		let map: unknown;
		if (input === 'json') {
			map = this.context.getNodeParameter('attributeMapJson', itemIndex, '{}');
		} else {
			const rows = this.context.getNodeParameter('attributeMapRows.field', itemIndex, []) as Array<{
				name?: string;
				value?: unknown;
			}>;
			const object: Record<string, unknown> = {};
			for (const row of rows) {
				const name = String(row.name ?? '').trim();
				if (name !== '') object[name] = row.value ?? '';
			}
			map = object;
		}
		const beginState = nonEmpty(String(this.context.getNodeParameter('beginState', itemIndex, '') ?? ''));
		const key = `parameters\u0000${JSON.stringify([target, workItemType, map, beginState])}`;
		return this.cached(key, async () => {
			const credential = await this.credentialFacts();
			checkOrganization(credential, target.organizationUrl, undefined);
			const faults: ConnectorError[] = [];
			const attributeMap = collect(faults, () => this.compile(parseMapText(map)));
			if (this.requireWorkItemType && workItemType === '' && attributeMap && !attributeMapNamesType(map)) {
				faults.push(
					new ConnectorError('workItemTypeMissing', 'No work item type is chosen.', { field: 'Work Item Type' }),
				);
			}
			if (faults.length > 0 || !attributeMap) throw new ConnectorErrors(faults, "the node's parameters");
			return {
				key,
				credentialType: target.credentialType,
				organizationUrl: target.organizationUrl,
				project: target.project,
				workItemType: workItemType === '' ? undefined : workItemType,
				beginState,
				attributeMap: await this.withServerHtmlFields(attributeMap, target, (html) => this.compile(parseMapText(map), undefined, html)),
				warnings: [],
			};
		});
	}

	/**
	 * The AttributeMap compiled against the HTML fields as the project's server types them. It was first compiled
	 * against the fixed list, so that a faulty configuration fails before any request; it is compiled again only when
	 * the server names its HTML fields.
	 */
	private async withServerHtmlFields(
		checked: CompiledAttributeMap,
		target: Target,
		recompile: (htmlFieldNames: ReadonlySet<string>) => CompiledAttributeMap,
	): Promise<CompiledAttributeMap> {
		const fromServer = await serverHtmlFields(this.context, target);
		return fromServer ? recompile(fromServer) : checked;
	}

	private compile(
		map: unknown,
		workItemType?: string,
		htmlFieldNames?: ReadonlySet<string> | null,
		field?: string,
	): CompiledAttributeMap {
		return compileAttributeMap(map as Record<string, unknown>, {
			field,
			htmlFieldNames,
			htmlFields: this.options.htmlFields,
			missingVariables: this.options.missingVariable,
			workItemType,
		});
	}

	private async cached(key: string, build: () => Promise<TargetConfig>): Promise<TargetConfig> {
		const hit = this.cache.get(key);
		if (hit) {
			if ('failed' in hit) throw hit.failed;
			return hit;
		}
		let failure: unknown;
		const config = await build().catch((error: unknown) => {
			failure = error;
			return undefined;
		});
		if (config) {
			this.cache.set(key, config);
			return config;
		}
		this.cache.set(key, { failed: failure });
		throw failure;
	}
}

/**
 * The settings URL must be inside an organization of the credential: with several organizations the AccessToken index
 * must pick that organization's token; with one, it must be the credential's organization. Nothing is sent otherwise.
 */
function checkOrganization(credential: CredentialFacts, organizationUrl: string, tokenIndex: number | undefined): void {
	const { organizations } = credential;
	if (credential.credentialType === 'azureDevOpsMultiOrgApi' && tokenIndex !== undefined) {
		const entries: OrganizationToken[] = organizations.map((org, index) => ({
			organizationUrl: org.organizationUrl,
			token: '',
			index,
		}));
		checkTokenIndex(entries, tokenIndex, organizationUrl);
		return;
	}
	if (!organizations.some((org) => sameOrganization(org.organizationUrl, organizationUrl))) {
		throw new ConnectorError(
			'tokenForeignOrganization',
			`URL names ${organizationUrl}, but the credential is for ${organizations
				.map((org) => org.organizationUrl)
				.join(', ')}; nothing was sent.`,
			{ field: 'URL' },
		);
	}
}

/** Runs a check, adding its coded faults to `faults` instead of stopping at the first one. */
function collect<T>(faults: ConnectorError[], check: () => T): T | undefined {
	const outcome = attempt(check);
	if ('value' in outcome) return outcome.value;
	const { error } = outcome;
	if (error instanceof ConnectorErrors) faults.push(...error.errors);
	else if (error instanceof ConnectorError) faults.push(error);
	else throw error;
	return undefined;
}

function attempt<T>(run: () => T): { value: T } | { error: unknown } {
	try {
		return { value: run() };
	} catch (error) {
		return { error };
	}
}

function parseMapText(map: unknown): unknown {
	if (typeof map !== 'string') return map;
	const parsed = attempt(() => JSON.parse(map) as unknown);
	if ('value' in parsed) return parsed.value;
	throw new ConnectorError('attributeMapNotObject', `AttributeMap is not valid JSON (${(parsed.error as Error).message}).`, {
		field: 'AttributeMap',
	});
}

function attributeMapNamesType(map: unknown): boolean {
	const object = typeof map === 'string' ? safeParse(map) : map;
	return isPlainObject(object) && Object.keys(object).some((key) => key.toLowerCase() === 'system.workitemtype');
}

function safeParse(text: string): unknown {
	try {
		return JSON.parse(text) as unknown;
	} catch {
		return undefined;
	}
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
	return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function nonEmpty(value: string | null | undefined): string | undefined {
	return value === undefined || value === null || value.trim() === '' ? undefined : value;
}

/**
 * Shows what the settings got away with (an unknown or misspelt key) where n8n shows such things: as execution hints
 * on the node's output, where the n8n line has them, otherwise in a `warnings` field on every output item.
 */
export function showWarnings(context: IExecuteFunctions, warnings: string[], results: ItemResult[]): void {
	if (warnings.length === 0) return;
	const withHints = context as IExecuteFunctions & { addExecutionHints?: IExecuteFunctions['addExecutionHints'] };
	if (typeof withHints.addExecutionHints === 'function') {
		withHints.addExecutionHints(
			...warnings.map((message) => ({ message, type: 'warning' as const, location: 'outputPane' as const })),
		);
		return;
	}
	for (const result of results) {
		if (!Array.isArray(result)) continue;
		for (const item of result) {
			const own = Array.isArray(item.json.warnings) ? (item.json.warnings as string[]) : [];
			item.json.warnings = [...own, ...warnings];
		}
	}
}
