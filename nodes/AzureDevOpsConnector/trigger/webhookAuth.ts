/**
 * Who may start the workflow: the secret a delivery must carry, taken from the Service Hook Secret credential or from
 * the secret the trigger generated for the subscriptions it registered.
 */
import type {
	ICredentialDataDecryptedObject,
	ICredentialsDecrypted,
	ICredentialTestFunctions,
	IDataObject,
	INodeCredentialTestResult,
} from 'n8n-workflow';
import { randomString } from 'n8n-workflow';

import { ConnectorError } from '../connector/errors';
import { checkWebhookSecret, isValidHeaderName, type HeaderBag, type WebhookSecret } from '../connector/webhookSecret';
import type { DeliveryAuthentication } from './config';
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

/** The outcome of checking one delivery. */
export type AuthOutcome = { ok: true } | { ok: false; error: ConnectorError };

/**
 * Checks a delivery's headers. With generated secrets every registration of this node (test and production URL) is
 * tried, all of them every time, so the time taken does not tell which one came close.
 */
export function authenticateDelivery(
	mode: DeliveryAuthentication,
	headers: HeaderBag,
	sources: { credentialSecret?: WebhookSecret; staticData: IDataObject },
): AuthOutcome {
	if (mode === 'none') return { ok: true };
	let secrets: WebhookSecret[];
	if (mode === 'credential') {
		if (!sources.credentialSecret) {
			return {
				ok: false,
				error: new ConnectorError('webhookCredentialIncomplete', 'No Service Hook Secret credential is set.', {
					field: 'Credential',
				}),
			};
		}
		secrets = [sources.credentialSecret];
	} else {
		secrets = allRegistrations(sources.staticData)
			.map((registration) => registration.secret)
			.filter((secret): secret is GeneratedSecret => secret !== undefined)
			.map((secret) => ({ kind: 'basicAuth', user: secret.user, password: secret.password }));
		if (secrets.length === 0) {
			return {
				ok: false,
				error: new ConnectorError(
					'webhookSecretNotSet',
					'No subscription has been registered by this trigger yet, so there is no generated secret.',
					{ field: 'Delivery Authentication' },
				),
			};
		}
	}
	let accepted = false;
	let firstProblem: string | undefined;
	for (const secret of secrets) {
		const result = checkWebhookSecret(secret, headers);
		if (result.ok) accepted = true;
		else firstProblem ??= result.problem;
	}
	if (accepted) return { ok: true };
	return {
		ok: false,
		error: new ConnectorError('deliveryUnauthenticated', firstProblem ?? 'The delivery did not authenticate.', {
			field: 'Authorization',
		}),
	};
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
