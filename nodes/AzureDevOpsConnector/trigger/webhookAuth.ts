/**
 * Who may start the workflow: the secret a delivery must carry, taken from the Service Hook Secret credential or from
 * the secret the trigger generated for the subscriptions it registered.
 */
import type {
	ICredentialDataDecryptedObject,
	ICredentialsDecrypted,
	ICredentialTestFunctions,
	IDataObject,
	IHookFunctions,
	INode,
	INodeCredentialTestResult,
	IWebhookFunctions,
} from 'n8n-workflow';
import { randomString } from 'n8n-workflow';

import { ConnectorError } from '../connector/errors';
import { checkWebhookSecret, isValidHeaderName, type HeaderBag, type WebhookSecret } from '../connector/webhookSecret';
import type { DeliveryAuthentication } from './config';
import {
	currentVerifier,
	keepVerifier,
	makeVerifier,
	MAX_AGE_MS,
	mayRefresh,
	readVerifier,
	VERIFIER_KEY,
	verifies,
	type SecretVerifier,
} from './secretVerifier';
import { allRegistrations, type GeneratedSecret } from './state';

export const WEBHOOK_SECRET_CREDENTIAL = 'azureDevOpsWebhookAuthApi';
const MIN_SECRET_LENGTH = 12;

/** The secret of a Service Hook Secret credential, or the coded reason it cannot be used. */
export function secretFromCredential(credentials: ICredentialDataDecryptedObject): WebhookSecret {
	if (credentials.authType === 'header') {
		const name = String(credentials.headerName ?? '').trim();
		const value = String(credentials.headerSecret ?? '').trim();
		if (!isValidHeaderName(name)) {
			throw new ConnectorError('webhookCredentialIncomplete', `The header name "${name.slice(0, 60)}" cannot be used.`, {
				field: 'Header Name',
			});
		}
		if (value.length < MIN_SECRET_LENGTH) {
			throw new ConnectorError(
				'webhookCredentialIncomplete',
				value === '' ? 'The header value is empty.' : `The header value has only ${value.length} characters.`,
				{ field: 'Header Value' },
			);
		}
		return { kind: 'header', name, value };
	}
	const user = String(credentials.user ?? '');
	const password = String(credentials.password ?? '');
	if (user.trim() === '' || user.includes(':')) {
		throw new ConnectorError(
			'webhookCredentialIncomplete',
			user.includes(':') ? 'The user name contains ":", which Basic auth cannot carry.' : 'The user name is empty.',
			{ field: 'User Name' },
		);
	}
	if (password.length < MIN_SECRET_LENGTH) {
		throw new ConnectorError(
			'webhookCredentialIncomplete',
			password === '' ? 'The password is empty.' : `The password has only ${password.length} characters.`,
			{ field: 'Password' },
		);
	}
	return { kind: 'basicAuth', user, password };
}

/** A fresh Basic auth secret for a subscription the trigger registers (about 238 bits of randomness). */
export function generateSecret(): GeneratedSecret {
	return { user: 'n8n-azure-devops', password: randomString(40) };
}

/**
 * The one answer to a delivery that did not authenticate, whatever the reason and the configuration: it tells the
 * caller nothing about how this trigger checks deliveries (mode, header name, a missing or incomplete secret). The
 * reason goes to n8n's debug log, for the admin.
 */
export const UNAUTHENTICATED_ANSWER = Object.freeze(
	new ConnectorError('deliveryUnauthenticated', 'The delivery did not authenticate.', { field: 'Authorization' }).toResponseBody(),
);

/** The node's reference to its Service Hook Secret credential (id, or name for old workflows); '' when none. */
export function credentialReferenceOf(node: INode): string {
	const reference = node.credentials?.[WEBHOOK_SECRET_CREDENTIAL];
	return reference ? (reference.id ?? `name:${reference.name}`) : '';
}

/** The key of a trigger node in this process's verifiers (and refresh times). */
export function nodeKeyOf(workflowId: string | undefined, node: INode): string {
	return `${workflowId ?? ''}\u0000${node.id ?? node.name}`;
}

/**
 * Reads the credential, makes a verifier of its secret and keeps it in this process (and, at activation, in static
 * data). Throws the credential's coded fault (AZDC-3104) when it cannot be used.
 */
export async function refreshVerifier(
	context: IWebhookFunctions | IHookFunctions,
	node: INode,
	key: string,
	now: number,
): Promise<SecretVerifier> {
	const secret = secretFromCredential(await context.getCredentials(WEBHOOK_SECRET_CREDENTIAL));
	const verifier = makeVerifier(secret, credentialReferenceOf(node), now);
	keepVerifier(key, verifier);
	return verifier;
}

/** At activation: the verifier of the credential's secret as it is now, in static data and in this process. */
export async function storeVerifierAtActivation(context: IHookFunctions): Promise<void> {
	const node = context.getNode();
	const verifier = await refreshVerifier(context, node, nodeKeyOf(context.getWorkflow().id, node), Date.now());
	context.getWorkflowStaticData('node')[VERIFIER_KEY] = verifier as unknown as IDataObject;
}

