/**
 * Duplicate and out-of-order deliveries. Azure DevOps retries a delivery it thinks failed (same notificationId) and
 * may deliver an older revision after a newer one. The trigger remembers a bounded window of both, so its memory
 * (kept in the workflow's static data) stays small however many deliveries arrive. Pure data in, pure data out.
 */

/** The remembered window, as stored in static data: compact arrays, oldest first. */
export interface DedupState {
	/** Format version, so a later release can migrate instead of misreading. */
	v: 1;
	/** Recently seen notification keys, oldest first. */
	n: string[];
	/** Work items with the last revision seen, flattened [key, revision, key, revision, ...], least recently used first. */
	w: Array<string | number>;
}

export interface DedupLimits {
	notifications: number;
	workItems: number;
}

export const DEFAULT_DEDUP_LIMITS: DedupLimits = { notifications: 500, workItems: 2000 };

/** Longest notification key kept; longer ids are cut (Azure DevOps sends integers). */
const MAX_KEY_LENGTH = 40;

/** What the trigger knows about one delivery for duplicate checks. */
export interface DeliveryIdentity {
	notificationId: number | string | null;
	/** Work item key: event family and work item id, e.g. "u42"; null when the delivery cannot be ordered. */
	workItemKey: string | null;
	revision: number | null;
}

export type DedupVerdict =
	| { verdict: 'new' }
	| { verdict: 'duplicate'; notificationId: string }
	| { verdict: 'stale'; revision: number; lastRevision: number };

/** An empty window. */
export function emptyDedupState(): DedupState {
	return { v: 1, n: [], w: [] };
}

/**
 * Reads what static data holds; anything that is not a well-formed window (older format, hand-edited, cut short) is
 * repaired entry by entry, so a bad entry costs at most the memory of that entry, never an exception.
 */
export function readDedupState(raw: unknown): DedupState {
	if (!raw || typeof raw !== 'object' || Array.isArray(raw)) return emptyDedupState();
	const candidate = raw as { v?: unknown; n?: unknown; w?: unknown };
	if (candidate.v !== 1) return emptyDedupState();
	const n = Array.isArray(candidate.n)
		? candidate.n.filter((key): key is string => typeof key === 'string' && key.length <= MAX_KEY_LENGTH)
		: [];
	const w: Array<string | number> = [];
	if (Array.isArray(candidate.w)) {
		for (let i = 0; i + 1 < candidate.w.length; i += 2) {
			const key = candidate.w[i];
			const revision = candidate.w[i + 1];
			if (typeof key === 'string' && typeof revision === 'number' && Number.isSafeInteger(revision)) {
				w.push(key, revision);
			}
		}
	}
	return { v: 1, n, w };
}

/** The key a work item is ordered under: one sequence per event family, so a comment and an update of the same revision are both kept. */
export function workItemKey(eventType: string, workItemId: number): string | null {
	switch (eventType) {
		case 'workitem.updated':
			return `u${workItemId}`;
		case 'workitem.commented':
			return `c${workItemId}`;
		case 'workitem.created':
			return `n${workItemId}`;
		default:
			// Deletion and restoration do not raise the revision: only their notificationId tells repeats apart.
			return null;
	}
}

function notificationKey(id: number | string | null): string | null {
	if (id === null) return null;
	const text = String(id);
	return text === '' ? null : text.slice(0, MAX_KEY_LENGTH);
}

/** Position of a work item key in the flattened list, searching from the newest end; -1 when absent. */
function indexOfKey(w: ReadonlyArray<string | number>, key: string): number {
	for (let i = w.length - 2; i >= 0; i -= 2) if (w[i] === key) return i;
	return -1;
}

function findRevision(state: DedupState, key: string): number | undefined {
	const at = indexOfKey(state.w, key);
	return at === -1 ? undefined : (state.w[at + 1] as number);
}

/** Decides whether a delivery is new, a repeat of one already accepted, or older than the last one accepted. */
export function checkDelivery(state: DedupState, delivery: DeliveryIdentity): DedupVerdict {
	const key = notificationKey(delivery.notificationId);
	if (key !== null && state.n.includes(key)) return { verdict: 'duplicate', notificationId: key };
	if (delivery.workItemKey !== null && delivery.revision !== null) {
		const last = findRevision(state, delivery.workItemKey);
		if (last !== undefined && delivery.revision <= last) {
			return { verdict: 'stale', revision: delivery.revision, lastRevision: last };
		}
	}
	return { verdict: 'new' };
}

/** A new window that also remembers this delivery, trimmed to the limits (least recently used dropped first). */
export function recordDelivery(
	state: DedupState,
	delivery: DeliveryIdentity,
	limits: DedupLimits = DEFAULT_DEDUP_LIMITS,
): DedupState {
	const n = state.n.slice();
	const key = notificationKey(delivery.notificationId);
	if (key !== null && !n.includes(key)) n.push(key);
	if (n.length > limits.notifications) n.splice(0, n.length - limits.notifications);

	let w = state.w;
	if (delivery.workItemKey !== null && delivery.revision !== null) {
		w = state.w.slice();
		const at = indexOfKey(w, delivery.workItemKey);
		if (at !== -1) w.splice(at, 2);
		w.push(delivery.workItemKey, delivery.revision);
		const excess = w.length / 2 - limits.workItems;
		if (excess > 0) w.splice(0, excess * 2);
	}
	return { v: 1, n, w };
}
