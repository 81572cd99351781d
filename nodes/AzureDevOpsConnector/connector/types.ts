/** Shapes shared by the pure connector core. No n8n imports here. */

/** One operation of a JSON Patch document (RFC 6902), as Azure DevOps' work item API takes it. */
export interface JsonPatchOperation {
	op: 'add' | 'remove' | 'replace' | 'test' | 'copy' | 'move';
	path: string;
	value?: unknown;
	from?: string;
}

/** A value an AttributeMap may assign to a field. */
export type FieldValue = string | number | boolean;

/** The five work-item events Azure DevOps service hooks publish. */
export const WORK_ITEM_EVENT_TYPES = [
	'workitem.created',
	'workitem.updated',
	'workitem.commented',
	'workitem.deleted',
	'workitem.restored',
] as const;
export type WorkItemEventType = (typeof WORK_ITEM_EVENT_TYPES)[number];

/** A work-item relation as the REST API returns it (`$expand=relations`). */
export interface WorkItemRelation {
	rel: string;
	url: string;
	attributes?: Record<string, unknown>;
}
