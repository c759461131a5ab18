// 311.compression: zlib-compresses `size` bytes of seeded, text-like data at level 6 (SeBS compression).
//
// The input is built the same way in every language from the suite's xorshift32 generator (benchmarks/README.md,
// "Seeded data"): a pool of up to 256 KiB of words, then chunks of 256..4096 bytes copied from random places in the
// pool until `size` bytes exist. `input_bytes` and `input_crc32` therefore agree across languages; `compressed_bytes`
// agrees between C++ and Python (both use the system zlib) and is close for Node.js, which bundles its own zlib.
'use strict';

const zlib = require('zlib');

const MAX_BYTES = 64 * 1024 * 1024;
const MAX_SEED = 0xffffffff;
const DEFAULT_SEED = 42;
const LEVEL = 6;
const POOL_BYTES = 256 * 1024;
const MIN_CHUNK = 256;
const CHUNK_SPAN = 3841; // chunk lengths are MIN_CHUNK + next() % CHUNK_SPAN, i.e. 256..4096

// 64 words, so one draw picks a word with its low 6 bits and a line break with the next 4.
const WORDS = ('the serverless function scales from zero when requests arrive and the platform routes each event to an '
    + 'instance cold start latency depends on image size runtime language memory limit and network warm requests '
    + 'reuse the container while the autoscaler watches concurrency per pod queue proxy activator revision traffic '
    + 'split benchmark workload payload trace span zipkin header gateway broker trigger channel sink source deploy '
    + 'metrics').split(' ');

// The rule every language applies: a finite number without a fractional part, within [low, high].
function integerField(event, key, low, high, fallback) {
    const value = event[key] === undefined || event[key] === null ? fallback : event[key];
    if (value === undefined) {
        throw new RangeError(`${key} is required (an integer between ${low} and ${high})`);
    }
    if (!Number.isInteger(value)) {
        throw new TypeError(`${key} must be an integer, got ${JSON.stringify(value)}`);
    }
    if (value < low || value > high) {
        throw new RangeError(`${key} must be between ${low} and ${high}, got ${value}`);
    }
    return value;
}

function makeRandom(seed) {
    // murmur3's fmix32 spreads neighbouring seeds apart; xorshift32 must never start from 0.
    let h = (seed ^ 0x9e3779b9) >>> 0;
    h ^= h >>> 16;
    h = Math.imul(h, 0x85ebca6b) >>> 0;
    h ^= h >>> 13;
    h = Math.imul(h, 0xc2b2ae35) >>> 0;
    h ^= h >>> 16;
    let x = (h >>> 0) || 0x6d2b79f5;
    return () => {
        x ^= x << 13;
        x ^= x >>> 17;
        x ^= x << 5;
        x >>>= 0;
        return x;
    };
}

// Words separated by a space, or a line break one time in sixteen, cut to exactly `length` bytes.
function wordPool(next, length) {
    const parts = [];
    let total = 0;
    while (total < length) {
        const r = next();
        const part = WORDS[r & 63] + (((r >>> 6) & 15) === 0 ? '\n' : ' ');
        parts.push(part);
        total += part.length;
    }
    return Buffer.from(parts.join(''), 'ascii').subarray(0, length);
}

// Chunks copied from the pool: text-like redundancy without paying a draw per word for 64 MiB.
function seededData(size, seed) {
    const next = makeRandom(seed);
    const pool = wordPool(next, Math.min(size, POOL_BYTES));
    const data = Buffer.allocUnsafe(size);
    let total = pool.copy(data, 0);
    while (total < size) {
        const offset = next() % pool.length;
        const length = MIN_CHUNK + (next() % CHUNK_SPAN);
        total += pool.copy(data, total, offset, Math.min(offset + length, pool.length));
    }
    return data;
}

// floor(x * 1e4 + 0.5) / 1e4 in every language: the same IEEE operations give the same double.
const rounded = (value) => Math.floor(value * 10000 + 0.5) / 10000;

exports.handler = (event) => {
    if (event === null || typeof event !== 'object' || Array.isArray(event)) {
        throw new TypeError('expected a JSON object');
    }
    const size = integerField(event, 'size', 1, MAX_BYTES);
    const seed = integerField(event, 'seed', 0, MAX_SEED, DEFAULT_SEED);
    const data = seededData(size, seed);
    const compressed = zlib.deflateSync(data, { level: LEVEL });
    return {
        input_bytes: data.length,
        input_crc32: zlib.crc32(data),
        compressed_bytes: compressed.length,
        ratio: rounded(data.length / compressed.length),
    };
};
