/**
 * Download Attachments: the files an event brings, as n8n binary data on the trigger's item. A new work item brings
 * all its files; an update brings the files it added (`resource.relations.added`), so a ticket never gets a file twice.
 * A file that cannot come (too large, refused, gone) is listed with the reason and the workflow still starts: the event
 * is never lost for a file.
 */
import type { IBinaryKeyData, IDataObject, IWebhookFunctions } from 'n8n-workflow';

import { ERROR_CATALOGUE, formatErrorMessage } from '../connector/errors';
import type { WorkItemRelation } from '../connector/types';
import { attachmentOf, attachments, errorCodeOf, resolveTarget, type AzureDevOpsCredentialType, type Target } from '../transport';
import type { TriggerConfig } from './config';

/** The most files one event brings onto its item (a work item created with hundreds of files is listed, not loaded). */
const MAX_FILES_PER_EVENT = 20;

export interface EventFiles {
	/** One entry per file, in the order the delivery lists them. */
	list: IDataObject[];
	binary: IBinaryKeyData;
}

/** The AttachedFile links the event brought: all of a new work item's, or those an update added. */
export function filesOfEvent(
	eventType: string,
	relations: WorkItemRelation[] | null,
	added: WorkItemRelation[] | null,
): WorkItemRelation[] {
	const source = eventType === 'workitem.created' ? relations : eventType === 'workitem.updated' ? added : null;
	return (source ?? []).filter((relation) => relation.rel === 'AttachedFile' && typeof relation.url === 'string');
}

function reasonOf(message: string): string {
	const spec = ERROR_CATALOGUE.triggerAttachmentNotDownloaded;
	return formatErrorMessage(spec.code, undefined, message, spec.fix);
}

/** Downloads the event's files (each at most `config.maxAttachmentBytes`), one after the other. */
export async function downloadEventFiles(
	context: IWebhookFunctions,
	config: TriggerConfig,
	files: WorkItemRelation[],
	where: { organizationUrl: string | null; project: string | null },
): Promise<EventFiles> {
	const list: IDataObject[] = [];
	const binary: IBinaryKeyData = {};
	// Most deliveries bring no file: they cost no credential read.
	if (files.length === 0) return { list, binary };
	let organizationUrl = where.organizationUrl;
	const credentialType = config.authentication === 'none' ? undefined : (config.authentication as AzureDevOpsCredentialType);
	if (credentialType && config.project) {
		try {
			organizationUrl = (await resolveTarget(context, credentialType, config.project)).organizationUrl;
		} catch {
			// The delivery's own organization is used.
		}
	}
	for (const [index, relation] of files.entries()) {
		const reference = attachmentOf(relation.url);
		const attributes = relation.attributes ?? {};
		const fileName = String(attributes.name ?? reference?.fileName ?? reference?.id ?? `attachment-${index}`);
		const size = typeof attributes.resourceSize === 'number' ? attributes.resourceSize : null;
		const entry: IDataObject = {
			id: reference?.id ?? null,
			fileName,
			size,
			url: relation.url,
			comment: typeof attributes.comment === 'string' ? attributes.comment : null,
			downloaded: false,
			binaryProperty: null,
		};
		list.push(entry);
		let reason: string | undefined;
		if (!reference) reason = 'The link does not point at an Azure DevOps attachment.';
		else if (!credentialType) reason = 'The trigger has no Azure DevOps credential to download it with.';
		else if (!organizationUrl || !where.project) reason = 'The delivery does not say which organization and project the file is in.';
		else if (index >= MAX_FILES_PER_EVENT) reason = `Only the first ${MAX_FILES_PER_EVENT} files of an event are downloaded.`;
		else if (size !== null && size > config.maxAttachmentBytes) reason = tooLarge(size, config.maxAttachmentBytes);
		if (!reason && reference && credentialType && organizationUrl && where.project) {
			try {
				const bytes = await attachments.download(
					context,
					{ credentialType, organizationUrl, project: where.project } satisfies Target,
					reference.id,
					fileName,
					// Azure DevOps waits for the answer to its delivery: keep each detour short.
					{ retry: { maxAttempts: 2, maxTotalWaitMs: 2000 }, timeoutMs: 15_000 },
				);
				entry.size = bytes.length;
				if (bytes.length > config.maxAttachmentBytes) {
					reason = tooLarge(bytes.length, config.maxAttachmentBytes);
				} else {
					const property = `attachment_${Object.keys(binary).length}`;
					binary[property] = await context.helpers.prepareBinaryData(bytes, fileName);
					entry.downloaded = true;
					entry.binaryProperty = property;
				}
			} catch (error) {
				const code = errorCodeOf(error);
				const message = (error instanceof Error ? error.message : String(error)).replace(/^\[AZDC-\d{4}\]\s*/, '');
				reason = `Downloading ${fileName} failed${code ? ` (${code})` : ''}: ${message}`;
			}
		}
		if (reason) entry.reason = reasonOf(reason);
	}
	return { list, binary };
}

function tooLarge(size: number, limit: number): string {
	const mb = (bytes: number) => `${Math.round((bytes / 1024 / 1024) * 1000) / 1000} MB`;
	return `The file is ${mb(size)}, over the Download Size Limit of ${mb(limit)}.`;
}
