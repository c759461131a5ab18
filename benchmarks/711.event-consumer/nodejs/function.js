// 711.event-consumer: records the arrival of a CloudEvent (Knative Eventing consumer; pairs with 710.event-producer).
//
// For each event it answers the event id and the delivery latency: arrival time minus the `faaswbsentus` extension
// (epoch microseconds, set by 710.event-producer), or minus `sent_us` in the data; null when neither is there.
// Latency across hosts includes their clock offset. A plain JSON event (no CloudEvent) may carry `id` (and
// `sent_us`) itself. Per-process counters are answered for {"stats": true}; "reset": true zeroes them after reading,
// "deliveries": true adds the deliveries since the last reset as [id, latency_us] pairs in arrival order (the first
// MAX_DELIVERIES; `deliveries_dropped` counts the rest), so a caller can merge instances and take percentiles.
// Ids are remembered up to MAX_REMEMBERED_IDS, oldest forgotten first, so memory stays bounded on a long run.
'use strict';

const MAX_REMEMBERED_IDS = 1000000;
const MAX_ID_CHARS = 1024;
const MAX_DELIVERIES = 200000;

const epochUs = () => Math.round((performance.timeOrigin + performance.now()) * 1000);

// One process, one event loop: plain module state needs no lock.
function freshCounters() {
    return {
        received: 0, duplicates: 0, latencies: 0, latencySum: 0, latencyMin: null, latencyMax: null, seen: new Set(),
        deliveries: [], deliveriesDropped: 0,
    };
}

let counters = freshCounters();

function remember(id) {
    counters.seen.add(id);
    if (counters.seen.size > MAX_REMEMBERED_IDS) {
        // a Set iterates in insertion order, so its first entry is the oldest id
        counters.seen.delete(counters.seen.values().next().value);
    }
}

function record(id, latencyUs) {
    counters.received++;
    const duplicate = counters.seen.has(id);
    if (duplicate) {
        counters.duplicates++;
    } else {
        remember(id);
    }
    if (latencyUs !== null) {
        counters.latencies++;
        counters.latencySum += latencyUs;
        counters.latencyMin = counters.latencyMin === null ? latencyUs : Math.min(counters.latencyMin, latencyUs);
        counters.latencyMax = counters.latencyMax === null ? latencyUs : Math.max(counters.latencyMax, latencyUs);
    }
    if (counters.deliveries.length < MAX_DELIVERIES) {
        counters.deliveries.push([id, latencyUs]);
    } else {
        counters.deliveriesDropped++;
    }
    return { duplicate, received: counters.received };
}

function snapshot(reset, withDeliveries) {
    const c = counters;
    const stats = {
        received: c.received,
        duplicates: c.duplicates,
        unique: c.received - c.duplicates,
        latency_us: {
            count: c.latencies,
            min: c.latencyMin,
            max: c.latencyMax,
            mean: c.latencies ? Math.floor(c.latencySum / c.latencies + 0.5) : null,
        },
    };
    if (withDeliveries) {
        stats.deliveries = c.deliveries.slice();
        stats.deliveries_dropped = c.deliveriesDropped;
    }
    if (reset) {
        counters = freshCounters();
    }
    return stats;
}

function flag(event, key) {
    const value = event[key] === undefined ? false : event[key];
    if (typeof value !== 'boolean') {
        throw new TypeError(`${key} must be true or false`);
    }
    return value;
}

function eventId(event, attributes) {
    const value = attributes ? attributes.id : event.id;
    if (typeof value !== 'string' || value.length < 1 || value.length > MAX_ID_CHARS) {
        throw new TypeError(`the event needs an id (a string of 1 to ${MAX_ID_CHARS} characters): send a CloudEvent `
            + 'or put "id" in the JSON body');
    }
    return value;
}

// The producer's send time: the CloudEvent extension first, the data's `sent_us` otherwise.
function sentUs(event, attributes) {
    let value = attributes ? attributes.faaswbsentus : undefined;
    if (value === undefined || value === null) {
        value = event.sent_us;
    }
    if (value === undefined || value === null) {
        return null;
    }
    if (typeof value === 'string') {
        if (!/^[0-9]+$/.test(value)) {
            throw new TypeError(`faaswbsentus must be epoch microseconds, got ${JSON.stringify(value)}`);
        }
        return Number(value);
    }
    if (!Number.isInteger(value) || value < 0) {
        throw new TypeError(`sent_us must be epoch microseconds, got ${JSON.stringify(value)}`);
    }
    return value;
}

exports.handler = (event) => {
    const arrivedUs = epochUs();
    if (event === null || typeof event !== 'object' || Array.isArray(event)) {
        throw new TypeError('expected a JSON object');
    }
    if (flag(event, 'stats')) {
        return snapshot(flag(event, 'reset'), flag(event, 'deliveries'));
    }
    const attributes = event._cloudevent === undefined || event._cloudevent === null ? null : event._cloudevent;
    if (attributes !== null && (typeof attributes !== 'object' || Array.isArray(attributes))) {
        throw new TypeError('_cloudevent must be an object');
    }
    const id = eventId(event, attributes);
    const sent = sentUs(event, attributes);
    const latency = sent === null ? null : arrivedUs - sent;
    const { duplicate, received } = record(id, latency);
    const sequence = event.sequence === undefined ? null : event.sequence;
    return { received_id: id, latency_us: latency, sequence, duplicate, received };
};
