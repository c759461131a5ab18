'use strict';
// FaaS Workbench function wrapper for Node.js: serves one benchmark's handler over HTTP/1.1 as
// benchmarks/README.md ("The wrapper contract") describes:
//
//     node benchmarks/wrappers/nodejs/server.js benchmarks/<id>/nodejs/function.js
//
// Standard library only, so it runs on any Debian nodejs and in a slim container image.

const crypto = require('crypto');
const fs = require('fs');
const http = require('http');
const os = require('os');
const path = require('path');

const EXIT_USAGE = 2;
const EXIT_MISSING_MODULE = 3;
const CLOUDEVENTS_JSON = 'application/cloudevents+json';
const RESPONSE_TYPE = 'dev.faaswb.response';
const MAX_QUEUED_SPANS = 10000;
const MAX_SPANS_PER_POST = 100;
const CONTRACT_PATHS = ['/', '/init', '/run']; // our POST / and OpenWhisk's action protocol
const INIT_TWICE = 'cannot initialize the action more than once';

class InvalidInput extends Error {}

function epochMicros() {
    // Date.now() has millisecond resolution; anchor the high-resolution clock to it once at startup.
    return Number(EPOCH_ANCHOR_US + (process.hrtime.bigint() - HRTIME_ANCHOR_NS) / 1000n);
}
const EPOCH_ANCHOR_US = BigInt(Date.now()) * 1000n;
const HRTIME_ANCHOR_NS = process.hrtime.bigint();

function fail(code, message) {
    process.stderr.write(`error: ${message}\n`);
    process.exit(code);
}

function mediaType(contentType) {
    return (contentType || '').split(';')[0].trim().toLowerCase();
}

function isJsonType(contentType) {
    const media = mediaType(contentType);
    return media === 'application/json' || media === 'text/json' || media.endsWith('+json');
}

function loadHandler(file) {
    if (!fs.existsSync(file)) {
        fail(EXIT_USAGE, `no such function file: ${file}`);
    }
    let module;
    try {
        module = require(file);
    } catch (error) {
        if (error.code !== 'MODULE_NOT_FOUND') {
            throw error;
        }
        const missing = (/Cannot find module '([^']+)'/.exec(error.message) || [])[1] || error.message;
        fail(EXIT_MISSING_MODULE, `${file} needs the module '${missing}', which is not installed`);
    }
    if (typeof module.handler !== 'function') {
        fail(EXIT_USAGE, `${file} exports no handler(event, context) function`);
    }
    return module.handler;
}

// This invocation's SERVER span: a child of the incoming B3 or W3C trace context, or the root of a new trace.
class Span {
    constructor(headers) {
        Object.assign(this, Span.incoming(headers));
        this.traceId = this.traceId || crypto.randomBytes(16).toString('hex');
        this.spanId = crypto.randomBytes(8).toString('hex');
    }

    static incoming(headers) {
        const b3Trace = headers['x-b3-traceid'];
        if (b3Trace) {
            const sampled = !['0', 'false'].includes(headers['x-b3-sampled']);
            return { traceId: b3Trace.toLowerCase(), parentId: (headers['x-b3-spanid'] || '').toLowerCase(), sampled };
        }
        const parts = (headers.traceparent || '').trim().split('-');
        if (parts.length >= 4 && parts[1].length === 32 && parts[2].length === 16) {
            const flags = parts[3].slice(0, 2);
            const sampled = !/^[0-9a-fA-F]{2}$/.test(flags) || (parseInt(flags, 16) & 1) === 1;
            return { traceId: parts[1].toLowerCase(), parentId: parts[2].toLowerCase(), sampled };
        }
        return { traceId: null, parentId: '', sampled: true };
    }

    outgoingHeaders() {
        const flag = this.sampled ? '1' : '0';
        return {
            'X-B3-TraceId': this.traceId,
            'X-B3-SpanId': this.spanId,
            'X-B3-Sampled': flag,
            traceparent: `00-${this.traceId.padStart(32, '0')}-${this.spanId}-0${flag}`,
        };
    }

