// 700.chain: one step of a function chain (workflow handover latency, 1 KB vs 2 MB payloads).
//
// A step records when it was invoked, busy-works `work_ms` and/or sleeps `sleep_ms`, then hands the event on:
// - `next` (a list of URLs): POSTs the event, with `next` shifted by one, to the first URL and waits for its answer
//   (Knative Serving style: a synchronous chain); the answer's hops are returned, so step 0 reports the whole chain;
// - else `forward` (true, or the number of hops still to go) with a sink (K_SINK): POSTs a binary-mode CloudEvent
//   to the sink and does not wait for the rest of the chain (Knative Eventing style).
// `payload` travels unchanged; `payload_size` makes step 0 generate one of that many bytes. Every outgoing request
// carries the trace headers from the context, so Zipkin shows the chain as one trace.
'use strict';

const crypto = require('crypto');
const http = require('http');
const https = require('https');

const MAX_MS = 60000;
const MAX_STEP = 10000;
const MAX_PAYLOAD_BYTES = 64 * 1024 * 1024;
const MAX_NEXT = 64;
const MAX_FORWARD = 64;
const REQUEST_TIMEOUT_MS = 60000;
const CHAIN_EVENT_TYPE = 'dev.faaswb.chain.step';
const CHAIN_EVENT_SOURCE = '/faaswb/700.chain';
const ERROR_BODY_CHARS = 200;

const epochUs = () => Math.round((performance.timeOrigin + performance.now()) * 1000);

// The rule every language applies: a finite number without a fractional part, within [low, high].
function integerField(event, key, low, high, fallback) {
    const value = event[key] === undefined || event[key] === null ? fallback : event[key];
    if (!Number.isInteger(value)) {
        throw new TypeError(`${key} must be an integer, got ${JSON.stringify(value)}`);
    }
    if (value < low || value > high) {
        throw new RangeError(`${key} must be between ${low} and ${high}, got ${value}`);
    }
    return value;
}

function payloadField(event) {
    if ('payload' in event && 'payload_size' in event) {
        throw new TypeError('give "payload" or "payload_size", not both');
    }
    if ('payload_size' in event) {
        return 'x'.repeat(integerField(event, 'payload_size', 0, MAX_PAYLOAD_BYTES, 0));
    }
    const payload = event.payload === undefined ? '' : event.payload;
    if (typeof payload !== 'string') {
        throw new TypeError('payload must be a string');
    }
    return payload;
}

function nextField(event) {
    const urls = event.next || [];
    if (!Array.isArray(urls) || urls.length > MAX_NEXT) {
        throw new TypeError(`next must be a list of at most ${MAX_NEXT} URLs`);
    }
    for (const url of urls) {
        if (typeof url !== 'string' || !/^https?:\/\//.test(url)) {
            throw new TypeError(`next must hold http:// or https:// URLs, got ${JSON.stringify(url)}`);
        }
    }
    return urls;
}

// true means one more hop; a number says how many hops through the sink are still to go.
function forwardField(event) {
    const value = event.forward;
    if (value === undefined || value === null || typeof value === 'boolean') {
        return value ? 1 : 0;
    }
    return integerField(event, 'forward', 0, MAX_FORWARD, 0);
}

function hopsField(event) {
    const hops = event.hops || [];
    if (!Array.isArray(hops) || !hops.every((hop) => hop !== null && typeof hop === 'object' && !Array.isArray(hop))) {
        throw new TypeError('hops must be a list of objects');
    }
    return hops;
}

// Spins on arithmetic until `ms` of wall time have passed: CPU-bound, unlike sleep_ms.
function busyWork(ms) {
    const deadline = performance.now() + ms;
    let value = 0;
    while (performance.now() < deadline) {
        for (let i = 0; i < 1000; i++) {
            value = (value * 31 + i) % 1000003;
        }
    }
    return value;
}

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

