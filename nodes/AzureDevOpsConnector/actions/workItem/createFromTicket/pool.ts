/**
 * A small promise pool for many tickets: at most `limit` requests in flight, results in input order, and a limit that
 * shrinks when Azure DevOps signals pressure (a throttled answer, a low X-RateLimit-Remaining) and grows back slowly
 * once answers come back clean. No timers: the transport already waits out Retry-After; the pool only stops adding
 * load while it does.
 */

export interface PoolSignal {
	/** Attempts the request took; more than one means Azure DevOps throttled it (429/503) before it went through. */
	attempts?: number;
	/** X-RateLimit-Remaining of the answer. */
	remaining?: number;
	/** X-RateLimit-Limit of the answer. */
	limit?: number;
	/** X-RateLimit-Delay: seconds Azure DevOps already delayed the request. */
	delaySeconds?: number;
}

export interface PoolOptions {
	/** Largest number of tasks in flight. */
	concurrency: number;
	/** Stop starting new tasks (tasks in flight still finish); checked before every start. */
	shouldStop?: () => boolean;
}

export interface PoolStats {
	/** Most tasks that were ever in flight at once. */
	peak: number;
	/** Smallest limit the pool shrank to. */
	lowestLimit: number;
	/** How many times it shrank. */
	slowdowns: number;
}

/** Below this many requests left in Azure DevOps' window, the pool slows down. */
const LOW_REMAINING = 50;
/** Clean answers needed before the limit grows by one again. */
const RECOVERY_STREAK = 5;

/** Decides from one answer whether Azure DevOps wants the pool to slow down. */
export function isUnderPressure(signal: PoolSignal | undefined): boolean {
	if (!signal) return false;
	if ((signal.attempts ?? 1) > 1) return true;
	if ((signal.delaySeconds ?? 0) > 0) return true;
	if (signal.remaining !== undefined) {
		const threshold = signal.limit !== undefined ? Math.min(LOW_REMAINING, signal.limit * 0.1) : LOW_REMAINING;
		if (signal.remaining <= threshold) return true;
	}
	return false;
}

/**
 * Runs `task(index, report)` for every index below `count`; `report` tells the pool how the request went. Returns one
 * entry per index, in order; an index that was never started (after `shouldStop`) stays `undefined`.
 */
export async function runPool<T>(
	count: number,
	task: (index: number, report: (signal: PoolSignal) => void) => Promise<T>,
	options: PoolOptions,
): Promise<{ results: Array<T | undefined>; stats: PoolStats }> {
	const maxLimit = Math.max(1, Math.floor(options.concurrency));
	const results: Array<T | undefined> = new Array<T | undefined>(count).fill(undefined);
	const stats: PoolStats = { peak: 0, lowestLimit: maxLimit, slowdowns: 0 };
	if (count === 0) return { results, stats };

	let limit = maxLimit;
	let next = 0;
	let active = 0;
	let cleanStreak = 0;
	let failure: { error: unknown } | undefined;

	return await new Promise((resolve, reject) => {
		const report = (signal: PoolSignal) => {
			if (isUnderPressure(signal)) {
				const shrunk = Math.max(1, Math.floor(limit / 2));
				if (shrunk < limit) stats.slowdowns++;
				limit = shrunk;
				stats.lowestLimit = Math.min(stats.lowestLimit, limit);
				cleanStreak = 0;
			} else if (limit < maxLimit && ++cleanStreak >= RECOVERY_STREAK) {
				limit++;
				cleanStreak = 0;
			}
		};

		const launch = () => {
			while (!failure && active < limit && next < count && !(options.shouldStop?.() ?? false)) {
				const index = next++;
				active++;
				stats.peak = Math.max(stats.peak, active);
				task(index, report).then(
					(value) => {
						results[index] = value;
						finish();
					},
					(error: unknown) => {
						// Tasks report their own failures as values; a rejection is a bug, surfaced once all settle.
						failure = failure ?? { error };
						finish();
					},
				);
			}
			if (active === 0) {
				if (failure) reject(failure.error);
				else resolve({ results, stats });
			}
		};

		const finish = () => {
			active--;
			launch();
		};

		launch();
	});
}