    toZipkin(service, beginUs, endUs, tags) {
        const span = {
            traceId: this.traceId, id: this.spanId, name: 'function', kind: 'SERVER',
            timestamp: beginUs, duration: Math.max(1, endUs - beginUs),
            localEndpoint: { serviceName: service }, tags,
        };
        if (this.parentId) {
            span.parentId = this.parentId;
        }
        return span;
    }
}

// Posts finished spans to Zipkin in batches, one POST in flight at a time, off the request path.
class SpanReporter {
    constructor(endpoint) {
        this.endpoint = endpoint ? new URL(endpoint) : null;
        this.queue = [];
        this.posting = false;
        this.warned = false;
        this.agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
    }

    report(span) {
        if (!this.endpoint || this.queue.length >= MAX_QUEUED_SPANS) {
            return; // a stalled collector must not grow memory without bound; losing spans is the lesser harm
        }
        this.queue.push(span);
        if (!this.posting) {
            setImmediate(() => this.flush());
        }
    }

    flush() {
        if (this.posting || this.queue.length === 0) {
            return;
        }
        this.posting = true;
        const body = JSON.stringify(this.queue.splice(0, MAX_SPANS_PER_POST));
        const request = http.request(this.endpoint, {
            method: 'POST', agent: this.agent, timeout: 5000,
            headers: { 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(body) },
        }, (response) => {
            response.resume();
            response.on('end', () => this.done());
        });
        request.on('timeout', () => request.destroy(new Error('timed out')));
        request.on('error', (error) => this.done(error));
        request.end(body);
    }

    done(error) {
        if (error && !this.warned) {
            process.stderr.write(`warning: could not post spans to ${this.endpoint}: ${error.message}\n`);
            this.warned = true;
        }
        this.posting = false;
        if (this.queue.length > 0) {
            setImmediate(() => this.flush());
        }
    }
}

function parseJson(text, what) {
    if (text.trim() === '') {
        return {};
    }
    try {
        return JSON.parse(text);
    } catch (error) {
        throw new InvalidInput(`${what} is not valid JSON: ${error.message}`);
    }
}

// Binary-mode CloudEvent: attributes in ce-* headers, data in the body.
function binaryEvent(headers, body) {
    const attributes = {};
    for (const [name, value] of Object.entries(headers)) {
        if (name.startsWith('ce-')) {
            attributes[name.slice(3)] = value;
        }
    }
    const contentType = headers['content-type'];
    if (contentType) {
        attributes.datacontenttype = contentType;
    }
    const text = body.toString('utf8');
    const data = !contentType || isJsonType(contentType) ? parseJson(text, 'the CloudEvent data') : text;
    return { data, attributes };
}

// Structured-mode CloudEvent: one JSON envelope with the attributes and data (or data_base64).
function structuredEvent(body) {
    const envelope = parseJson(body.toString('utf8'), 'the CloudEvent');
    if (envelope === null || typeof envelope !== 'object' || Array.isArray(envelope)) {
        throw new InvalidInput('a structured CloudEvent must be a JSON object');
    }
    const { data, data_base64: dataBase64, ...attributes } = envelope;
    if (typeof dataBase64 !== 'string') {
        return { data, attributes };
    }
    const text = Buffer.from(dataBase64, 'base64').toString('utf8');
    const decoded = isJsonType(envelope.datacontenttype) ? parseJson(text, 'the CloudEvent data') : text;
    return { data: decoded, attributes };
}

// Returns { event, mode } with mode 'binary', 'structured' or null (plain JSON).
function readEvent(headers, body) {
    let parsed;
    let mode;
    if (headers['ce-specversion']) {
        [parsed, mode] = [binaryEvent(headers, body), 'binary'];
    } else if (mediaType(headers['content-type']) === CLOUDEVENTS_JSON) {
        [parsed, mode] = [structuredEvent(body), 'structured'];
    } else {
        return { event: parseJson(body.toString('utf8'), 'the request body'), mode: null };
    }
    const { data, attributes } = parsed;
    if (data !== null && typeof data === 'object' && !Array.isArray(data)) {
        data._cloudevent = attributes;
    }
    return { event: data, mode };
}

function isObject(value) {
    return value !== null && typeof value === 'object' && !Array.isArray(value);
}