function post(url, body, headers) {
    const client = url.startsWith('https://') ? https : http;
    return new Promise((resolve, reject) => {
        const fail = (why) => reject(new Error(`forwarding to ${url} failed: ${why}`));
        const request = client.request(url, { method: 'POST', headers: { ...headers, 'Content-Length': body.length } });
        request.setTimeout(REQUEST_TIMEOUT_MS, () => request.destroy(new Error('timed out')));
        request.on('error', (error) => fail(error.message));
        request.on('response', (response) => {
            const chunks = [];
            response.on('data', (chunk) => chunks.push(chunk));
            response.on('error', (error) => fail(error.message));
            response.on('end', () => {
                const text = Buffer.concat(chunks).toString('utf8');
                if (response.statusCode < 200 || response.statusCode > 299) {
                    fail(`HTTP ${response.statusCode}: ${text.slice(0, ERROR_BODY_CHARS)}`);
                } else {
                    resolve(text);
                }
            });
        });
        request.end(body);
    });
}

// Synchronous hand-over: the next step answers with the chain's hops from there on.
async function callNext(urls, outgoing, traceHeaders) {
    const headers = { ...traceHeaders, 'Content-Type': 'application/json' };
    const answer = await post(urls[0], Buffer.from(JSON.stringify(outgoing), 'utf8'), headers);
    try {
        const hops = JSON.parse(answer).result.hops;
        if (Array.isArray(hops)) {
            return hops;
        }
    } catch (error) {
        // reported below, like an answer without hops
    }
    throw new Error(`${urls[0]} did not answer a 700.chain result`);
}

async function sendToSink(sink, outgoing, traceHeaders, instance, sentUs) {
    const headers = {
        ...traceHeaders,
        'Content-Type': 'application/json',
        'ce-specversion': '1.0',
        'ce-id': crypto.randomUUID(),
        'ce-type': CHAIN_EVENT_TYPE,
        'ce-source': `${CHAIN_EVENT_SOURCE}/${instance}`,
        'ce-faaswbsentus': String(sentUs), // as 710.event-producer stamps it, so 711.event-consumer can time the hop
    };
    await post(sink, Buffer.from(JSON.stringify(outgoing), 'utf8'), headers);
}

function readEvent(event) {
    if (event === null || typeof event !== 'object' || Array.isArray(event)) {
        throw new TypeError('expected a JSON object');
    }
    return {
        step: integerField(event, 'step', 0, MAX_STEP, 0),
        workMs: integerField(event, 'work_ms', 0, MAX_MS, 0),
        sleepMs: integerField(event, 'sleep_ms', 0, MAX_MS, 0),
        payload: payloadField(event),
        urls: nextField(event),
        forward: forwardField(event),
        hops: hopsField(event),
    };
}

exports.handler = async (event, context = {}) => {
    const receivedUs = epochUs();
    const { step, workMs, sleepMs, payload, urls, forward, hops } = readEvent(event);
    const sink = context.sink || null;
    if (urls.length === 0 && forward > 0 && !sink) {
        throw new RangeError('forward is set but this function has no sink (K_SINK is unset)');
    }

    busyWork(workMs);
    await sleep(sleepMs);

    const instance = context.instance || '';
    const hop = { step, instance, received_us: receivedUs };
    const result = { step, hops: [...hops, hop], payload_bytes: Buffer.byteLength(payload, 'utf8'), forwarded: null };
    if (urls.length === 0 && forward === 0) {
        return result;
    }

    const outgoing = { ...event, step: step + 1, payload, hops: result.hops };
    delete outgoing._cloudevent;
    delete outgoing.payload_size;
    const traceHeaders = context.trace_headers || {};
    hop.sent_us = epochUs();
    if (urls.length > 0) {
        outgoing.next = urls.slice(1);
        result.hops = await callNext(urls, outgoing, traceHeaders);
        result.forwarded = 'next';
    } else {
        outgoing.forward = forward - 1;
        await sendToSink(sink, outgoing, traceHeaders, instance, hop.sent_us);
        result.forwarded = 'sink';
    }
    return result;
};
