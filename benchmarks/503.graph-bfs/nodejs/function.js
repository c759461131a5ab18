// 503.graph-bfs: breadth-first search from node 0 over a seeded random graph.
//
// The graph has `size` nodes and 2 * size undirected edges (average degree 4). Edge k joins u = next() % size and
// v = next() % size, drawn from the suite's xorshift32 generator (benchmarks/README.md, "Seeded data"), so the C++,
// Python and Node.js handlers build the same graph and report the same counts for the same input.
'use strict';

const MAX_NODES = 1000000;
const MAX_SEED = 0xffffffff;
const DEFAULT_SEED = 42;
const EDGES_PER_NODE = 2;

// The rule every language applies: a finite number without a fractional part, within [low, high].
function integerField(event, key, low, high, fallback) {
    if (event === null || typeof event !== 'object' || Array.isArray(event)) {
        throw new TypeError('expected a JSON object');
    }
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

// murmur3's fmix32 spreads neighbouring seeds apart; xorshift32 must never start from 0.
function seedState(seed) {
    let h = (seed ^ 0x9e3779b9) >>> 0;
    h ^= h >>> 16;
    h = Math.imul(h, 0x85ebca6b) >>> 0;
    h ^= h >>> 13;
    h = Math.imul(h, 0xc2b2ae35) >>> 0;
    h ^= h >>> 16;
    return (h >>> 0) || 0x6d2b79f5;
}

function makeRandom(seed) {
    let x = seedState(seed);
    return () => {
        x ^= x << 13;
        x ^= x >>> 17;
        x ^= x << 5;
        x >>>= 0;
        return x;
    };
}

function randomEdges(n, seed) {
    const m = EDGES_PER_NODE * n;
    const src = new Uint32Array(m);
    const dst = new Uint32Array(m);
    const next = makeRandom(seed);
    for (let k = 0; k < m; k++) {
        src[k] = next() % n;
        dst[k] = next() % n;
    }
    return { src, dst };
}

// Compressed sparse rows: one flat array of neighbours, so a million nodes stay within tens of megabytes.
function adjacency(n, src, dst) {
    const offsets = new Uint32Array(n + 1);
    for (let k = 0; k < src.length; k++) {
        offsets[src[k] + 1]++;
        offsets[dst[k] + 1]++;
    }
    for (let i = 0; i < n; i++) {
        offsets[i + 1] += offsets[i];
    }
    const cursor = offsets.slice(0, n);
    const neighbours = new Uint32Array(2 * src.length);
    for (let k = 0; k < src.length; k++) {
        neighbours[cursor[src[k]]++] = dst[k];
        neighbours[cursor[dst[k]]++] = src[k];
    }
    return { offsets, neighbours };
}

// A queue read level by level, so the number of levels falls out without storing a distance per node.
function bfs(n, offsets, neighbours) {
    const seen = new Uint8Array(n);
    const queue = new Uint32Array(n);
    seen[0] = 1;
    let tail = 1;
    let head = 0;
    let levels = 0;
    while (head < tail) {
        levels++;
        const levelEnd = tail;
        for (; head < levelEnd; head++) {
            const u = queue[head];
            for (let j = offsets[u]; j < offsets[u + 1]; j++) {
                const v = neighbours[j];
                if (!seen[v]) {
                    seen[v] = 1;
                    queue[tail++] = v;
                }
            }
        }
    }
    return { visited: tail, levels };
}

exports.handler = (event) => {
    const n = integerField(event, 'size', 1, MAX_NODES);
    const seed = integerField(event, 'seed', 0, MAX_SEED, DEFAULT_SEED);
    const { src, dst } = randomEdges(n, seed);
    const { offsets, neighbours } = adjacency(n, src, dst);
    const { visited, levels } = bfs(n, offsets, neighbours);
    return { nodes: n, edges: src.length, visited, levels };
};
