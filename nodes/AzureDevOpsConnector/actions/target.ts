/**
 * What an operation reads from its parameters to address Azure DevOps: the credential type, the project (resolved by
 * the client's one `resolveTarget`), the work item id.
 */
import type { IExecuteFunctions, ILoadOptionsFunctions, INodeParameterResourceLocator } from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';

import type { ConnectorError } from '../connector/errors';
import { readCredentialType, resolveTarget, type AzureDevOpsCredentialType, type Target } from '../transport';

type ParameterContext = IExecuteFunctions | ILoadOptionsFunctions;

/** The credential type the node is set to use. */
export function credentialTypeOf(context: ParameterContext, itemIndex = 0): AzureDevOpsCredentialType {
	const authentication =
		'getInputData' in context
			? context.getNodeParameter('authentication', itemIndex, 'azureDevOpsApi')
			: context.getCurrentNodeParameter('authentication');
	return readCredentialType(authentication) ?? 'azureDevOpsApi';
}

/** The organization and project of one input item (the Project parameter against the node's credential). */
export async function itemTarget(context: IExecuteFunctions, itemIndex: number, parameterName = 'project'): Promise<Target> {
	const project = context.getNodeParameter(parameterName, itemIndex) as INodeParameterResourceLocator | string;
	return await resolveTarget(context, credentialTypeOf(context, itemIndex), project);
}

/** Reads a work item id from the Work Item resource locator: an id, or an API or web URL of the work item. */
export function workItemIdFrom(value: unknown): number | undefined {
	const raw =
		value && typeof value === 'object' && 'value' in value
			? (value as INodeParameterResourceLocator).value
			: value;
	const text = String(raw ?? '').trim();
	const fromUrl = /(?:\/workitems\/|\/_workitems\/edit\/|[?&]id=)(\d+)/i.exec(text);
	const candidate = fromUrl ? fromUrl[1] : text;
	if (!/^\d+$/.test(candidate)) return undefined;
	const id = Number(candidate);
	return Number.isSafeInteger(id) && id > 0 ? id : undefined;
}

/** A coded fault from the connector core as the NodeOperationError n8n shows, with its item index. */
export function operationError(
	context: IExecuteFunctions | ILoadOptionsFunctions,
	error: ConnectorError,
	itemIndex?: number,
): NodeOperationError {
	const nodeError = new NodeOperationError(context.getNode(), error.message, {
		description: error.fix,
		itemIndex,
	});
	nodeError.context.code = error.code;
	return nodeError;
}
