// 710.event-producer: emits `count` binary-mode CloudEvents to a sink (Knative Eventing producer).
//
// The sink is `sink` from the event, else K_SINK (a Broker, Channel or a consumer such as 711.event-consumer). Each
// event has type dev.faaswb.benchmark, id <run>-<sequence>, the `sequence` extension (1..count) and the
// `faaswbsentus` extension (epoch microseconds just before the send), so a consumer can measure delivery latency.
// Events go one after the other over one keep-alive connection. The first failed send ends the run: the answer says
// how many were sent and why the rest were not (500 when none was sent).
'use strict';

const http = require('http');
const https = require('https');

const MAX_COUNT = 100000;
const MAX_PAYLOAD_BYTES = 1024 * 1024;
const MAX_RUN_CHARS = 128;
const REQUEST_TIMEOUT_MS = 10000;
const EVENT_TYPE = 'dev.faaswb.benchmark';
const EVENT_SOURCE = '/faaswb/710.event-producer';
const ERROR_BODY_CHARS = 200;

const epochUs = () => Math.round((performance.timeOrigin + performance.now()) * 1000);

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

function sinkField(event, context, required) {
    const sink = event.sink || context.sink || null;
    if (sink === null && !required) {
        return null;
    }
    if (sink === null) {
        throw new RangeError('no sink: set K_SINK for the function or pass "sink" in the event');
    }
    if (typeof sink !== 'string' || !/^https?:\/\//.test(sink)) {
        throw new TypeError(`sink must be an http:// or https:// URL, got ${JSON.stringify(sink)}`);
    }
    return sink;
}

function runField(event, instance, startedUs) {
    const run = event.run === undefined ? `${instance || 'run'}-${startedUs}` : event.run;
    if (typeof run !== 'string' || run.length < 1 || run.length > MAX_RUN_CHARS) {
        throw new TypeError(`run must be a string of 1 to ${MAX_RUN_CHARS} characters`);
    }
    return run;
}

// One keep-alive socket, so the run measures the eventing path rather than TCP set-up.
function makeSender(url) {
    const client = url.startsWith('https://') ? https : http;
    const agent = new client.Agent({ keepAlive: true, maxSockets: 1 });
    const post = (body, headers) => new Promise((resolve, reject) => {
        const options = { method: 'POST', agent, headers: { ...headers, 'Content-Length': body.length } };
        const request = client.request(url, options);
        request.setTimeout(REQUEST_TIMEOUT_MS, () => request.destroy(new Error('timed out')));
        request.on('error', reject);
        request.on('response', (response) => {
            const chunks = [];
            response.on('data', (chunk) => chunks.push(chunk));
            response.on('error', reject);
            response.on('end', () => {
                if (response.statusCode >= 200 && response.statusCode <= 299) {
                    resolve();
                    return;
                }
                const text = Buffer.concat(chunks).toString('utf8').slice(0, ERROR_BODY_CHARS);
                reject(new Error(`HTTP ${response.statusCode}: ${text}`));
            });
        });
        request.end(body);
    });
    return { post, close: () => agent.destroy() };
}

function cloudEvent(run, sequence, payload, instance, traceHeaders) {
    const sentUs = epochUs();
    const body = Buffer.from(JSON.stringify({ run, sequence, sent_us: sentUs, payload }), 'utf8');
    const headers = {
        ...traceHeaders,
        'Content-Type': 'application/json',
        'ce-specversion': '1.0',
        'ce-id': `${run}-${sequence}`,
        'ce-type': EVENT_TYPE,
        'ce-source': `${EVENT_SOURCE}/${instance}`,
        'ce-sequence': String(sequence),
        'ce-faaswbsentus': String(sentUs),
    };
    return [body, headers];
}

exports.handler = async (event, context = {}) => {
    const startedUs = epochUs();
    if (event === null || typeof event !== 'object' || Array.isArray(event)) {
        throw new TypeError('expected a JSON object');
    }
    const count = integerField(event, 'count', 0, MAX_COUNT);
    const payload = 'x'.repeat(integerField(event, 'payload_size', 0, MAX_PAYLOAD_BYTES, 0));
    const instance = context.instance || '';
    const run = runField(event, instance, startedUs);
    const sink = sinkField(event, context, count > 0);
    if (count === 0) {
        return { sent: 0, failed: 0, run, sink, duration_us: 0 };
    }
    const traceHeaders = context.trace_headers || {};

    const sender = makeSender(sink);
    let sent = 0;
    let error = null;
    try {
        for (let sequence = 1; sequence <= count; sequence++) {
            await sender.post(...cloudEvent(run, sequence, payload, instance, traceHeaders));
            sent++;
        }
    } catch (failure) {
        error = failure.message || String(failure);
    } finally {
        sender.close();
    }
    if (sent === 0) {
        throw new Error(`no event reached ${sink}: ${error}`);
    }
    const result = { sent, failed: count - sent, run, sink, duration_us: epochUs() - startedUs };
    if (error) {
        result.error = error;
    }
    return result;
};
