/**
 * The service-hook subscription lifecycle (webhookMethods.default): checkExists / create / delete. The trigger
 * registers one Web Hooks subscription per chosen event, remembers their ids per webhook URL, recognises them by id
 * AND URL, and only ever deletes subscriptions it created itself.
 */
import type { IDataObject, IHookFunctions } from 'n8n-workflow';
import { NodeApiError, NodeOperationError } from 'n8n-workflow';

import { ConnectorError, ConnectorErrors } from '../connector/errors';
import { subscriptionHeaderLine } from '../connector/webhookSecret';
import {
	faultsError,
	isAzureDevOpsError,
	projects,
	resolveTarget,
	subscriptions,
	type AzureDevOpsCredentialType,
	type OrganizationTarget,
	type Target,
} from '../transport';
import { configurationFault, readTriggerConfig, triggerSettingsWarnings, type TriggerConfig } from './config';
import { learnOwnIdentity } from './ownIdentity';
import { registrationFor, storeRegistration, type GeneratedSecret, type Registration } from './state';
import { generateSecret, secretFromCredential, storeVerifierAtActivation, WEBHOOK_SECRET_CREDENTIAL } from './webhookAuth';

function failure(context: IHookFunctions, error: unknown): NodeOperationError | NodeApiError {
	if (error instanceof NodeApiError || error instanceof NodeOperationError) return error;
	if (error instanceof ConnectorErrors) return faultsError(context.getNode(), error);
	const fault = configurationFault(error);
	if (fault) {
		const nodeError = new NodeOperationError(context.getNode(), fault.message, { description: fault.fix });
		nodeError.context.code = fault.code;
		return nodeError;
	}
	return new NodeOperationError(context.getNode(), error instanceof Error ? error.message : String(error));
}

/** Reads and checks the configuration at activation, so a broken state map fails loudly there, not on a delivery. */
function activationConfig(context: IHookFunctions): TriggerConfig {
	let config: TriggerConfig;
	try {
		config = readTriggerConfig(context);
	} catch (error) {
		throw failure(context, error);
	}
	// Both states of the pair cleared and no State Map row: every event would give ticket.state null, silently.
	if (config.stateMap.rows.length === 0) {
		throw failure(
			context,
			new ConnectorError('stateMapEmpty', 'WorkItemEndState and EndState are empty and the State Map has no rows.', {
				field: 'WorkItemEndState',
			}),
		);
	}
	return config;
}

function webhookUrl(context: IHookFunctions): string {
	const url = context.getNodeWebhookUrl('default');
	if (!url) throw failure(context, new ConnectorError('webhookUrlUnavailable', 'n8n returned no URL for the webhook.'));
	return url;
}

/** What the subscriptions are made from; when it changes, they are made again. */
function fingerprintOf(config: TriggerConfig, target: Target): string {
	return JSON.stringify([
		target.organizationUrl.toLowerCase(),
		target.project.toLowerCase(),
		[...config.events].sort(),
		config.deliveryAuthentication,
		config.onlyStateChanges,
		config.filters.workItemTypes.length === 1 ? config.filters.workItemTypes[0] : '',
		config.filters.areaPath,
	]);
}

async function target(context: IHookFunctions, config: TriggerConfig): Promise<Target> {
	try {
		return await resolveTarget(context, config.authentication as AzureDevOpsCredentialType, config.project);
	} catch (error) {
		throw failure(context, error);
	}
}

async function readSubscription(
	context: IHookFunctions,
	credentialType: AzureDevOpsCredentialType,
	organizationUrl: string,
	id: string,
) {
	try {
		return await subscriptions.get(context, { credentialType, organizationUrl }, id);
	} catch (error) {
		if (isAzureDevOpsError(error, 'azureDevOpsNotFound')) return undefined;
		throw failure(context, error);
	}
}