// OpenWhisk's POST /run: the action's parameters under "value" are the event (mode null, a plain event).
function readActivation(body) {
    const activation = parseJson(body.toString('utf8'), 'the /run body');
    if (!isObject(activation)) {
        throw new InvalidInput('the /run body must be a JSON object with the action\'s parameters under "value"');
    }
    // Only "value" is read: namespace, activation_id and above all api_key never reach the handler or a log.
    return { event: 'value' in activation ? activation.value : {}, mode: null };
}

// value.env holds the action's init parameters: string entries become environment variables, nothing else.
function applyInitEnvironment(init) {
    const env = isObject(init.value) ? init.value.env : null;
    if (!isObject(env)) {
        return;
    }
    for (const [name, setting] of Object.entries(env)) {
        if (typeof setting === 'string' && name !== '' && !name.includes('=') && !(name + setting).includes('\0')) {
            process.env[name] = setting;
        }
    }
}

// OpenWhisk's /run reply: the result object itself (anything else wrapped as {"result": ...}); a failed handler is
// a 502, which the invoker reports as an application error with our {"error": ...}.
function activationReply(status, reply) {
    if (status !== 200) {
        return { status: 502, reply };
    }
    const result = reply.result === undefined ? null : reply.result;
    return { status: 200, reply: isObject(result) ? result : { result } };
}

function isInvalidInput(error) {
    return error instanceof TypeError || error instanceof RangeError || (error && error.status === 400);
}

function errorMessage(error) {
    if (error instanceof Error) {
        return error.message || error.name;
    }
    return String(error);
}

class FunctionHost {
    constructor(file) {
        this.file = path.resolve(file);
        this.benchmarkId = path.basename(path.dirname(path.dirname(this.file)));
        this.handler = loadHandler(this.file);
        this.instance = process.env.FAASWB_INSTANCE || `${os.hostname()}-${process.pid}`;
        this.service = process.env.FAASWB_SERVICE_NAME || this.benchmarkId;
        this.sink = process.env.K_SINK || null;
        this.spans = new SpanReporter(process.env.ZIPKIN_ENDPOINT);
        this.cold = true;
        this.initialized = false; // OpenWhisk's /init, at most once per process
    }

    async serve(request, response) {
        const url = request.url.split('?')[0];
        const body = await readBody(request);
        if (url === '/healthz' && request.method === 'GET') {
            return send(response, 200, { ready: true });
        }
        if (!CONTRACT_PATHS.includes(url)) {
            return send(response, 404, { error: `no such path: ${url}` });
        }
        if (request.method !== 'POST') {
            return send(response, 405, { error: `method ${request.method} not allowed on ${url}` }, { Allow: 'POST' });
        }
        if (url === '/init') {
            return this.initAction(response, body);
        }
        return this.invoke(request, response, body, url === '/run');
    }

    // OpenWhisk's POST /init: a blackbox image already holds its code, so this only applies the environment, once.
    initAction(response, body) {
        if (this.initialized) {
            return send(response, 403, { error: INIT_TWICE });
        }
        let init;
        try {
            init = parseJson(body.toString('utf8'), 'the /init body');
            if (!isObject(init)) {
                throw new InvalidInput('the /init body must be a JSON object');
            }
        } catch (error) {
            return send(response, 400, { error: errorMessage(error) });
        }
        this.initialized = true;
        applyInitEnvironment(init);
        return send(response, 200, { ok: true });
    }

    async invoke(request, response, body, activation = false) {
        const span = new Span(request.headers);
        const receivedUs = epochMicros();
        let parsed;
        try {
            parsed = activation ? readActivation(body) : readEvent(request.headers, body);
        } catch (error) {
            return send(response, 400, { error: errorMessage(error) });
        }
        let { status, reply, headers } = await this.runHandler(parsed.event, span);
        if (activation) {
            ({ status, reply } = activationReply(status, reply));
            send(response, status, reply, headers);
        } else if (status === 200 && parsed.mode) {
            this.sendCloudEvent(response, parsed.mode, reply, headers);
        } else {
            send(response, status, reply, headers);
        }
        if (span.sampled) {
            const tags = {
                'http.status_code': String(status), 'faaswb.instance': this.instance,
                'faaswb.cold': String(headers['X-Faaswb-First-Invocation'] === '1'),
            };
            this.spans.report(span.toZipkin(this.service, receivedUs, epochMicros(), tags));
        }
    }

