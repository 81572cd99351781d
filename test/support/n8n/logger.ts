// Captures everything n8n logs while a test runs: the node contexts' `this.logger` (n8n-core takes it from its
// dependency-injection container) and n8n-workflow's LoggerProxy (the engine's own debug lines). A test can then
// read, or scan, every line a user would find in n8n's log.
import { createRequire } from 'module';
import { LoggerProxy } from 'n8n-workflow';

export type LogLevel = 'error' | 'warn' | 'info' | 'debug';

export interface LogLine {
	level: LogLevel;
	message: string;
	metadata?: unknown;
}

export interface LogCapture {
	/** Every line logged since capture began, in order. */
	readonly lines: LogLine[];
	/** Puts back the loggers that were there before. */
	restore(): void;
}

interface LoggerLike {
	error(message: string, metadata?: unknown): void;
	warn(message: string, metadata?: unknown): void;
	info(message: string, metadata?: unknown): void;
	debug(message: string, metadata?: unknown): void;
	scoped(scopes: unknown): LoggerLike;
}

interface Container {
	has(type: unknown): boolean;
	get<T>(type: unknown): T;
	set(type: unknown, instance: unknown): void;
}

// n8n-core may carry its own copies of @n8n/di and @n8n/backend-common: resolve them from n8n-core's own folder, so
// the container replaced here is the one its node contexts read.
const fromN8nCore = createRequire(require.resolve('n8n-core'));
const { Container } = fromN8nCore('@n8n/di') as { Container: Container };
const { Logger } = fromN8nCore('@n8n/backend-common') as { Logger: unknown };

/** Starts capturing every log line of n8n (all levels, also debug); call `restore()` in afterAll. */
export function captureLogs(): LogCapture {
	const lines: LogLine[] = [];
	const record =
		(level: LogLevel) =>
		(message: string, metadata?: unknown): void => {
			lines.push(metadata === undefined ? { level, message: String(message) } : { level, message: String(message), metadata });
		};
	const logger: LoggerLike = {
		error: record('error'),
		warn: record('warn'),
		info: record('info'),
		debug: record('debug'),
		scoped: () => logger,
	};
	const previous = Container.has(Logger) ? Container.get<LoggerLike>(Logger) : undefined;
	Container.set(Logger, logger);
	LoggerProxy.init(logger as unknown as Parameters<typeof LoggerProxy.init>[0]);
	return {
		lines,
		restore: () => {
			const silent: LoggerLike = { error() {}, warn() {}, info() {}, debug() {}, scoped: () => silent };
			Container.set(Logger, previous ?? silent);
			LoggerProxy.init((previous ?? silent) as unknown as Parameters<typeof LoggerProxy.init>[0]);
		},
	};
}