/** Deletes the subscriptions by id; 404 counts as deleted. Returns the ids that could not be deleted. */
async function deleteSubscriptions(
	context: IHookFunctions,
	credentialType: AzureDevOpsCredentialType,
	organizationUrl: string,
	ids: readonly string[],
): Promise<string[]> {
	const failed: string[] = [];
	const organization: OrganizationTarget = { credentialType, organizationUrl };
	for (const id of ids) {
		try {
			await subscriptions.delete(context, organization, id);
		} catch (error) {
			if (!isAzureDevOpsError(error, 'azureDevOpsNotFound')) failed.push(id);
		}
	}
	return failed;
}

/**
 * The verifier deliveries are checked against (see secretVerifier.ts), made from the credential as it is at
 * activation; an incomplete credential fails the activation with its coded fault (AZDC-3104).
 */
async function verifierAtActivation(context: IHookFunctions): Promise<void> {
	try {
		await storeVerifierAtActivation(context);
	} catch (error) {
		throw failure(context, error);
	}
}

const LOOPBACK_HOST = /^(localhost|127\.\d+\.\d+\.\d+|\[::1\])$/i;

/**
 * Azure DevOps sends the subscription's secret with every delivery: on a plain-http URL anyone on the path reads it.
 * Such a registration is refused unless the URL is loopback (local testing) or the user accepted it explicitly.
 */
function refuseSecretInClearText(context: IHookFunctions, config: TriggerConfig, url: string): void {
	if (config.deliveryAuthentication === 'none' || config.allowSecretOverHttp) return;
	let parsed: URL;
	try {
		parsed = new URL(url);
	} catch {
		return;
	}
	if (parsed.protocol !== 'http:' || LOOPBACK_HOST.test(parsed.hostname)) return;
	throw failure(
		context,
		new ConnectorError(
			'secretOverPlainHttp',
			`The webhook URL ${parsed.protocol}//${parsed.host}${parsed.pathname} is plain http: Azure DevOps would send the ${config.deliveryAuthentication === 'credential' ? "Service Hook Secret" : 'generated secret'} in clear text with every delivery.`,
			{ field: 'Webhook URL' },
		),
	);
}

/** checkExists: true when every subscription stored for this URL still exists and still points at it. */
export async function checkExists(this: IHookFunctions): Promise<boolean> {
	const config = activationConfig(this);
	// n8n asks checkExists first at every activation: the one place to say what the settings got away with.
	for (const warning of triggerSettingsWarnings(this)) this.logger.warn(`Azure DevOps Connector Trigger: ${warning}`);
	if (config.registerSubscription) refuseSecretInClearText(this, config, webhookUrl(this));
	if (config.deliveryAuthentication === 'credential') await verifierAtActivation(this);
	// Who the credential signs in as, for recognising the connector's own changes (Ignore the Connector's Own Changes).
	await learnOwnIdentity(this, config);
	if (!config.registerSubscription) {
		if (config.deliveryAuthentication === 'generatedSecret') {
			throw failure(
				this,
				new ConnectorError(
					'generatedSecretNeedsRegistration',
					'Delivery Authentication is "Generated Secret" but the trigger does not register the subscription.',
					{ field: 'Delivery Authentication' },
				),
			);
		}
		// The subscription is made by hand: nothing to look for, nothing to create.
		return true;
	}
	const url = webhookUrl(this);
	const staticData = this.getWorkflowStaticData('node');
	const registration = registrationFor(staticData, url);
	if (!registration) return false;
	const where = await target(this, config);
	const credentialType = registration.credentialType as AzureDevOpsCredentialType;

	if (registration.fingerprint !== fingerprintOf(config, where)) {
		// The events or filters changed since the subscriptions were made: replace ours.
		await deleteSubscriptions(this, credentialType, registration.organizationUrl, registration.ids);
		storeRegistration(staticData, url, undefined);
		return false;
	}
	const alive: string[] = [];
	for (const id of registration.ids) {
		const subscription = await readSubscription(this, credentialType, registration.organizationUrl, id);
		// A subscription someone re-pointed at another URL is no longer ours to use (nor to delete).
		if (subscription && subscription.consumerInputs?.url === url) alive.push(id);
	}
	if (alive.length === registration.ids.length && alive.length === config.events.length) return true;
	// Some are gone: remove the rest of ours and register the set again.
	await deleteSubscriptions(this, credentialType, registration.organizationUrl, alive);
	storeRegistration(staticData, url, undefined);
	return false;
}

