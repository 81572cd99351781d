/**
 * Who the trigger's own credential signs in as, learnt once at activation (one connectionData request) and kept in the
 * node's static data, so a delivery recognises the connector's own changes without reading a credential or sending a
 * request. Not secret: an identity id, a unique name and a display name.
 */
import type { IDataObject, IHookFunctions } from 'n8n-workflow';

import { identityOfConnectionData, readConnectorIdentity, type ConnectorIdentity } from '../connector/echo';
import { connection, credentialOrganizations, resolveTarget, type AzureDevOpsCredentialType, type OrganizationTarget } from '../transport';
import type { TriggerConfig } from './config';

/** The key of the identity in the node's static data. */
export const OWN_IDENTITY_KEY = 'connectorIdentity';

/** The identity stored at activation, or null. */
export function ownIdentityOf(staticData: IDataObject): ConnectorIdentity | null {
	return readConnectorIdentity(staticData[OWN_IDENTITY_KEY]);
}

/**
 * Learns the credential's identity and stores it (only when it changed, so an unchanged activation saves nothing new).
 * A failure is logged and leaves what was known: the marker still recognises the connector's comments.
 */
export async function learnOwnIdentity(context: IHookFunctions, config: TriggerConfig): Promise<void> {
	const staticData = context.getWorkflowStaticData('node');
	if (config.authentication === 'none' || config.echo.mode === 'none') {
		if (OWN_IDENTITY_KEY in staticData) delete staticData[OWN_IDENTITY_KEY];
		return;
	}
	const credentialType = config.authentication as AzureDevOpsCredentialType;
	try {
		let organization: OrganizationTarget;
		try {
			organization = await resolveTarget(context, credentialType, config.project);
		} catch {
			// No usable project: any organization of the credential says who it signs in as.
			[organization] = await credentialOrganizations(context, credentialType);
		}
		const body = await connection.signedIn(context, organization, { retry: { maxAttempts: 2, maxTotalWaitMs: 2000 }, timeoutMs: 10_000 });
		const identity = identityOfConnectionData(body, credentialType);
		if (!identity) return;
		const stored = ownIdentityOf(staticData);
		if (JSON.stringify(stored) !== JSON.stringify(identity)) staticData[OWN_IDENTITY_KEY] = { ...identity } as IDataObject;
	} catch (error) {
		context.logger.warn(
			`Azure DevOps Connector Trigger could not learn which identity its credential signs in as (${(error as Error).message}); the connector's comments are still recognised by their marker.`,
		);
	}
}
