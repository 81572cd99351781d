/**
 * The client's one error type, and the one way any fault becomes the error n8n shows. An `AzureDevOpsError` is a
 * NodeApiError (so n8n renders it as the API's answer) that also carries what the code needs to decide on it: our
 * catalogue key, the HTTP status, and Azure DevOps' own message and exception type. Callers compare `key`, never
 * message text.
 */
import type { INode, JsonObject } from 'n8n-workflow';
import { NodeApiError, NodeOperationError } from 'n8n-workflow';

import {
	ConnectorError,
	ConnectorErrors,
	ERROR_CATALOGUE,
	faultReportHtml,
	formatErrorMessage,
	reportFaults,
	type ErrorKey,
} from '../connector/errors';

export interface AzureDevOpsErrorFacts {
	/** HTTP status of Azure DevOps' answer; undefined when there was none (network, refused before sending). */
	status?: number;
	/** Azure DevOps' own message, as it wrote it. */
	serviceMessage?: string;
	/** Azure DevOps' exception type (`typeKey`), e.g. WorkItemRevisionMismatchException. */
	serviceType?: string;
	itemIndex?: number;
}

export class AzureDevOpsError extends NodeApiError {
	readonly key: ErrorKey;
	readonly code: string;
	readonly status: number | undefined;
	readonly serviceMessage: string | undefined;
	readonly serviceType: string | undefined;

	constructor(node: INode, key: ErrorKey, problem: string, facts: AzureDevOpsErrorFacts = {}, fix?: string) {
		const spec = ERROR_CATALOGUE[key];
		const response: JsonObject = {};
		if (facts.status !== undefined) response.status = facts.status;
		if (facts.serviceMessage !== undefined) response.message = facts.serviceMessage;
		if (facts.serviceType !== undefined) response.typeKey = facts.serviceType;
		super(node, response, {
			message: formatErrorMessage(spec.code, undefined, problem, fix ?? spec.fix),
			description: fix ?? spec.fix,
			httpCode: facts.status !== undefined ? String(facts.status) : undefined,
			itemIndex: facts.itemIndex,
		});
		this.key = key;
		this.code = spec.code;
		this.status = facts.status;
		this.serviceMessage = facts.serviceMessage;
		this.serviceType = facts.serviceType;
		this.context.code = spec.code;
	}
}

/** Whether `error` is the client's error with one of these keys. */
export function isAzureDevOpsError(error: unknown, ...keys: ErrorKey[]): error is AzureDevOpsError {
	return error instanceof AzureDevOpsError && (keys.length === 0 || keys.includes(error.key));
}

/** The AZDC code of any error the package raises (client, connector core, or already converted for n8n). */
export function errorCodeOf(error: unknown): string | undefined {
	if (error instanceof AzureDevOpsError || error instanceof ConnectorError) return error.code;
	const code = (error as { context?: { code?: unknown } } | undefined)?.context?.code;
	return typeof code === 'string' ? code : undefined;
}

/**
 * Any fault as the error n8n shows, with its code and item index: client errors pass through, connector faults become
 * NodeOperationErrors with their fix as the description, anything else is wrapped once.
 */
export function toNodeError(node: INode, error: unknown, itemIndex?: number): NodeApiError | NodeOperationError {
	if (error instanceof NodeApiError || error instanceof NodeOperationError) return error;
	if (error instanceof ConnectorError) {
		const nodeError = new NodeOperationError(node, error.message, { description: error.fix, itemIndex });
		nodeError.context.code = error.code;
		if (error.field) nodeError.context.field = error.field;
		return nodeError;
	}
	if (error instanceof ConnectorErrors) return faultsError(node, error, itemIndex);
	if (error instanceof Error) return new NodeOperationError(node, error, { itemIndex });
	return new NodeOperationError(node, String(error), { itemIndex });
}

/**
 * Several faults as n8n shows them: the headline as the message ("4 problems in the Connector Settings"), one problem
 * per line and each fix once in the description; every code in the context. One fault reads as a ConnectorError.
 */
export function faultsError(
	node: INode,
	error: ConnectorErrors,
	itemIndex?: number,
	where = '',
): NodeOperationError {
	const report = reportFaults(error.errors, error.subject, error.total);
	const single = error.errors.length === 1 ? error.errors[0] : undefined;
	const message = single
		? where === ''
			? single.message
			: single.message.replace(' Fix: ', ` ${where} Fix: `)
		: `${report.headline}${where === '' ? '' : ` ${where}`}`;
	const nodeError = new NodeOperationError(node, message, {
		description: single ? single.fix : faultReportHtml(report),
		itemIndex,
	});
	nodeError.context.code = error.code;
	nodeError.context.codes = error.errors.map((fault) => fault.code);
	if (single?.field) nodeError.context.field = single.field;
	return nodeError;
}

/** The catalogue key for an Azure DevOps answer that is not a success. */
export function keyForStatus(status: number, serviceType: string | undefined): ErrorKey {
	if (status >= 300 && status < 400) return 'azureDevOpsRedirected';
	if (status === 203 || status === 401) return 'azureDevOpsUnauthorized';
	if (status === 403) return 'azureDevOpsForbidden';
	if (status === 404) return 'azureDevOpsNotFound';
	if (status === 409 || status === 412 || serviceType === 'WorkItemRevisionMismatchException') return 'azureDevOpsConflict';
	if (status === 429 || status === 503) return 'azureDevOpsThrottled';
	if (status >= 500) return 'azureDevOpsUnavailable';
	return 'azureDevOpsRejected';
}

/** Azure DevOps' own error text from its JSON error shape ({ message, typeKey, errorCode, ... }). */
export function serviceFacts(body: unknown): { serviceMessage?: string; serviceType?: string } {
	if (body && typeof body === 'object' && !Array.isArray(body)) {
		const { message, typeKey } = body as { message?: unknown; typeKey?: unknown };
		return {
			serviceMessage: typeof message === 'string' ? message : undefined,
			serviceType: typeof typeKey === 'string' ? typeKey : undefined,
		};
	}
	return {};
}