/** create: registers one subscription per event and stores their ids, the URL and the secret. */
export async function create(this: IHookFunctions): Promise<boolean> {
	const config = activationConfig(this);
	if (!config.registerSubscription) return true;
	const url = webhookUrl(this);
	refuseSecretInClearText(this, config, url);
	const where = await target(this, config);
	const credentialType = where.credentialType;
	const staticData = this.getWorkflowStaticData('node');

	const projectId = await lookUpProjectId(this, where);
	const consumerAuth = await consumerAuthInputs(this, config, registrationFor(staticData, url)?.secret);

	const publisherBase: IDataObject = { projectId };
	if (config.filters.workItemTypes.length === 1) publisherBase.workItemType = config.filters.workItemTypes[0];
	if (config.filters.areaPath !== '') publisherBase.areaPath = config.filters.areaPath;

	const created: string[] = [];
	for (const eventType of config.events) {
		const publisherInputs: IDataObject = { ...publisherBase };
		if (eventType === 'workitem.updated' && config.onlyStateChanges) publisherInputs.changedFields = 'System.State';
		const body = {
			publisherId: 'tfs',
			eventType,
			resourceVersion: '1.0',
			consumerId: 'webHooks',
			consumerActionId: 'httpRequest',
			publisherInputs,
			consumerInputs: {
				url,
				...consumerAuth.inputs,
				resourceDetailsToSend: 'all',
				messagesToSend: 'none',
				detailedMessagesToSend: 'none',
			},
		};
		try {
			const { id } = await subscriptions.create(this, where, body);
			if (typeof id === 'string' && id !== '') created.push(id);
		} catch (error) {
			// Leave nothing half-made behind: remove what this call already created.
			await deleteSubscriptions(this, credentialType, where.organizationUrl, created);
			throw registrationError(this, error, url, eventType);
		}
	}
	const registration: Registration = {
		ids: created,
		events: [...config.events],
		organizationUrl: where.organizationUrl,
		credentialType,
		fingerprint: fingerprintOf(config, where),
	};
	if (consumerAuth.generated) registration.secret = consumerAuth.generated;
	storeRegistration(staticData, url, registration);
	return true;
}

/** delete: removes the subscriptions this node created for this URL (404 = already gone) and forgets them. */
export async function deleteSubscription(this: IHookFunctions): Promise<boolean> {
	const url = this.getNodeWebhookUrl('default');
	if (!url) return true;
	const staticData = this.getWorkflowStaticData('node');
	const registration = registrationFor(staticData, url);
	if (!registration) return true;
	let failed: string[];
	try {
		failed = await deleteSubscriptions(
			this,
			registration.credentialType as AzureDevOpsCredentialType,
			registration.organizationUrl,
			registration.ids,
		);
	} catch (error) {
		// The credential is no longer on the node: keep the ids, so a later deactivation can still remove them.
		this.logger.warn(`Azure DevOps Connector Trigger could not remove its subscriptions: ${(error as Error).message}`);
		return false;
	}
	storeRegistration(staticData, url, failed.length === 0 ? undefined : { ...registration, ids: failed });
	return failed.length === 0;
}

