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
	/**
	 * How many deliveries this window has recorded in its life. Two copies of one window (static data loaded by a
	 * request before another request saved its own) are told apart by it: the higher count has seen more.
	 */
	s?: number;
}

export interface DedupLimits {
	notifications: number;
	workItems: number;
}

export const DEFAULT_DEDUP_LIMITS: DedupLimits = { notifications: 500, workItems: 2000 };

const isSafeInteger = Number.isSafeInteger;

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

/**
 * Windows this module built itself (by reading and repairing, or by recording a delivery) and therefore knows to be
 * well formed. Neither this module nor the trigger ever changes a window in place, so reading one of them again (the
 * window the previous delivery stored, while the workflow stays loaded) needs no second pass over its thousands of
 * entries. A window that comes from anywhere else (static data loaded from the database, a hand edit) is not in here
 * and is checked entry by entry as before.
 */
const wellFormed = new WeakSet<object>();

function trusted(state: DedupState): DedupState {
	wellFormed.add(state);
	return state;
}

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
	if (wellFormed.has(raw)) {
		// Read back a second time: the workflow stays loaded, so lookups by key pay off from here on.
		indexWindow(raw as DedupState);
		return raw as DedupState;
	}
	const candidate = raw as { v?: unknown; n?: unknown; w?: unknown; s?: unknown };
	if (candidate.v !== 1) return emptyDedupState();
	const n = Array.isArray(candidate.n)
		? candidate.n.filter((key): key is string => typeof key === 'string' && key.length <= MAX_KEY_LENGTH)
		: [];
	const w: Array<string | number> = [];
	if (Array.isArray(candidate.w)) {
		const stored = candidate.w as unknown[];
		const length = stored.length;
		for (let i = 0; i + 1 < length; i += 2) {
			const key = stored[i];
			const revision = stored[i + 1];
			if (typeof key === 'string' && typeof revision === 'number' && isSafeInteger(revision)) {
				w.push(key, revision);
			}
		}
	}
	const repaired: DedupState = { v: 1, n, w };
	const recorded = candidate.s;
	if (typeof recorded === 'number' && isSafeInteger(recorded) && recorded >= 0) repaired.s = recorded;
	return trusted(repaired);
}

/** Of two copies of a window, the one that has recorded more deliveries (the first when they are even). */
export function newerDedupState(first: DedupState, second: DedupState | undefined): DedupState {
	return second !== undefined && (second.s ?? 0) > (first.s ?? 0) ? second : first;
}

/**
 * The key a work item is ordered under: one sequence per event family, so a comment and an update of the same revision
 * are both kept. Comments are not ordered: every comment is its own event, and one delivered after a later one is still
 * new (see commentKey).
 */
export function workItemKey(eventType: string, workItemId: number): string | null {
	switch (eventType) {
		case 'workitem.updated':
			return `u${workItemId}`;
		case 'workitem.created':
			return `n${workItemId}`;
		default:
			// Deletion and restoration do not raise the revision: only their notificationId tells repeats apart.
			return null;
	}
}

/**
 * A comment's key in the notification window: its work item and the revision the comment made. Retries and a second
 * subscription's copy of one comment share it; comments delivered out of order do not, so none of them is lost.
 */
export function commentKey(workItemId: number, revision: number): string {
	return `c${workItemId}@${revision}`;
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

/**
 * Lookups by key for a window that stays in memory (see readDedupState): the notification keys and the last revision
 * per work item key. Only windows without repeated keys get one (hand-edited data may repeat them; those keep the
 * plain scans). An index moves with the window: recordDelivery hands it on to the window it returns, updated.
 */
interface WindowIndex {
	notifications: Set<string>;
	revisions: Map<string, number>;
}
const indexes = new WeakMap<DedupState, WindowIndex>();

function indexWindow(state: DedupState): void {
	if (indexes.has(state)) return;
	const notifications = new Set(state.n);
	const revisions = new Map<string, number>();
	for (let i = 0; i + 1 < state.w.length; i += 2) revisions.set(state.w[i] as string, state.w[i + 1] as number);
	if (notifications.size !== state.n.length || revisions.size * 2 !== state.w.length) return;
	indexes.set(state, { notifications, revisions });
}

function findRevision(state: DedupState, key: string): number | undefined {
	const index = indexes.get(state);
	if (index) return index.revisions.get(key);
	const at = indexOfKey(state.w, key);
	return at === -1 ? undefined : (state.w[at + 1] as number);
}

function hasNotification(state: DedupState, key: string): boolean {
	const index = indexes.get(state);
	return index ? index.notifications.has(key) : state.n.includes(key);
}

/** Decides whether a delivery is new, a repeat of one already accepted, or older than the last one accepted. */
export function checkDelivery(state: DedupState, delivery: DeliveryIdentity): DedupVerdict {
	const key = notificationKey(delivery.notificationId);
	if (key !== null && hasNotification(state, key)) return { verdict: 'duplicate', notificationId: key };
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
	// The index, if any, is taken over by the new window (the old one falls back to plain scans).
	const index = indexes.get(state);
	if (index) indexes.delete(state);

	const n = state.n.slice();
	const key = notificationKey(delivery.notificationId);
	if (key !== null && !(index ? index.notifications.has(key) : n.includes(key))) {
		n.push(key);
		index?.notifications.add(key);
	}
	if (n.length > limits.notifications) {
		const dropped = n.splice(0, n.length - limits.notifications);
		if (index) for (const old of dropped) index.notifications.delete(old);
	}

	let w = state.w;
	if (delivery.workItemKey !== null && delivery.revision !== null) {
		w = state.w.slice();
		const known = index ? index.revisions.has(delivery.workItemKey) : true;
		const at = known ? indexOfKey(w, delivery.workItemKey) : -1;
		if (at !== -1) w.splice(at, 2);
		w.push(delivery.workItemKey, delivery.revision);
		index?.revisions.set(delivery.workItemKey, delivery.revision);
		const excess = w.length / 2 - limits.workItems;
		if (excess > 0) {
			const dropped = w.splice(0, excess * 2);
			if (index) for (let i = 0; i < dropped.length; i += 2) index.revisions.delete(dropped[i] as string);
		}
	}
	const recorded = trusted({ v: 1, n, w, s: (state.s ?? 0) + 1 });
	if (index) indexes.set(recorded, index);
	return recorded;
}
