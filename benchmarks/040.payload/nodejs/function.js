'use strict';
// 040.payload: echoes {"echo": text} back, or generates {"size": N} bytes of printable text (N <= 64 MiB), for
// sweeps over request and response sizes.

const MAX_SIZE = 64 * 1024 * 1024;
// The generated text is this alphabet repeated: deterministic, printable, identical in every language.
const ALPHABET = 'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789';

function generate(size) {
    return ALPHABET.repeat(Math.floor(size / ALPHABET.length)) + ALPHABET.slice(0, size % ALPHABET.length);
}

exports.handler = (event) => {
    if (event === null || typeof event !== 'object' || Array.isArray(event)) {
        throw new TypeError('expected a JSON object');
    }
    if ('echo' in event) {
        if (typeof event.echo !== 'string') {
            throw new TypeError('echo must be a string');
        }
        return { payload: event.echo, bytes: Buffer.byteLength(event.echo, 'utf8') };
    }
    if ('size' in event) {
        const size = event.size;
        if (!Number.isInteger(size) || size < 0 || size > MAX_SIZE) {
            throw new RangeError(`size must be an integer between 0 and ${MAX_SIZE}`);
        }
        return { payload: generate(size), bytes: size };
    }
    throw new TypeError('expected {"echo": "<text>"} or {"size": <bytes>}');
};