    async runHandler(event, span) {
        // Node runs one request's synchronous code at a time, so the first-invocation flag needs no lock.
        const cold = this.cold;
        this.cold = false;
        const context = { trace_headers: span.outgoingHeaders(), sink: this.sink, instance: this.instance };
        const beginUs = epochMicros();
        let status = 200;
        let reply;
        try {
            reply = { result: await this.handler(event, context) };
        } catch (error) {
            status = isInvalidInput(error) ? 400 : 500;
            if (status === 500) {
                process.stderr.write(`${error && error.stack ? error.stack : error}\n`);
            }
            reply = { error: errorMessage(error) };
        }
        const endUs = epochMicros();
        const headers = {
            'X-Faaswb-Handler-Begin-Us': String(beginUs),
            'X-Faaswb-Handler-End-Us': String(endUs),
            'X-Faaswb-First-Invocation': cold ? '1' : '0',
            'X-Faaswb-Instance': this.instance,
        };
        if (status === 200) {
            Object.assign(reply, { begin_us: beginUs, end_us: endUs, cold, instance: this.instance });
        }
        return { status, reply, headers };
    }

    sendCloudEvent(response, mode, reply, headers) {
        const attributes = {
            specversion: '1.0', id: crypto.randomUUID(), source: `/faaswb/${this.benchmarkId}`, type: RESPONSE_TYPE,
        };
        if (mode === 'binary') {
            for (const [name, value] of Object.entries(attributes)) {
                headers[`ce-${name}`] = value;
            }
            send(response, 200, reply, headers);
        } else {
            const envelope = { ...attributes, datacontenttype: 'application/json', data: reply };
            send(response, 200, envelope, headers, CLOUDEVENTS_JSON);
        }
    }
}

function readBody(request) {
    return new Promise((resolve, reject) => {
        const chunks = [];
        request.on('data', (chunk) => chunks.push(chunk));
        request.on('end', () => resolve(Buffer.concat(chunks)));
        request.on('error', reject);
    });
}

function send(response, status, value, headers = {}, contentType = 'application/json') {
    let body;
    try {
        // undefined (a handler returning nothing) is not JSON: answer null like Python's None.
        body = Buffer.from(JSON.stringify(value, (key, v) => (v === undefined && key === 'result' ? null : v)));
    } catch (error) {
        status = 500;
        body = Buffer.from(JSON.stringify({ error: `the handler result is not JSON: ${error.message}` }));
    }
    response.writeHead(status, { ...headers, 'Content-Type': contentType, 'Content-Length': body.length });
    response.end(body);
}

function main(argv) {
    if (argv.length !== 1 || argv[0] === '-h' || argv[0] === '--help') {
        process.stderr.write('usage: server.js <path to function.js>   (PORT, HOST, ... from the environment)\n');
        process.exit(EXIT_USAGE);
    }
    const host = new FunctionHost(argv[0]);
    const server = http.createServer({ keepAlive: true, noDelay: true }, (request, response) => {
        host.serve(request, response).catch((error) => {
            process.stderr.write(`${error && error.stack ? error.stack : error}\n`);
            if (!response.headersSent) {
                send(response, 500, { error: errorMessage(error) });
            }
        });
    });
    // Node closes idle keep-alive connections after 5 s by default; load generators keep theirs for the whole run.
    server.keepAliveTimeout = 120000;
    server.headersTimeout = 125000;
    server.requestTimeout = 0; // long handlers (010.sleep up to 10 min) must not be cut off
    const address = process.env.HOST || '127.0.0.1';
    // Container images set HOST=0.0.0.0 on purpose; anywhere else a non-loopback address is worth a warning.
    if (!['127.0.0.1', 'localhost', '::1'].includes(address)) {
        process.stderr.write(`warning: HOST=${address}: listening on an address other than 127.0.0.1, ` +
            'so other machines may reach this function\n');
    }
    server.on('error', (error) => fail(1, `cannot listen on ${address}:${process.env.PORT}: ${error.message}`));
    server.listen(Number(process.env.PORT || 0), address, 511, () => {
        process.stdout.write(`listening on ${address}:${server.address().port}\n`);
    });
}

main(process.argv.slice(2));