/** What checking a delivery found: whether it authenticated, and a newer verifier for static data when there is one. */
export interface AuthResult {
	ok: boolean;
	/** A verifier newer than the one in static data, to be saved with the next write of static data. */
	newerVerifier?: SecretVerifier;
}

/**
 * Checks a delivery's headers, before anything else is read. With the credential, against the verifier (no credential
 * read unless the comparison fails or the verifier is old, at most once per interval); with generated secrets, every
 * registration of this node (test and production URL) is tried, all of them every time, so the time taken does not
 * tell which one came close.
 */
export function authenticateDelivery(
	context: IWebhookFunctions,
	mode: DeliveryAuthentication,
	node: INode,
	key: string,
	staticData: IDataObject,
): AuthResult | Promise<AuthResult> {
	// Synchronous unless the credential must be read: a delivery that matches the verifier is answered in the same
	// turn of the event loop as n8n's call (measured: answering after an await cost more in n8n's response path).
	if (mode === 'none') return { ok: true };
	const headers = context.getHeaderData() as HeaderBag;
	if (mode === 'generatedSecret') {
		let accepted = false;
		let registered = 0;
		for (const registration of allRegistrations(staticData)) {
			if (!registration.secret) continue;
			registered++;
			const secret: WebhookSecret = { kind: 'basicAuth', user: registration.secret.user, password: registration.secret.password };
			if (checkWebhookSecret(secret, headers).ok) accepted = true;
		}
		if (!accepted) {
			context.logger.debug(
				registered === 0
					? 'Azure DevOps Connector Trigger refused a delivery: no subscription has been registered yet, so there is no generated secret.'
					: 'Azure DevOps Connector Trigger refused a delivery: it does not carry the generated secret.',
			);
		}
		return { ok: accepted };
	}

	const credentialId = credentialReferenceOf(node);
	const now = Date.now();
	const verifier = currentVerifier(key, staticData, credentialId);
	const fresh = verifier !== undefined && now - verifier.at < MAX_AGE_MS && verifier.at <= now;
	if (fresh && verifies(verifier, headers)) return { ok: true, newerVerifier: newerThanStored(staticData, verifier) };
	return checkAgainstCredential(context, node, key, staticData, headers, now);
}

async function checkAgainstCredential(
	context: IWebhookFunctions,
	node: INode,
	key: string,
	staticData: IDataObject,
	headers: HeaderBag,
	now: number,
): Promise<AuthResult> {
	if (!mayRefresh(key, now)) {
		// Too soon to look at the credential again. A read under way (the first deliveries after a restart arrive
		// together) is waited for. An old verifier is never trusted: when it is old and the credential was read less
		// than an interval ago, that read failed (the credential is unusable), and its old secret must not serve on.
		const inFlight = pendingRefresh.get(key);
		const against = inFlight ? await inFlight : undefined;
		const ok = against !== undefined && verifies(against, headers);
		if (!ok) context.logger.debug('Azure DevOps Connector Trigger refused a delivery: it does not carry the Service Hook Secret.');
		return { ok, newerVerifier: ok ? newerThanStored(staticData, against) : undefined };
	}
	const refresh = refreshVerifier(context, node, key, now).catch((error: unknown) => {
		const message = error instanceof ConnectorError ? error.message : 'The Service Hook Secret credential could not be read.';
		context.logger.warn(`Azure DevOps Connector Trigger refuses deliveries: ${message}`);
		return undefined;
	});
	pendingRefresh.set(key, refresh);
	let refreshed: SecretVerifier | undefined;
	try {
		refreshed = await refresh;
	} finally {
		if (pendingRefresh.get(key) === refresh) pendingRefresh.delete(key);
	}
	const ok = refreshed !== undefined && verifies(refreshed, headers);
	if (!ok) context.logger.debug('Azure DevOps Connector Trigger refused a delivery: it does not carry the Service Hook Secret.');
	return { ok, newerVerifier: ok ? newerThanStored(staticData, refreshed) : undefined };
}

/** Credential reads under way, per trigger node: deliveries that arrive meanwhile wait for them. */
const pendingRefresh = new Map<string, Promise<SecretVerifier | undefined>>();

function newerThanStored(staticData: IDataObject, verifier: SecretVerifier | undefined): SecretVerifier | undefined {
	if (!verifier) return undefined;
	const stored = readVerifier(staticData[VERIFIER_KEY]);
	return stored && stored.hash === verifier.hash && stored.salt === verifier.salt ? undefined : verifier;
}

/** The credential test of the Service Hook Secret: complete and long enough (there is nothing to send it to). */
export async function webhookSecretCheck(
	this: ICredentialTestFunctions,
	credential: ICredentialsDecrypted,
): Promise<INodeCredentialTestResult> {
	try {
		const secret = secretFromCredential(credential.data ?? {});
		return {
			status: 'OK',
			message:
				secret.kind === 'header'
					? `Complete: deliveries must send the ${secret.name} header with this value.`
					: 'Complete: deliveries must send Basic auth with this user name and password.',
		};
	} catch (error) {
		return { status: 'Error', message: error instanceof Error ? error.message : 'The secret cannot be used.' };
	}
}
