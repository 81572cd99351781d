/**
 * The Azure DevOps client: the one place that knows the REST API. Named calls (client.ts), one target resolver
 * (target.ts), version negotiation (versions.ts), one HTTP path with back-off (request.ts), one error type (errors.ts).
 */
export { ATTACHMENT_CHUNK_BYTES, attachments, classificationNodes, comments, connection, fields, projects, relationTypes, states, subscriptions, teamIterations, teams, types, wiql, workItems, WORK_ITEMS_PER_READ } from './client';
export type { AttachmentReference, CallOptions, HookSubscription, RelationType, WorkItem, WriteFlags, WriteReport } from './client';
export { CONNECTION_DATA } from './connectionData';
export { AzureDevOpsError, errorCodeOf, faultsError, isAzureDevOpsError, toNodeError } from './errors';
export {
	DEFAULT_RETRY_POLICY,
	forgetServerVersions,
	parseRetryAfter,
	serverVersions,
	useTransportClock,
} from './request';
export type { AzureDevOpsCredentialType, RateLimitInfo, RequestContext, RetryPolicy, TransportClock } from './request';
export { attachmentOf, credentialOrganizations, readCredentialType, resolveTarget, workItemApiUrl, workItemIdOfApiUrl, workItemWebUrl } from './target';
export type { OrganizationTarget, Target, TargetContext } from './target';
export { describeServer, negotiateVersion, parseLocations } from './versions';
export type { ResourceLocation, Route, ServerVersions } from './versions';
