/**
 * Checking a delivery against the Service Hook Secret credential without reading the credential on every delivery.
 * In n8n 2.x each credential read from a webhook builds a workflow and an expression isolate (milliseconds of CPU),
 * so the trigger keeps a *verifier* of the secret instead: a random salt and SHA-256(salt + secret). A delivery's
 * secret is hashed with the same salt and the two digests are compared with `timingSafeEqual`. The verifier reveals
 * neither the secret nor how close a guess came; with a long random secret it cannot be reversed either.
 *
 * Where it lives:
 * - in the workflow's static data, written when the workflow is activated (checkExists / create), so every process
 *   that serves the webhook (a queue-mode webhook process, n8n after a restart) starts from it without a credential
 *   read; and refreshed there together with the duplicate window when an accepted delivery saves static data anyway;
 * - in this process's memory, per trigger node (workflow id + node id), where a refresh made on the delivery path is
 *   kept: n8n saves static data only when the node answers itself and after the request, and a request that did not
 *   authenticate must not cause a database write.
 *
 * When the credential is read again (a refresh):
 * - a delivery whose secret does not match: the secret may have been rotated in the credential. At most once per
 *   REFRESH_INTERVAL_MS per trigger node and process, so that callers with wrong secrets cannot make every request
 *   expensive; a matching delivery never waits for it;
 * - a verifier older than MAX_AGE_MS: so that an old secret stops working within that time after it was rotated out,
 *   even when no delivery with the new one arrives;
 * - a different credential chosen on the node (its id is part of the verifier): at once.
 */
import { createHash, randomBytes, timingSafeEqual } from 'crypto';
import type { IDataObject } from 'n8n-workflow';

import { secretBytes, suppliedSecretBytes, type HeaderBag, type WebhookSecret } from '../connector/webhookSecret';

/** A failed comparison re-reads the credential at most this often per trigger node (and process). */
export const REFRESH_INTERVAL_MS = 5_000;
/** A verifier older than this is refreshed before it is trusted again (rate-limited as above). */
export const MAX_AGE_MS = 5 * 60_000;
/** The key of the verifier in the node's static data. */
export const VERIFIER_KEY = 'secretVerifier';

export interface SecretVerifier {
	/** The credential the verifier was made from (the node's reference to it). */
	credentialId: string;
	kind: WebhookSecret['kind'];
	/** The header a header secret comes in; '' for Basic auth. */
	header: string;
	/** base64 of 16 random bytes. */
	salt: string;
	/** base64 of SHA-256(salt bytes + secret bytes). */
	hash: string;
	/** When the credential was read (ms since the epoch). */
	at: number;
}

function digest(salt: Buffer, secret: Uint8Array): Buffer {
	return createHash('sha256').update(salt).update(secret).digest();
}

/** A fresh verifier of the secret, with a new salt. */
export function makeVerifier(secret: WebhookSecret, credentialId: string, now: number): SecretVerifier {
	const salt = randomBytes(16);
	return {
		credentialId,
		kind: secret.kind,
		header: secret.kind === 'header' ? secret.name : '',
		salt: salt.toString('base64'),
		hash: digest(salt, secretBytes(secret)).toString('base64'),
		at: now,
	};
}

/** A verifier read back from static data, checked field by field; undefined when it is not one. */
export function readVerifier(value: unknown): SecretVerifier | undefined {
	if (!value || typeof value !== 'object' || Array.isArray(value)) return undefined;
	const entry = value as Record<string, unknown>;
	if (entry.kind !== 'basicAuth' && entry.kind !== 'header') return undefined;
	for (const key of ['credentialId', 'header', 'salt', 'hash'] as const) if (typeof entry[key] !== 'string') return undefined;
	if (typeof entry.at !== 'number' || !Number.isFinite(entry.at)) return undefined;
	return {
		credentialId: entry.credentialId as string,
		kind: entry.kind,
		header: entry.header as string,
		salt: entry.salt as string,
		hash: entry.hash as string,
		at: entry.at,
	};
}

/** Salt and hash of a verifier as bytes, decoded once per verifier object (the process keeps one per node). */
const decoded = new WeakMap<SecretVerifier, { salt: Buffer; hash: Buffer }>();

/** Whether the delivery's headers carry the secret the verifier was made from; constant time in the secret. */
export function verifies(verifier: SecretVerifier, headers: HeaderBag): boolean {
	const supplied = suppliedSecretBytes(verifier.kind, verifier.header, headers);
	if (supplied === undefined) return false;
	let bytes = decoded.get(verifier);
	if (!bytes) {
		bytes = { salt: Buffer.from(verifier.salt, 'base64'), hash: Buffer.from(verifier.hash, 'base64') };
		decoded.set(verifier, bytes);
	}
	const actual = digest(bytes.salt, supplied);
	return bytes.hash.length === actual.length && timingSafeEqual(bytes.hash, actual);
}

const LIVE_VERIFIERS = 256;
const liveVerifiers = new Map<string, SecretVerifier>();
const lastRefresh = new Map<string, number>();

function remember<T>(map: Map<string, T>, key: string, value: T): void {
	map.delete(key);
	map.set(key, value);
	if (map.size > LIVE_VERIFIERS) {
		const oldest = map.keys().next().value;
		if (oldest !== undefined) map.delete(oldest);
	}
}

/** The newest verifier this process or the static data holds for the node and its current credential. */
export function currentVerifier(key: string, staticData: IDataObject, credentialId: string): SecretVerifier | undefined {
	const live = liveVerifiers.get(key);
	const stored = staticData[VERIFIER_KEY] === undefined ? undefined : readVerifier(staticData[VERIFIER_KEY]);
	const usable = (verifier: SecretVerifier | undefined): verifier is SecretVerifier => verifier?.credentialId === credentialId;
	if (usable(live) && (!usable(stored) || live.at >= stored.at)) return live;
	if (!usable(stored)) return undefined;
	// From now on this process uses its own copy: static data is a fresh copy on every request.
	keepVerifier(key, stored);
	return stored;
}

/** Keeps a verifier in this process (after a refresh on the delivery path or at activation). */
export function keepVerifier(key: string, verifier: SecretVerifier): void {
	remember(liveVerifiers, key, verifier);
}

/** Whether the credential may be read again now for this node; if so, the read is counted from now. */
export function mayRefresh(key: string, now: number): boolean {
	const last = lastRefresh.get(key);
	if (last !== undefined && now - last < REFRESH_INTERVAL_MS && now >= last) return false;
	remember(lastRefresh, key, now);
	return true;
}