async function lookUpProjectId(context: IHookFunctions, where: Target): Promise<string> {
	try {
		const { id } = await projects.get(context, where, where.project);
		if (typeof id === 'string' && id !== '') return id;
		throw new ConnectorError('subscriptionProjectNotFound', `Azure DevOps returned no id for project "${where.project}".`, {
			field: 'Project',
		});
	} catch (error) {
		if (isAzureDevOpsError(error, 'azureDevOpsNotFound')) {
			throw failure(
				context,
				new ConnectorError(
					'subscriptionProjectNotFound',
					`Project "${where.project}" was not found in ${where.organizationUrl}.`,
					{ field: 'Project' },
				),
			);
		}
		throw failure(context, error);
	}
}

async function consumerAuthInputs(
	context: IHookFunctions,
	config: TriggerConfig,
	existing: GeneratedSecret | undefined,
): Promise<{ inputs: IDataObject; generated?: GeneratedSecret }> {
	if (config.deliveryAuthentication === 'none') return { inputs: {} };
	if (config.deliveryAuthentication === 'generatedSecret') {
		const secret = existing ?? generateSecret();
		return { inputs: { basicAuthUsername: secret.user, basicAuthPassword: secret.password }, generated: secret };
	}
	let secret;
	try {
		secret = secretFromCredential(await context.getCredentials(WEBHOOK_SECRET_CREDENTIAL));
	} catch (error) {
		throw failure(context, error);
	}
	await verifierAtActivation(context);
	if (secret.kind === 'basicAuth') return { inputs: { basicAuthUsername: secret.user, basicAuthPassword: secret.password } };
	// The Web Hooks consumer's httpHeaders input takes `name:value` lines whose value has no white space (its input
	// descriptor's validation pattern): refuse before sending, without repeating the value.
	if (/\s/.test(secret.value.trim())) {
		throw failure(
			context,
			new ConnectorError('subscriptionHeaderNotAccepted', `The value of header ${secret.name} contains white space.`, {
				field: 'Service Hook Secret',
			}),
		);
	}
	return { inputs: { httpHeaders: subscriptionHeaderLine(secret.name, secret.value.trim()) } };
}

const PRIVATE_HOST =
	/^(localhost|127\.\d+\.\d+\.\d+|0\.0\.0\.0|10\.\d+\.\d+\.\d+|192\.168\.\d+\.\d+|172\.(1[6-9]|2\d|3[01])\.\d+\.\d+|\[::1\]|[^.]+)$/i;

/** True for a webhook URL Azure DevOps Services cannot reach: localhost, a private address or a bare host name. */
export function isPrivateWebhookUrl(url: string): boolean {
	try {
		return PRIVATE_HOST.test(new URL(url).hostname);
	} catch {
		return false;
	}
}

function registrationError(context: IHookFunctions, error: unknown, url: string, eventType: string): NodeApiError {
	const code = isAzureDevOpsError(error) ? error.code : undefined;
	const said = isAzureDevOpsError(error) ? (error.serviceMessage ?? '') : error instanceof Error ? error.message : String(error);
	// The real service refuses loopback and private consumer URLs with a 400 that talks about the URL.
	const refusesUrl = isPrivateWebhookUrl(url) && /\burl\b|localhost|private|address|host/i.test(said);
	const key =
		code === 'AZDC-4010' && refusesUrl
			? 'subscriptionUrlNotPublic'
			: code === 'AZDC-4010' || code === 'AZDC-4019'
				? 'subscriptionRefused'
				: undefined;
	if (!key) {
		// Throttling, outages, refused tokens: the transport's own coded message says it best.
		if (error instanceof NodeApiError) return error;
		return new NodeApiError(context.getNode(), { message: said });
	}
	const connectorError = new ConnectorError(
		key,
		`Creating the "${eventType}" subscription for ${url} failed. Azure DevOps said: ${said}`,
		{ field: 'Register Subscription Automatically' },
	);
	const apiError = new NodeApiError(
		context.getNode(),
		{ message: said },
		{ message: connectorError.message, description: connectorError.fix },
	);
	apiError.context.code = connectorError.code;
	return apiError;
}
